"""``InlineDispatcher``: run invalidation in the thread that committed."""

from __future__ import annotations

from restflow.caching.dispatchers.base import Dispatcher, InvalidationJob

__all__ = ["InlineDispatcher"]


class InlineDispatcher(Dispatcher):
    """Run the rules right after the commit, before ``save()`` returns in autocommit mode."""

    name = "inline"
    supports_batching = False

    def enqueue(self, job: InvalidationJob) -> None:
        job.run()
