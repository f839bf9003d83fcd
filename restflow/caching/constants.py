"""Names and sentinels shared by the caching modules."""

from __future__ import annotations

from enum import Enum

__all__ = [
    "CACHED_DATA_METADATA_KEY",
    "CACHED_DATA_VALUE_KEY",
    "CACHE_MISSING",
    "KEY_ROOT",
    "MAX_BACKEND_KEY_LENGTH",
    "METADATA_CACHED_AT_KEY",
    "METADATA_CACHE_STATUS",
    "METADATA_RESET_AT_KEY",
    "MISSING_VALUE",
    "CacheStatus",
]


class CacheStatus(str, Enum):
    """The source of a value: the cache, a fresh computation, or a stale entry."""

    HIT = "HIT"
    MISS = "MISS"
    STALE = "STALE"
    BYPASS = "BYPASS"
    REFRESH = "REFRESH"

    def __str__(self) -> str:
        return self.value


class _Missing:
    """The sentinel returned on a cache miss, so that a cached ``None`` stays a hit."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "CACHE_MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "CACHE_MISSING"


CACHE_MISSING = _Missing()

CACHED_DATA_VALUE_KEY = "value"
CACHED_DATA_METADATA_KEY = "metadata"
METADATA_CACHED_AT_KEY = "cached_at"
METADATA_RESET_AT_KEY = "cache_reset_at"
METADATA_CACHE_STATUS = "cache_status"

# Substituted when a dotted path segment is missing while building a key.
MISSING_VALUE = "__restflow:missing__"

# First segment of every key restflow writes; the redis adapter scans for it.
KEY_ROOT = "rf"

# memcached rejects keys longer than 250 bytes; Redis accepts far more, so the
# smaller limit is the one every key is kept under, backend prefix included.
MAX_BACKEND_KEY_LENGTH = 250
