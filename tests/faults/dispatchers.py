"""An RQ dispatcher that asks RQ to retry a job whose worker died, for the fault tests."""

from __future__ import annotations

from typing import Any

from restflow.caching.dispatchers.base import InvalidationJob
from restflow.caching.dispatchers.django_rq import DjangoRqDispatcher

__all__ = ["RetryingRqDispatcher"]


class RetryingRqDispatcher(DjangoRqDispatcher):
    """Enqueue like ``django_rq``, with ``Retry(max=3)``.

    RQ runs a job again only when it was enqueued with retries left: a job
    whose work-horse is killed is then put back on the queue instead of
    into the failed-job registry. Invalidation is idempotent (it replaces a
    generation or deletes an entry), so running it twice is harmless.
    """

    def enqueue(self, job: InvalidationJob) -> None:
        import django_rq
        from rq import Retry

        django_rq.get_queue(self.queue).enqueue(
            self.function_path,
            job.rule_ids,
            job.rule_kwargs,
            dispatcher_name=self.name,
            context=job.context,
            retry=Retry(max=3),
        )

    def batch_key(self) -> tuple[Any, ...]:
        return (type(self), *super().batch_key()[1:])
