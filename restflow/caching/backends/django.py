"""``DjangoCacheBackend``: restflow entries in any Django cache."""

from __future__ import annotations

from restflow.caching.backends.base import BaseCacheBackend

__all__ = ["DjangoCacheBackend"]


class DjangoCacheBackend(BaseCacheBackend):
    """Any Django cache: local memory, database, file, memcached or Redis.

    Wipes replace a generation number (O(1)); wiped entries are left to
    expire by their TTL, since these caches cannot list keys by prefix.
    """

    name = "django"
