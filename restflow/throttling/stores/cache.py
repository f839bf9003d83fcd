"""A fixed-window throttle store on any Django cache, counting with ``add`` and ``incr``.

Each key gets one counter per window of ``duration`` seconds, aligned to
multiples of the duration. ``add`` creates the counter and ``incr`` bumps
it, which is atomic on backends whose ``incr`` is atomic: local memory,
memcached, Django's ``RedisCache`` and django-redis. Django's database and
file caches implement ``incr`` as a read followed by a write, so two
requests racing on the same counter can both read the same value and one
of them goes uncounted; use the ``redis`` store where exact limits matter.
A fixed window also admits up to twice the limit across a window boundary
(the end of one window plus the start of the next).
"""

from __future__ import annotations

import math
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

from restflow.settings import restflow_settings
from restflow.throttling.stores.base import (
    BaseThrottleStore,
    StoreUnavailableError,
    ThrottleUsage,
    storage_key,
)

__all__ = ["CacheThrottleStore", "is_process_local"]

# Backends that keep everything in the process: calling their sync methods
# on the event loop blocks it for no longer than a dict operation.
_IN_PROCESS_BACKENDS = (LocMemCache, DummyCache)


class CacheThrottleStore(BaseThrottleStore):
    """Count requests in the Django cache named by ``THROTTLING["CACHE_ALIAS"]``."""

    def __init__(self, cache_alias: str | None = None) -> None:
        self._cache_alias = cache_alias

    @property
    def cache_alias(self) -> str:
        return self._cache_alias or restflow_settings.THROTTLING.CACHE_ALIAS

    @property
    def description(self) -> str:  # type: ignore[override]
        return f"cache {self.cache_alias!r}"

    def get_cache(self) -> BaseCache:
        """Return the cache; looked up per call so ``override_settings(CACHES=...)`` applies."""
        return caches[self.cache_alias]

    def _window(self, key: str, duration: int, now: float) -> tuple[str, float, int]:
        window = math.floor(now / duration)
        window_end = (window + 1) * duration
        # One second of slack so the counter outlives its window even when
        # the cache rounds the timeout down.
        timeout = max(1, math.ceil(window_end - now)) + 1
        return f"{storage_key(key)}:{duration}:{window}", window_end - now, timeout

    def hit(self, key: str, limit: int, duration: int, now: float) -> ThrottleUsage:
        cache = self.get_cache()
        counter, reset_after, timeout = self._window(key, duration, now)
        try:
            count = self._increment(cache, counter, timeout)
        except Exception as exc:
            # Cache backends raise their client's own errors (socket errors,
            # pymemcache and redis exceptions, database errors); any of them
            # means the count is unknown, which FAIL_OPEN decides about.
            raise StoreUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        return self._usage(count, limit, reset_after)

    async def ahit(self, key: str, limit: int, duration: int, now: float) -> ThrottleUsage:
        cache = self.get_cache()
        if isinstance(cache, _IN_PROCESS_BACKENDS):
            return self.hit(key, limit, duration, now)
        counter, reset_after, timeout = self._window(key, duration, now)
        try:
            count = await self._aincrement(cache, counter, timeout)
        except Exception as exc:
            raise StoreUnavailableError(f"{type(exc).__name__}: {exc}") from exc
        return self._usage(count, limit, reset_after)

    @staticmethod
    def _increment(cache: BaseCache, counter: str, timeout: int) -> int:
        if cache.add(counter, 1, timeout):
            return 1
        try:
            return int(cache.incr(counter))
        except ValueError:
            # The counter expired between add() and incr(): this request
            # opens a new one.
            cache.add(counter, 1, timeout)
            return 1

    @staticmethod
    async def _aincrement(cache: BaseCache, counter: str, timeout: int) -> int:
        if await cache.aadd(counter, 1, timeout):
            return 1
        try:
            return int(await cache.aincr(counter))
        except ValueError:
            await cache.aadd(counter, 1, timeout)
            return 1

    @staticmethod
    def _usage(count: int, limit: int, reset_after: float) -> ThrottleUsage:
        allowed = count <= limit
        return ThrottleUsage(
            allowed=allowed,
            count=count,
            limit=limit,
            reset_after=0.0 if count < limit else max(0.0, reset_after),
        )


def is_process_local(cache: Any) -> bool:
    """Return True for caches whose counts are not shared between processes."""
    return isinstance(cache, _IN_PROCESS_BACKENDS)
