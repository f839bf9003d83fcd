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

__all__ = ["agrace_pair", "aremember_pair", "grace_pair", "grace_period", "remember_pair"]

_PREFIX = "restflow:jwt:grace:"
# How long a late request waits for the winner to store its pair.
_MAX_WAIT = 2.0
_POLL = 0.05


def grace_period() -> float:
    """Return ``REFRESH_REUSE_GRACE_PERIOD`` in seconds (0 turns the window off)."""
    return float(get_jwt_settings().REFRESH_REUSE_GRACE_PERIOD.total_seconds())


def _cache() -> Any:
    return caches[get_jwt_settings().BLACKLIST_CACHE_ALIAS]


def remember_pair(jti: str, pair: dict[str, str]) -> None:
    """Keep the pair minted when rotating ``jti`` for the grace window."""
    period = grace_period()
    if period > 0:
        _cache().set(_PREFIX + jti, pair, timeout=max(1, int(period)))


async def aremember_pair(jti: str, pair: dict[str, str]) -> None:
    """Async twin of :func:`remember_pair`."""
    period = grace_period()
    if period > 0:
        await _cache().aset(_PREFIX + jti, pair, timeout=max(1, int(period)))


def grace_pair(jti: str) -> dict[str, str] | None:
    """Return the pair minted when ``jti`` was rotated within the window, or None.

    Waits briefly for a concurrent rotation that has claimed the token but
    not yet stored its pair.
    """
    period = grace_period()
    if period <= 0:
        return None
    deadline = time.monotonic() + min(period, _MAX_WAIT)
    while True:
        pair = _cache().get(_PREFIX + jti)
        if pair is not None or time.monotonic() >= deadline:
            return pair  # type: ignore[no-any-return]
        time.sleep(_POLL)


async def agrace_pair(jti: str) -> dict[str, str] | None:
    """Async twin of :func:`grace_pair`."""
    period = grace_period()
    if period <= 0:
        return None
    deadline = time.monotonic() + min(period, _MAX_WAIT)
    while True:
        pair = await _cache().aget(_PREFIX + jti)
        if pair is not None or time.monotonic() >= deadline:
            return pair  # type: ignore[no-any-return]
        await asyncio.sleep(_POLL)
