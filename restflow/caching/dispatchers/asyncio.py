"""``AsyncIODispatcher``: run invalidation as a task on the server's event loop."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import Any

from restflow.caching.dispatchers.base import Dispatcher, InvalidationJob

__all__ = ["AsyncIODispatcher"]

logger = logging.getLogger("restflow.caching")


def _target_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    # ORM writes in async views run in a worker thread through sync_to_async;
    # asgiref records the event loop that thread was called from.
    from asgiref.sync import SyncToAsync

    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running() and not loop.is_closed():
        return loop  # type: ignore[no-any-return]
    return None


class AsyncIODispatcher(Dispatcher):
    """Schedule the rules on the event loop that served the request.

    Works when the save happened on the loop or in a ``sync_to_async``
    thread called from it. With no loop to use (a management command, a
    WSGI server) the rules run inline. Tasks are kept referenced until
    done and their errors are logged.
    """

    name = "asyncio"
    supports_batching = False
    _tasks: set[Any] = set()

    def enqueue(self, job: InvalidationJob) -> None:
        loop = _target_loop()
        if loop is None:
            logger.debug("No event loop to schedule cache rules on; running them inline")
            job.run()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            task: Any = loop.create_task(job.arun())
            task.add_done_callback(self._done)
        else:
            # A fresh context: the calling sync_to_async thread's context would
            # make the task's own sync_to_async calls refuse to run (deadlock guard).
            task = contextvars.Context().run(asyncio.run_coroutine_threadsafe, job.arun(), loop)
            task.add_done_callback(self._done)
        self._tasks.add(task)

    @classmethod
    def _done(cls, task: Any) -> None:
        cls._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            logger.error("Cache invalidation task failed", exc_info=error)
