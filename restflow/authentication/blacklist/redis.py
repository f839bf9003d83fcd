"""Blacklist store on Redis: one ``SET key 1 EX ttl NX`` per revoked token."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.errors import BlacklistStoreError
from restflow.authentication.jwt import BLACKLIST_CACHE_PREFIX
from restflow.settings import restflow_settings, setting_path

try:
    import redis
    import redis.asyncio as redis_asyncio
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        'The "redis" JWT blacklist store needs the redis client: pip install "drf-restflow[redis]"'
    ) from exc

__all__ = ["RedisBlacklistBackend"]


def _url_from_cache(alias: str) -> tuple[str, str]:
    """Return the Redis URL and key prefix of the Redis cache ``alias``."""
    config = getattr(settings, "CACHES", {}).get(alias) or {}
    location = config.get("LOCATION")
    if isinstance(location, (list, tuple)):
        location = location[0] if location else None
    if not isinstance(location, str) or not location.startswith(
        ("redis://", "rediss://", "unix://")
    ):
        raise BlacklistStoreError(
            f"The redis JWT blacklist store found no Redis URL: set "
            f"{setting_path('JWT', 'BLACKLIST_REDIS_URL')}, or point "
            f"{setting_path('JWT', 'BLACKLIST_CACHE_ALIAS')} at a Redis cache "
            f"(CACHES[{alias!r}]['LOCATION'] is {location!r})."
        )
    prefix = config.get("KEY_PREFIX") or ""
    return location, f"{prefix}:" if prefix else ""


class RedisBlacklistBackend(BlacklistBackend):
    """Store revoked ids as Redis keys that expire with their token.

    The URL is ``BLACKLIST_REDIS_URL``, or the ``LOCATION`` of the cache
    ``BLACKLIST_CACHE_ALIAS`` (whose ``KEY_PREFIX`` is then put in front of
    the keys). Async methods use ``redis.asyncio`` with one client per event
    loop, so async views make no thread hop. ``socket_timeout`` bounds how
    long a request waits for an unreachable server before the store counts
    as down.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        key_prefix: str | None = None,
        socket_timeout: float = 1.0,
    ) -> None:
        self._url = url
        self._key_prefix = key_prefix
        self.socket_timeout = socket_timeout
        self._sync_client: Any = None
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def _target(self) -> tuple[str, str]:
        url = self._url or restflow_settings.JWT.BLACKLIST_REDIS_URL
        if url:
            prefix = ""
        else:
            url, prefix = _url_from_cache(restflow_settings.JWT.BLACKLIST_CACHE_ALIAS)
        if self._key_prefix is not None:
            prefix = self._key_prefix
        return url, prefix + BLACKLIST_CACHE_PREFIX

    def key(self, jti: str) -> str:
        return self._target()[1] + jti

    def _options(self) -> dict[str, Any]:
        return {
            "socket_timeout": self.socket_timeout,
            "socket_connect_timeout": self.socket_timeout,
        }

    def _client(self) -> Any:
        if self._sync_client is None:
            with self._lock:
                if self._sync_client is None:
                    url = self._target()[0]
                    self._sync_client = redis.Redis.from_url(url, **self._options())
        return self._sync_client

    def _aclient(self) -> Any:
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            client = redis_asyncio.Redis.from_url(self._target()[0], **self._options())
            self._async_clients[loop] = client
        return client

    @staticmethod
    def _ttl(expires_at: int) -> int:
        return max(1, int(expires_at - time.time()))

    def blacklist(self, jti: str, *, expires_at: int) -> bool:
        try:
            return bool(self._client().set(self.key(jti), 1, ex=self._ttl(expires_at), nx=True))
        except (redis.RedisError, OSError) as exc:
            raise BlacklistStoreError(f"Writing to Redis failed: {exc}") from exc

    def is_blacklisted(self, jti: str) -> bool:
        return self.any_blacklisted([jti])

    def any_blacklisted(self, jtis: Sequence[str]) -> bool:
        keys = [self.key(jti) for jti in jtis if jti]
        if not keys:
            return False
        try:
            return int(self._client().exists(*keys)) > 0
        except (redis.RedisError, OSError) as exc:
            raise BlacklistStoreError(f"Reading from Redis failed: {exc}") from exc

    async def ablacklist(self, jti: str, *, expires_at: int) -> bool:
        try:
            result = await self._aclient().set(self.key(jti), 1, ex=self._ttl(expires_at), nx=True)
        except (redis.RedisError, OSError) as exc:
            raise BlacklistStoreError(f"Writing to Redis failed: {exc}") from exc
        return bool(result)

    async def ais_blacklisted(self, jti: str) -> bool:
        return await self.aany_blacklisted([jti])

    async def aany_blacklisted(self, jtis: Sequence[str]) -> bool:
        keys = [self.key(jti) for jti in jtis if jti]
        if not keys:
            return False
        try:
            return int(await self._aclient().exists(*keys)) > 0
        except (redis.RedisError, OSError) as exc:
            raise BlacklistStoreError(f"Reading from Redis failed: {exc}") from exc
