"""Blacklist store on a Django cache alias (``BLACKLIST_CACHE_ALIAS``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import caches

from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.errors import BlacklistStoreError
from restflow.authentication.jwt import BLACKLIST_CACHE_PREFIX
from restflow.helpers import acache_call
from restflow.settings import restflow_settings

__all__ = ["CacheBlacklistBackend", "cache_backend_path", "is_process_local_cache"]

logger = logging.getLogger(__name__)

KEY_PREFIX = BLACKLIST_CACHE_PREFIX
PROCESS_LOCAL_BACKENDS = frozenset({"django.core.cache.backends.locmem.LocMemCache"})
DUMMY_BACKENDS = frozenset({"django.core.cache.backends.dummy.DummyCache"})


def cache_backend_path(alias: str) -> str:
    """Return the ``BACKEND`` dotted path of the cache ``alias`` ("" when it is not configured)."""
    config = getattr(settings, "CACHES", {}).get(alias)
    return str(config.get("BACKEND", "")) if isinstance(config, dict) else ""


def is_process_local_cache(alias: str) -> bool:
    """Return True when ``alias`` is a cache that each process keeps to itself (LocMemCache)."""
    return cache_backend_path(alias) in PROCESS_LOCAL_BACKENDS


class CacheBlacklistBackend(BlacklistBackend):
    """Store revoked ids in a Django cache, one key per token, expiring with the token.

    The cache must be shared by every process that serves requests (Redis,
    Memcached, the database cache): a token revoked in one process of a
    local-memory cache stays valid in the others. ``manage.py check`` reports
    a local-memory cache as ``restflow.E053`` unless ``DEBUG`` is on or
    ``BLACKLIST_ALLOW_LOCMEM`` is set; at runtime it works and logs one
    WARNING. ``DummyCache`` stores nothing, so it is treated as a store that
    cannot be reached.
    """

    def __init__(self, alias: str | None = None) -> None:
        self._alias = alias
        self._warned = False

    @property
    def alias(self) -> str:
        return self._alias or restflow_settings.JWT.BLACKLIST_CACHE_ALIAS

    def _cache(self) -> Any:
        alias = self.alias
        path = cache_backend_path(alias)
        if path in DUMMY_BACKENDS:
            raise BlacklistStoreError(
                f"The cache {alias!r} is a DummyCache, which stores nothing, so revoked "
                "tokens cannot be recorded."
            )
        if (
            path in PROCESS_LOCAL_BACKENDS
            and not self._warned
            and not restflow_settings.JWT.BLACKLIST_ALLOW_LOCMEM
        ):
            self._warned = True
            logger.warning(
                "The JWT blacklist uses the process-local cache %r: a token revoked in one "
                "process stays valid in the others. Point RESTFLOW_SETTINGS['JWT']"
                "['BLACKLIST_CACHE_ALIAS'] at a shared cache, or set BLACKLIST_ALLOW_LOCMEM.",
                alias,
            )
        try:
            return caches[alias]
        except Exception as exc:
            raise BlacklistStoreError(f"The cache {alias!r} cannot be opened: {exc}") from exc

    @staticmethod
    def key(jti: str) -> str:
        return KEY_PREFIX + jti

    @staticmethod
    def _timeout(expires_at: int) -> int:
        return max(1, int(expires_at - time.time()))

    def blacklist(self, jti: str, *, expires_at: int) -> bool:
        cache = self._cache()
        try:
            return bool(cache.add(self.key(jti), 1, timeout=self._timeout(expires_at)))
        except Exception as exc:
            raise BlacklistStoreError(f"Writing to the cache {self.alias!r} failed: {exc}") from exc

    def is_blacklisted(self, jti: str) -> bool:
        return self.any_blacklisted([jti])

    def any_blacklisted(self, jtis: Sequence[str]) -> bool:
        keys = [self.key(jti) for jti in jtis if jti]
        if not keys:
            return False
        cache = self._cache()
        try:
            return bool(cache.get_many(keys))
        except Exception as exc:
            raise BlacklistStoreError(f"Reading the cache {self.alias!r} failed: {exc}") from exc

    async def ablacklist(self, jti: str, *, expires_at: int) -> bool:
        cache = self._cache()
        try:
            return bool(
                await acache_call(cache, "add", self.key(jti), 1, timeout=self._timeout(expires_at))
            )
        except Exception as exc:
            raise BlacklistStoreError(f"Writing to the cache {self.alias!r} failed: {exc}") from exc

    async def ais_blacklisted(self, jti: str) -> bool:
        return await self.aany_blacklisted([jti])

    async def aany_blacklisted(self, jtis: Sequence[str]) -> bool:
        keys = [self.key(jti) for jti in jtis if jti]
        if not keys:
            return False
        cache = self._cache()
        try:
            # A local-memory cache is read on the event loop, without a thread hop.
            return bool(await acache_call(cache, "get_many", keys))
        except Exception as exc:
            raise BlacklistStoreError(f"Reading the cache {self.alias!r} failed: {exc}") from exc
