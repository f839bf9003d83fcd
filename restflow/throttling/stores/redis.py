"""A sliding-window throttle store on Redis, atomic in one round trip.

Each key is a sorted set of request timestamps. A Lua script drops the
timestamps older than the window, counts the rest and adds the new request
only when the count is under the limit, so concurrent requests from any
number of processes admit exactly the limit. The sync path uses redis-py,
the async path ``redis.asyncio`` (no thread). The connection comes from
``THROTTLING["REDIS_URL"]`` or, when that is unset, from the django-redis
cache named by ``THROTTLING["CACHE_ALIAS"]``.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
import weakref
from typing import Any

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from restflow.settings import restflow_settings, setting_path
from restflow.throttling.stores.base import (
    BaseThrottleStore,
    StoreUnavailableError,
    ThrottleUsage,
    storage_key,
)

try:
    import redis
    import redis.asyncio as redis_asyncio
    from redis.backoff import NoBackoff
    from redis.retry import Retry
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        'The "redis" throttle store needs redis-py: pip install "drf-restflow[redis]"'
    ) from exc

__all__ = ["SLIDING_WINDOW_SCRIPT", "RedisThrottleStore"]

# KEYS[1]: the sorted set. ARGV: now (seconds, float), window length
# (seconds), limit, a unique member for this request.
# Returns {admitted (0 or 1), count after this request, oldest timestamp}.
# The oldest timestamp goes back as a string because Redis truncates Lua
# numbers to integers in replies.
SLIDING_WINDOW_SCRIPT = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local duration = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
local count = redis.call('ZCARD', key)
local admitted = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, math.ceil(duration * 1000))
  count = count + 1
  admitted = 1
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {admitted, count, oldest[2] or ARGV[1]}
"""

# Errors that mean "the count is unknown": the server is down, slow,
# read-only, out of memory, or the connection broke.
_UNAVAILABLE = (redis.RedisError, OSError, asyncio.TimeoutError)

# Keyword arguments of a redis-py connection that describe where and how to
# connect, copied from a django-redis connection pool.
_COPIED_CONNECTION_KWARGS = ("host", "port", "db", "username", "password", "client_name")


class RedisThrottleStore(BaseThrottleStore):
    """Count requests in Redis with an atomic sliding window.

    ``url`` and ``cache_alias`` override ``THROTTLING["REDIS_URL"]`` and
    ``THROTTLING["CACHE_ALIAS"]``; ``socket_timeout`` overrides
    ``THROTTLING["SOCKET_TIMEOUT"]``, which bounds both connecting and each
    reply, and the wait for one of the ``max_connections`` pooled
    connections. Commands are not retried, so an unreachable server costs
    one timeout at most before ``FAIL_OPEN`` decides.
    """

    def __init__(
        self,
        url: str | None = None,
        cache_alias: str | None = None,
        socket_timeout: float | None = None,
        max_connections: int = 50,
    ) -> None:
        self.max_connections = max_connections
        self._url = url
        self._cache_alias = cache_alias
        self._socket_timeout = socket_timeout
        self._lock = threading.Lock()
        self._client: redis.Redis | None = None
        self._script: Any = None
        # redis.asyncio connections belong to the event loop that opened
        # them, so each loop gets its own client.
        self._async_clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[redis_asyncio.Redis, Any]
        ] = weakref.WeakKeyDictionary()

    # --- configuration --------------------------------------------------

    @property
    def url(self) -> str | None:
        return self._url if self._url is not None else restflow_settings.THROTTLING.REDIS_URL

    @property
    def cache_alias(self) -> str:
        return self._cache_alias or restflow_settings.THROTTLING.CACHE_ALIAS

    @property
    def socket_timeout(self) -> float:
        if self._socket_timeout is not None:
            return self._socket_timeout
        return float(restflow_settings.THROTTLING.SOCKET_TIMEOUT)

    @property
    def description(self) -> str:  # type: ignore[override]
        if self.url:
            return "redis (THROTTLING['REDIS_URL'])"
        return f"redis (cache {self.cache_alias!r})"

    def connection_kwargs(self) -> dict[str, Any]:
        """Return the connection keyword arguments shared by the sync and async pools.

        The result holds ``url`` when ``REDIS_URL`` is set, otherwise the
        host, port, credentials and a ``transport`` (``"tcp"``, ``"tls"`` or
        ``"unix"``) copied from the django-redis cache. Raises
        ``ImproperlyConfigured`` when neither is configured.
        """
        timeout = self.socket_timeout or None
        common: dict[str, Any] = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
        if self.url:
            return {"url": self.url, **common}
        return {**_connection_kwargs_from_cache(self.cache_alias), **common}

    def _pool(self, module: Any, retry: Any) -> Any:
        # A blocking pool makes a burst of requests wait for a free
        # connection (up to the socket timeout) instead of failing with
        # "Too many connections" and falling back to FAIL_OPEN.
        kwargs = self.connection_kwargs()
        url = kwargs.pop("url", None)
        transport = kwargs.pop("transport", "tcp")
        kwargs.update(
            max_connections=self.max_connections,
            timeout=kwargs["socket_timeout"],
            retry=retry,
        )
        pool_class = module.BlockingConnectionPool
        if url:
            return pool_class.from_url(url, **kwargs)
        if transport == "unix":
            kwargs["connection_class"] = module.UnixDomainSocketConnection
        elif transport == "tls":
            kwargs["connection_class"] = module.SSLConnection
        return pool_class(**kwargs)

    def make_key(self, key: str) -> str:
        """Return the Redis key, with the cache's ``KEY_PREFIX`` and version under a cache alias."""
        if self.url:
            return storage_key(key)
        return str(caches[self.cache_alias].make_key(storage_key(key)))

    # --- clients ----------------------------------------------------------

    def _sync_script(self) -> Any:
        if self._script is None:
            with self._lock:
                if self._script is None:
                    pool = self._pool(redis, Retry(NoBackoff(), 0))
                    client = redis.Redis(connection_pool=pool)
                    self._client = client
                    self._script = client.register_script(SLIDING_WINDOW_SCRIPT)
        return self._script

    def _async_script(self) -> Any:
        loop = asyncio.get_running_loop()
        entry = self._async_clients.get(loop)
        if entry is None:
            from redis.asyncio.retry import Retry as AsyncRetry

            pool = self._pool(redis_asyncio, AsyncRetry(NoBackoff(), 0))
            client = redis_asyncio.Redis(connection_pool=pool)
            entry = (client, client.register_script(SLIDING_WINDOW_SCRIPT))
            self._async_clients[loop] = entry
        return entry[1]

    def close(self) -> None:
        """Close the sync client's connections; async clients close with their loop."""
        with self._lock:
            if self._client is not None:
                self._client.close()
            self._client = None
            self._script = None

    # --- counting ----------------------------------------------------------

    def hit(self, key: str, limit: int, duration: int, now: float) -> ThrottleUsage:
        script = self._sync_script()
        args = (repr(float(now)), duration, limit, uuid.uuid4().hex)
        try:
            reply = script(keys=[self.make_key(key)], args=args)
        except _UNAVAILABLE as exc:
            raise StoreUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        return self._usage(reply, limit, duration, now)

    async def ahit(self, key: str, limit: int, duration: int, now: float) -> ThrottleUsage:
        script = self._async_script()
        args = (repr(float(now)), duration, limit, uuid.uuid4().hex)
        try:
            reply = await script(keys=[self.make_key(key)], args=args)
        except _UNAVAILABLE as exc:
            raise StoreUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        return self._usage(reply, limit, duration, now)

    @staticmethod
    def _usage(reply: Any, limit: int, duration: int, now: float) -> ThrottleUsage:
        admitted, count, oldest = reply
        count = int(count)
        if count < limit:
            reset_after = 0.0
        else:
            reset_after = max(0.0, float(oldest) + duration - now)
        return ThrottleUsage(
            allowed=bool(int(admitted)), count=count, limit=limit, reset_after=reset_after
        )


def _connection_kwargs_from_cache(alias: str) -> dict[str, Any]:
    """Return host, port, credentials and TLS options of the django-redis cache ``alias``."""
    where = setting_path("THROTTLING", "CACHE_ALIAS")
    if alias not in caches:
        raise ImproperlyConfigured(
            f"{where} = {alias!r} is not a configured cache. Set it to a django-redis cache "
            f"alias, or set {setting_path('THROTTLING', 'REDIS_URL')} to a redis:// URL."
        )
    try:
        from django_redis import get_redis_connection

        client = get_redis_connection(alias)
    except (ImportError, NotImplementedError) as exc:
        backend = type(caches[alias]).__module__ + "." + type(caches[alias]).__qualname__
        raise ImproperlyConfigured(
            f"The redis throttle store needs {setting_path('THROTTLING', 'REDIS_URL')} or "
            f"{where} naming a django-redis cache, but cache {alias!r} uses {backend}. "
            'Set REDIS_URL, or point CACHE_ALIAS at a "django_redis.cache.RedisCache" cache '
            '(pip install "drf-restflow[redis]").'
        ) from exc
    pool = client.connection_pool
    source = pool.connection_kwargs
    kwargs = {name: source[name] for name in _COPIED_CONNECTION_KWARGS if source.get(name)}
    kind = getattr(pool, "connection_class", redis.Connection)
    if issubclass(kind, redis.UnixDomainSocketConnection):
        kwargs.pop("host", None)
        kwargs.pop("port", None)
        kwargs["path"] = source["path"]
        kwargs["transport"] = "unix"
    elif issubclass(kind, redis.SSLConnection):
        kwargs["transport"] = "tls"
        kwargs.update({name: value for name, value in source.items() if name.startswith("ssl_")})
    elif not issubclass(kind, redis.Connection):
        raise ImproperlyConfigured(
            f"Cache {alias!r} connects through {kind.__qualname__}, which the redis throttle "
            f"store cannot copy. Set {setting_path('THROTTLING', 'REDIS_URL')} instead."
        )
    if "db" not in kwargs:
        kwargs["db"] = source.get("db", 0)
    return kwargs
