"""Bridges between sync and async iteration that keep streaming: no list is ever built.

:class:`ThreadedIterator` iterates a sync iterable in one worker thread and
hands the items to async code, so a blocking producer (a queryset, a file,
a generator that sleeps) never blocks the event loop. :func:`iterate_in_loop`
drives an async iterable from sync code on a private event loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
)
from contextlib import aclosing, suppress
from typing import Any, Generic, TypeVar

__all__ = ["ThreadedIterator", "aclose_quietly", "iterate_in_loop"]

T = TypeVar("T")

# Items the worker may run ahead of the consumer; bounds memory when the
# producer is faster than the client.
DEFAULT_MAX_BUFFERED = 256


class ThreadedIterator(Generic[T]):
    """Iterate a sync iterable in a dedicated thread and hand the items to async code.

    The thread starts on the first ``__anext__``/``batches`` call and
    stops after the item it is waiting for when :meth:`stop` is called (it
    then closes the iterator, and calls ``closers``, in that same thread). A producer that blocks
    forever keeps its thread, a daemon, blocked until the process exits.
    The worker closes its Django database connections when it finishes.
    """

    def __init__(
        self,
        iterable: Iterable[T],
        *,
        max_buffered: int = DEFAULT_MAX_BUFFERED,
        closers: Iterable[Callable[[], object]] = (),
    ) -> None:
        self._iterable = iterable
        self._closers = list(closers)
        self._max_buffered = max_buffered
        self._buffer: deque[T] = deque()
        self._condition = threading.Condition()
        self._finished = False
        self._stopped = False
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._thread: threading.Thread | None = None

    # --- consumer side (event loop) ---------------------------------------

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncGenerator[T, None]:
        async with aclosing(self.batches()) as batches:
            async for batch in batches:
                for item in batch:
                    yield item

    async def batches(self) -> AsyncGenerator[list[T], None]:
        """Yield the items produced so far as one list, waiting only when there are none."""
        self._start()
        try:
            while True:
                with self._condition:
                    if self._buffer:
                        batch = list(self._buffer)
                        self._buffer.clear()
                        self._condition.notify_all()
                    elif self._finished:
                        if self._error is not None:
                            error, self._error = self._error, None
                            raise error
                        return
                    else:
                        assert self._loop is not None
                        waiter = self._loop.create_future()
                        self._waiter = waiter
                        batch = []
                if batch:
                    yield batch
                else:
                    await waiter
        finally:
            self.stop()

    def stop(self) -> None:
        """Ask the worker to stop after the current item and close the iterator."""
        with self._condition:
            self._stopped = True
            self._condition.notify_all()

    def _start(self) -> None:
        if self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._run,), name="restflow-stream", daemon=True
        )
        self._thread.start()

    # --- producer side (worker thread) -------------------------------------

    def _run(self) -> None:
        iterator: Iterator[T] | None = None
        try:
            iterator = iter(self._iterable)
            for item in iterator:
                with self._condition:
                    while len(self._buffer) >= self._max_buffered and not self._stopped:
                        self._condition.wait()
                    if self._stopped:
                        break
                    self._buffer.append(item)
                    self._wake()
        except BaseException as exc:
            with self._condition:
                self._error = exc
        finally:
            try:
                for closer in (getattr(iterator, "close", None), *self._closers):
                    if closer is not None:
                        closer()
            finally:
                _close_thread_connections()
                with self._condition:
                    self._finished = True
                    self._wake()

    def _wake(self) -> None:
        # Called with the condition held.
        waiter, self._waiter = self._waiter, None
        if waiter is None or self._loop is None:
            return
        # A closed loop raises RuntimeError: nobody is waiting any more.
        with suppress(RuntimeError):
            self._loop.call_soon_threadsafe(_resolve, waiter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _close_thread_connections() -> None:
    from django.db import connections

    connections.close_all()


async def aclose_quietly(iterator: Any) -> None:
    """Await ``iterator.aclose()`` (or call ``close()``) when it has one."""
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()
        return
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


def iterate_in_loop(iterable: AsyncIterable[T]) -> Iterator[T]:
    """Iterate ``iterable`` from sync code, one item at a time, on a private event loop.

    The loop lives as long as the iteration, so loop-bound resources the
    iterable opens (connections, tasks) stay valid between items. Closing
    this generator closes the async iterator on the same loop.
    """
    loop = asyncio.new_event_loop()
    iterator = aiter(iterable)
    try:
        while True:
            try:
                item = loop.run_until_complete(_next(iterator))
            except StopAsyncIteration:
                return
            yield item
    finally:
        try:
            loop.run_until_complete(aclose_quietly(iterator))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


async def _next(iterator: AsyncIterator[T]) -> T:
    return await anext(iterator)
