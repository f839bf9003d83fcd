"""``RedisCacheBackend``: generation wipes plus deletion of wiped keys on django-redis."""

from __future__ import annotations

import logging
from typing import Any

from restflow.caching.backends.base import BaseCacheBackend

__all__ = ["RedisCacheBackend"]

logger = logging.getLogger(__name__)

INSTALL_HINT = 'pip install "drf-restflow[redis]"'


class RedisCacheBackend(BaseCacheBackend):
    """A django-redis cache: O(1) wipes, then SCAN/UNLINK of the wiped keys.

    :meth:`wipe` replaces the scope's generation number first, so readers
    stop seeing the old entries at once, and then deletes them in batches
    of ``batch_size`` (set ``reclaim_on_wipe = False`` in a subclass to
    leave them to their TTL). Raises ``ImproperlyConfigured`` when the alias
    is not a django-redis cache.
    """

    name = "redis"
    supports_reclaim = True
    reclaim_on_wipe = True
    batch_size = 500

    def __init__(self, alias: str = "default") -> None:
        try:
            import django_redis  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                f"The 'redis' cache backend adapter needs django-redis: {INSTALL_HINT}"
            ) from exc
        super().__init__(alias)

    def _client(self) -> Any:
        client = getattr(self.cache, "client", None)
        if client is None or not hasattr(client, "get_client"):
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                f"CACHES[{self.alias!r}] is {type(self.cache).__module__}."
                f"{type(self.cache).__name__}, not a django-redis cache; the 'redis' adapter "
                "needs BACKEND 'django_redis.cache.RedisCache', or use the 'django' adapter."
            )
        return client

    def _pattern(self, prefix: str) -> str:
        # Keys below a prefix continue with ":"; make_pattern escapes the
        # cache's KEY_PREFIX, and restflow's own parts contain no glob characters.
        return str(self._client().make_pattern(prefix + ":*"))

    def reclaim(self, prefix: str) -> int:
        """Delete every stored key under ``prefix`` with SCAN and UNLINK; return the count."""
        deleted = self.reclaim_pattern(prefix)
        logger.info("Deleted %d stale cache entries under %s", deleted, prefix)
        return deleted

    def reclaim_pattern(self, pattern: str) -> int:
        """Delete every stored key matching the restflow glob ``pattern``; return the count."""
        redis = self._client().get_client(write=True)
        deleted = 0
        batch: list[Any] = []
        match = str(self._client().make_pattern(pattern + ":*"))
        for key in redis.scan_iter(match=match, count=self.batch_size):
            batch.append(key)
            if len(batch) >= self.batch_size:
                deleted += int(redis.unlink(*batch))
                batch.clear()
        if batch:
            deleted += int(redis.unlink(*batch))
        return deleted

    def wipe(self, scope: Any) -> None:
        super().wipe(scope)
        if self.reclaim_on_wipe:
            self.reclaim(scope.prefix)

    async def awipe(self, scope: Any) -> None:
        await super().awipe(scope)
        if self.reclaim_on_wipe:
            await self.areclaim(scope.prefix)

    def wipe_prefix(self, prefix: str) -> None:
        super().wipe_prefix(prefix)
        if self.reclaim_on_wipe:
            self.reclaim(prefix)

    def stats(self) -> dict[str, Any]:
        """Return the number of restflow keys and the server's keyspace hit ratio."""
        redis = self._client().get_client(write=False)
        keys = sum(1 for _ in redis.scan_iter(match=self._pattern("rf"), count=1000))
        info = redis.info("stats")
        hits = int(info.get("keyspace_hits", 0))
        misses = int(info.get("keyspace_misses", 0))
        total = hits + misses
        return {
            **super().stats(),
            "keys": keys,
            "server_hits": hits,
            "server_misses": misses,
            "server_hit_ratio": (hits / total) if total else None,
        }
