"""Rate-limited reporting of cache errors, so a cache outage does not flood the log."""

from __future__ import annotations

import logging
import threading
import time

from restflow.settings import restflow_settings

__all__ = ["report_cache_error"]

logger = logging.getLogger("restflow.caching")

_last_logged: dict[str, float] = {}
_suppressed: dict[str, int] = {}
_lock = threading.Lock()


def report_cache_error(alias: str, action: str, exc: BaseException) -> None:
    """Log a failed cache operation at WARNING, at most once per ``ERROR_LOG_INTERVAL`` per cache.

    The request goes on without the cache (computed, not stored), so the
    error is logged rather than raised. Suppressed repeats are counted and
    reported with the next message.
    """
    interval = float(restflow_settings.CACHE_SETTINGS.ERROR_LOG_INTERVAL)
    now = time.monotonic()
    with _lock:
        last = _last_logged.get(alias)
        if last is not None and now - last < interval:
            _suppressed[alias] = _suppressed.get(alias, 0) + 1
            return
        _last_logged[alias] = now
        repeats = _suppressed.pop(alias, 0)
    logger.warning(
        "Cache %r failed to %s (%s: %s); serving without the cache. %d similar errors "
        "were not logged in the last interval.",
        alias,
        action,
        type(exc).__name__,
        exc,
        repeats,
    )


def reset_error_log() -> None:
    """Forget when errors were last logged (for tests)."""
    with _lock:
        _last_logged.clear()
        _suppressed.clear()
