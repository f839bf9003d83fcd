"""``ThreadPoolDispatcher``: run invalidation on a process-wide pool of threads."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from restflow.caching.dispatchers.base import Dispatcher, InvalidationJob

__all__ = ["ThreadPoolDispatcher"]

logger = logging.getLogger("restflow.caching")


class ThreadPoolDispatcher(Dispatcher):
    """Run the rules on a shared ``ThreadPoolExecutor`` (threads named ``restflow-cache``).

    The pool is rebuilt when ``max_workers`` changes. Each job closes the
    database connections its thread opened. Jobs still queued when the
    interpreter exits are run before it exits (the executor joins its
    threads at shutdown), but a killed process loses them.
    """

    name = "threadpool"
    _executor: ThreadPoolExecutor | None = None
    _size = 0
    _lock = threading.Lock()

    def validate_config(self) -> None:
        workers = self.config.get("max_workers", self.max_workers)
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(
                f"threadpool max_workers={workers!r} is invalid; use a positive integer."
            )

    @property
    def max_workers(self) -> Any:
        return self.option("max_workers", 4)

    def batch_key(self) -> tuple[Any, ...]:
        return (type(self), self.max_workers)

    @classmethod
    def executor(cls, size: int) -> ThreadPoolExecutor:
        with cls._lock:
            if cls._executor is None or cls._size != size:
                old = cls._executor
                cls._executor = ThreadPoolExecutor(
                    max_workers=size, thread_name_prefix="restflow-cache"
                )
                cls._size = size
                if old is not None:
                    old.shutdown(wait=False)
            return cls._executor

    @staticmethod
    def _run(job: InvalidationJob) -> None:
        from django.db import close_old_connections, connections

        try:
            job.run()
        finally:
            close_old_connections()
            connections.close_all()

    @staticmethod
    def _report(future: Future[None]) -> None:
        error = future.exception()
        if error is not None:
            logger.error("Cache invalidation on the thread pool failed", exc_info=error)

    def enqueue(self, job: InvalidationJob) -> None:
        future = self.executor(int(self.max_workers)).submit(self._run, job)
        future.add_done_callback(self._report)
