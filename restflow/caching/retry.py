"""``RetryQueue``: invalidations that failed because the cache did not respond, retried later.

A failed invalidation waits here, in process memory, and is retried with
backoff by a background thread and by the next cache access. While one
waits, this process reads no cache at all, so it never serves an entry the
invalidation should have removed. A full queue trades precision for room:
entries collapse into wipes of their function, then of every restflow key.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from restflow.settings import restflow_settings

__all__ = ["PendingInvalidationError", "RetryQueue", "retry_queue"]

logger = logging.getLogger("restflow.caching")

# Pending invalidations kept before they collapse into function-scope wipes.
MAX_PENDING = 1000
FIRST_DELAY = 0.1
MAX_DELAY = 2.0


class PendingInvalidationError(Exception):
    """Raised by a cache access while failed invalidations wait to be retried.

    Callers treat it like any cache error: they compute without the cache.
    """


@dataclass
class _Item:
    action: Callable[[], None]
    description: str
    # The backend and scope prefix a wipe falls back to when the queue is full.
    backend: Any
    scope: str | None
    action_is_wipe: bool = False


def _scope_wipe(backend: Any, prefix: str) -> Callable[[], None]:
    def wipe() -> None:
        backend.wipe_prefix(prefix)

    return wipe


class RetryQueue:
    """Hold failed invalidations by key and retry them until they succeed.

    :meth:`add` with the same key replaces the waiting item, so repeated
    writes to one row keep one item. :meth:`check` is called before each
    cache access: it retries when the backoff allows and raises
    :class:`PendingInvalidationError` while items remain. Override
    ``max_pending`` (or :data:`MAX_PENDING`) to change the bound.
    """

    max_pending = MAX_PENDING

    def __init__(self) -> None:
        self._items: OrderedDict[Hashable, _Item] = OrderedDict()
        self._lock = threading.Lock()
        self._drain_lock = threading.Lock()
        self._wake = threading.Event()
        self._local = threading.local()
        self._delay = FIRST_DELAY
        self._next_attempt = 0.0
        self._thread: threading.Thread | None = None
        self._failures_since_log = 0
        self._last_log: float | None = None
        self._escalations = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def escalations(self) -> int:
        """Return how many times a full queue collapsed its items into wider wipes."""
        return self._escalations

    def add(
        self,
        key: Hashable,
        action: Callable[[], None],
        description: str,
        *,
        backend: Any = None,
        scope: str | None = None,
    ) -> None:
        """Queue ``action`` under ``key`` and start the retry thread.

        ``backend`` and ``scope`` name the wipe that replaces the item if
        the queue overflows; without them an overflow wipes every restflow
        key of the default backend.
        """
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = _Item(action, description, backend, scope)
            if len(self._items) > self.max_pending:
                self._collapse()
        self._ensure_thread()
        self._wake.set()

    def _collapse(self) -> None:
        # Called with self._lock held. First every item becomes the wipe of
        # its function; if that is still too many, one wipe of everything
        # per cache.
        self._escalations += 1
        scoped: OrderedDict[Hashable, _Item] = OrderedDict()
        for item in self._items.values():
            backend = item.backend if item.backend is not None else _default_backend()
            prefix = item.scope or "rf"
            scoped[("wipe", backend.alias, prefix)] = _Item(
                _scope_wipe(backend, prefix),
                f"wipe {prefix} in cache {backend.alias!r}",
                backend,
                prefix,
                action_is_wipe=True,
            )
        if len(scoped) > self.max_pending:
            backends = {item.backend.alias: item.backend for item in scoped.values()}
            scoped = OrderedDict(
                (
                    ("wipe", alias, "rf"),
                    _Item(
                        _scope_wipe(backend, "rf"),
                        f"wipe everything in cache {alias!r}",
                        backend,
                        "rf",
                        action_is_wipe=True,
                    ),
                )
                for alias, backend in backends.items()
            )
        logger.warning(
            "More than %d cache invalidations are waiting for the cache; replaced them by "
            "%d wipe(s) of whole functions or caches, which drop valid entries too.",
            self.max_pending,
            len(scoped),
        )
        self._items = scoped

    # --- retrying -------------------------------------------------------------------------

    @property
    def is_draining(self) -> bool:
        """Return True inside a retry, whose own cache accesses must not be held back."""
        return bool(getattr(self._local, "draining", False))

    def check(self, *, run: bool = True) -> None:
        """Raise :class:`PendingInvalidationError` while invalidations wait.

        With ``run`` (sync callers), retry them first when the backoff
        allows; async callers pass ``run=False`` and leave it to the thread.
        """
        if not self._items or self.is_draining:
            return
        if run and time.monotonic() >= self._next_attempt:
            self.drain()
        else:
            self._wake.set()
        if self._items:
            raise PendingInvalidationError(
                f"{len(self._items)} cache invalidation(s) wait for a retry; reading without "
                "the cache until they succeed"
            )

    def drain(self) -> bool:
        """Retry the waiting items in order; return True when none is left.

        Stops at the first failure and doubles the delay before the next
        attempt (up to :data:`MAX_DELAY`). Only one thread drains at a time;
        others return at once.
        """
        if not self._drain_lock.acquire(blocking=False):
            return False
        self._local.draining = True
        try:
            while True:
                with self._lock:
                    if not self._items:
                        self._delay = FIRST_DELAY
                        self._next_attempt = 0.0
                        return True
                    key, item = next(iter(self._items.items()))
                try:
                    item.action()
                except Exception:
                    if not self._fall_back(item):
                        self._failed(item)
                        return False
                with self._lock:
                    if self._items.get(key) is item:
                        del self._items[key]
        finally:
            self._local.draining = False
            self._drain_lock.release()

    def _fall_back(self, item: _Item) -> bool:
        """Wipe the scope of an item whose action fails again; True when that worked.

        A rule can fail for reasons of its own (a bug, a missing row) while
        the cache responds, and retrying it would keep this process off the
        cache for good. Wiping its function is never wrong, only wasteful,
        and fails only while the cache is still down.
        """
        if item.scope is None or item.backend is None or item.action_is_wipe:
            return False
        try:
            item.backend.wipe_prefix(item.scope)
        except Exception:
            return False
        logger.warning(
            "Retrying %s failed while the cache responds; wiped %s instead.",
            item.description,
            item.scope,
            exc_info=True,
        )
        return True

    def _failed(self, item: _Item) -> None:
        with self._lock:
            self._next_attempt = time.monotonic() + self._delay
            self._delay = min(self._delay * 2, MAX_DELAY)
            self._failures_since_log += 1
            interval = float(restflow_settings.CACHE_SETTINGS.ERROR_LOG_INTERVAL)
            now = time.monotonic()
            if self._last_log is not None and now - self._last_log < interval:
                return
            self._last_log = now
            failures, self._failures_since_log = self._failures_since_log, 0
            pending = len(self._items)
        logger.warning(
            "Retrying cache invalidations failed %d time(s) in the last interval; %d wait, "
            "the first being: %s. This process reads no cache until they succeed.",
            failures,
            pending,
            item.description,
            exc_info=True,
        )

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=self._loop, name="restflow-cache-retry", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        from django.db import close_old_connections

        while True:
            self._wake.wait(timeout=MAX_DELAY)
            self._wake.clear()
            if not self._items:
                continue
            wait = self._next_attempt - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                self.drain()
            finally:
                # Rules may load rows; do not keep this thread's connection open.
                close_old_connections()

    def clear(self) -> None:
        """Forget every waiting item and reset the backoff (for tests)."""
        with self._lock:
            self._items.clear()
            self._delay = FIRST_DELAY
            self._next_attempt = 0.0
            self._failures_since_log = 0
            self._last_log = None


def _default_backend() -> Any:
    from restflow.caching.backends import get_backend

    return get_backend(None)


retry_queue = RetryQueue()
