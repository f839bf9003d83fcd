"""Stampede protection: concurrent misses on one key compute once.

Within a process, callers of one key share a single computation
(single-flight, per thread pool and per event loop). Across processes, the
first caller takes a short lock with the cache's atomic ``add``; others poll
the cache until the value appears, the lock is released or
``STAMPEDE_MAX_WAIT`` runs out, and then compute themselves (the fallback),
so a crashed lock holder delays callers by at most that wait.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from restflow.settings import restflow_settings

__all__ = ["AsyncSingleFlight", "SingleFlight", "alocked_compute", "locked_compute"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Poll interval bounds while another process holds the lock, in seconds.
_FIRST_POLL = 0.005
_MAX_POLL = 0.1


class _Call:
    __slots__ = ("error", "event", "result")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class SingleFlight:
    """Run one computation per key at a time in this process; other callers share its result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, _Call] = {}

    def run(self, key: str, compute: Callable[[], T], max_wait: float) -> T:
        """Return ``compute()``, or the result of the call already running for ``key``.

        A caller that waited ``max_wait`` seconds without a result computes
        on its own. The leader's exception is raised in every waiting caller.
        """
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if call is None:
                call = _Call()
                self._calls[key] = call
        if leader:
            try:
                call.result = compute()
            except BaseException as exc:
                call.error = exc
                raise
            finally:
                with self._lock:
                    self._calls.pop(key, None)
                call.event.set()
            return call.result  # type: ignore[no-any-return]
        if not call.event.wait(max_wait):
            logger.debug("Single-flight wait ran out; computing on this thread")
            return compute()
        if call.error is not None:
            raise call.error
        return call.result  # type: ignore[no-any-return]


class AsyncSingleFlight:
    """The event-loop version of :class:`SingleFlight` (one table per loop)."""

    def __init__(self) -> None:
        self._loops: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Future[Any]]
        ] = weakref.WeakKeyDictionary()

    async def run(self, key: str, compute: Callable[[], Awaitable[T]], max_wait: float) -> T:
        loop = asyncio.get_running_loop()
        calls = self._loops.setdefault(loop, {})
        future = calls.get(key)
        if future is None:
            future = loop.create_future()
            calls[key] = future
            try:
                result = await compute()
            except BaseException as exc:
                if not future.done():
                    future.set_exception(exc)
                    # Mark it retrieved, so asyncio does not log an exception no caller awaited.
                    future.exception()
                raise
            else:
                if not future.done():
                    future.set_result(result)
                return result
            finally:
                if calls.get(key) is future:
                    del calls[key]
        try:
            return await asyncio.wait_for(asyncio.shield(future), max_wait)  # type: ignore[no-any-return]
        except asyncio.TimeoutError:
            logger.debug("Single-flight wait ran out; computing in this task")
            return await compute()


def _settings() -> tuple[bool, float, float]:
    section = restflow_settings.CACHE_SETTINGS
    return (
        bool(section.STAMPEDE_PROTECTION),
        float(section.STAMPEDE_LOCK_TIMEOUT),
        float(section.STAMPEDE_MAX_WAIT),
    )


def locked_compute(
    backend: Any,
    raw_key: str,
    read: Callable[[], Any],
    compute: Callable[[], T],
) -> T | Any:
    """Compute under the cross-process lock of ``raw_key``, or wait for the holder's value.

    ``read`` returns the stored result or ``None``; ``compute`` computes and
    stores. Lock errors (cache down) fall back to computing.
    """
    _, lock_timeout, max_wait = _settings()
    token = secrets.token_hex(8)
    deadline = time.monotonic() + max_wait
    delay = _FIRST_POLL
    while True:
        try:
            acquired = backend.acquire_lock(raw_key, token, lock_timeout)
        except Exception:
            logger.debug("Could not take the compute lock; computing without it", exc_info=True)
            return compute()
        if acquired:
            try:
                found = read()
                if found is not None:
                    return found
                return compute()
            finally:
                try:
                    backend.release_lock(raw_key, token)
                except Exception:
                    logger.debug("Could not release the compute lock", exc_info=True)
        found = read()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            logger.debug("Compute lock still held after %.1f s; computing anyway", max_wait)
            return compute()
        time.sleep(delay)
        delay = min(delay * 2, _MAX_POLL)


async def alocked_compute(
    backend: Any,
    raw_key: str,
    read: Callable[[], Awaitable[Any]],
    compute: Callable[[], Awaitable[T]],
) -> T | Any:
    """Async twin of :func:`locked_compute`."""
    _, lock_timeout, max_wait = _settings()
    token = secrets.token_hex(8)
    deadline = time.monotonic() + max_wait
    delay = _FIRST_POLL
    while True:
        try:
            acquired = await backend.aacquire_lock(raw_key, token, lock_timeout)
        except Exception:
            logger.debug("Could not take the compute lock; computing without it", exc_info=True)
            return await compute()
        if acquired:
            try:
                found = await read()
                if found is not None:
                    return found
                return await compute()
            finally:
                try:
                    await backend.arelease_lock(raw_key, token)
                except Exception:
                    logger.debug("Could not release the compute lock", exc_info=True)
        found = await read()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            logger.debug("Compute lock still held after %.1f s; computing anyway", max_wait)
            return await compute()
        await asyncio.sleep(delay)
        delay = min(delay * 2, _MAX_POLL)
