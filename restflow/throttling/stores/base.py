"""The contract every throttle store implements, and the key format they share."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = [
    "KEY_PREFIX",
    "BaseThrottleStore",
    "StoreUnavailableError",
    "ThrottleUsage",
    "storage_key",
]

KEY_PREFIX = "restflow:throttle:"

# Longest throttle key kept readable; longer keys, or keys with characters
# that memcached and some proxies reject (whitespace, control, non-ASCII),
# are replaced by their SHA-256 so a client-supplied X-Forwarded-For value
# can never make the store reject the key.
MAX_READABLE_KEY_LENGTH = 160
_READABLE_KEY = re.compile(r"[\x21-\x7e]+")


def storage_key(key: str) -> str:
    """Return the store key for ``key``: prefixed, printable ASCII, at most 200 characters."""
    # Readable and hashed keys live under different markers, so no readable
    # key can be chosen to equal the hash of another client's key.
    if len(key) <= MAX_READABLE_KEY_LENGTH and _READABLE_KEY.fullmatch(key):
        return f"{KEY_PREFIX}k:{key}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{KEY_PREFIX}h:{digest}"


class StoreUnavailableError(Exception):
    """The store could not be reached or failed; the throttle applies ``FAIL_OPEN``."""


@dataclass(frozen=True)
class ThrottleUsage:
    """The outcome of counting one request against a limit.

    ``count`` is the number of requests the store holds for the key in the
    current window after this one was counted (a rejected request is not
    counted by the sliding-window store, and is by the fixed-window one).
    ``reset_after`` is the number of seconds until the store admits another
    request for the key, 0 when it would admit one now.
    """

    allowed: bool
    count: int
    limit: int
    reset_after: float

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)


class BaseThrottleStore:
    """Count requests per key within a time window.

    Subclasses implement :meth:`hit` and, when they can do it without a
    thread, :meth:`ahit`; the default :meth:`ahit` runs :meth:`hit` in a
    thread. Both raise :class:`StoreUnavailableError` when the backing
    service fails, and never any other error for a reachable service.
    """

    #: Short description used in log messages, e.g. "cache 'default'".
    description = "throttle store"

    def hit(self, key: str, limit: int, duration: int, now: float) -> ThrottleUsage:
        """Count a request for ``key`` at time ``now`` if fewer than ``limit`` are in the window."""
        raise NotImplementedError(f"{type(self).__qualname__} must implement hit().")

    async def ahit(self, key: str, limit: int, duration: int, now: float) -> ThrottleUsage:
        """Async twin of :meth:`hit`; override it to avoid the thread hop."""
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.hit, thread_sensitive=False)(key, limit, duration, now)
