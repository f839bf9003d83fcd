"""The refresh reuse grace window (``REFRESH_REUSE_GRACE_PERIOD``).

When a client sends two refreshes with the same token at once (two browser
tabs, a retry), the first rotates it and the second would be refused as a
reuse. Within the grace window the second gets the pair the first minted.
The pair is kept for the window's length in the cache ``BLACKLIST_CACHE_ALIAS``,
which must be shared between processes for this to work across them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from django.core.cache import caches

from restflow.authentication.jwt import get_jwt_settings

__all__ = [
    "agrace_pair",
    "amark_rotating",
    "aremember_pair",
    "grace_pair",
    "grace_period",
    "mark_rotating",
    "remember_pair",
]

_PREFIX = "restflow:jwt:grace:"
# Stored between claiming a token and storing its new pair.
_PENDING = "pending"
# How long a late request waits for the winner to store its pair.
_MAX_WAIT = 2.0
_POLL = 0.05


def grace_period() -> float:
    """Return ``REFRESH_REUSE_GRACE_PERIOD`` in seconds (0 turns the window off)."""
    return float(get_jwt_settings().REFRESH_REUSE_GRACE_PERIOD.total_seconds())


def _cache() -> Any:
    return caches[get_jwt_settings().BLACKLIST_CACHE_ALIAS]


def _timeout() -> int:
    return max(1, int(grace_period()))


def mark_rotating(jti: str) -> None:
    """Record that ``jti`` was just claimed, so a concurrent reuse waits for its pair."""
    if grace_period() > 0:
        _cache().set(_PREFIX + jti, _PENDING, timeout=_timeout())


async def amark_rotating(jti: str) -> None:
    """Async twin of :func:`mark_rotating`."""
    if grace_period() > 0:
        await _cache().aset(_PREFIX + jti, _PENDING, timeout=_timeout())


def remember_pair(jti: str, pair: dict[str, str]) -> None:
    """Keep the pair minted when rotating ``jti`` for the grace window."""
    if grace_period() > 0:
        _cache().set(_PREFIX + jti, pair, timeout=_timeout())


async def aremember_pair(jti: str, pair: dict[str, str]) -> None:
    """Async twin of :func:`remember_pair`."""
    if grace_period() > 0:
        await _cache().aset(_PREFIX + jti, pair, timeout=_timeout())


def grace_pair(jti: str) -> dict[str, str] | None:
    """Return the pair minted when ``jti`` was rotated within the window, or None.

    Waits, at most two seconds, for a concurrent rotation that has claimed
    the token but not yet stored its pair. A token rotated outside the
    window has no record and returns None at once (after one short retry,
    which covers the moment between the claim and :func:`mark_rotating`).
    """
    period = grace_period()
    if period <= 0:
        return None
    deadline = time.monotonic() + min(period, _MAX_WAIT)
    retried = False
    while True:
        value = _cache().get(_PREFIX + jti)
        if isinstance(value, dict):
            return value
        if (value is None and retried) or time.monotonic() >= deadline:
            return None
        retried = retried or value is None
        time.sleep(_POLL)


async def agrace_pair(jti: str) -> dict[str, str] | None:
    """Async twin of :func:`grace_pair`."""
    period = grace_period()
    if period <= 0:
        return None
    deadline = time.monotonic() + min(period, _MAX_WAIT)
    retried = False
    while True:
        value = await _cache().aget(_PREFIX + jti)
        if isinstance(value, dict):
            return value
        if (value is None and retried) or time.monotonic() >= deadline:
            return None
        retried = retried or value is None
        await asyncio.sleep(_POLL)
