"""``DjangoRqDispatcher``: enqueue invalidation jobs on an RQ queue."""

from __future__ import annotations

from typing import Any

from restflow.caching.dispatchers.base import (
    DEFAULT_FUNCTION_PATH,
    Dispatcher,
    InvalidationJob,
    missing_package,
)

__all__ = ["DjangoRqDispatcher"]

# Attempts after the first when a job fails or its worker dies.
DEFAULT_RETRIES = 3


class DjangoRqDispatcher(Dispatcher):
    """Enqueue ``run_cache_rules`` on a django-rq queue (``queue`` or ``QUEUE``, default "default").

    The queue must be configured in ``RQ_QUEUES``; an ``rqworker`` process
    for it runs the jobs. Jobs are enqueued with an RQ ``Retry`` of
    ``retries`` attempts (a rule's ``dispatcher_config={"retries": n}``,
    default 3, 0 for none): RQ runs a job again only when it has retries
    left, so without them a job whose worker dies goes to the failed-job
    registry and its entries stay stale. Invalidation is idempotent, so a
    second run is harmless.
    """

    name = "django_rq"
    cross_process = True
    extra = "django-rq"
    requires = "django_rq"

    def __init__(self, **config: Any) -> None:
        try:
            import django_rq  # noqa: F401
        except ImportError as exc:
            raise missing_package("django_rq", "django-rq", exc) from exc
        super().__init__(**config)

    @property
    def queue(self) -> str:
        return str(self.option("queue", "default"))

    @property
    def function_path(self) -> str:
        return str(self.option("function_path", DEFAULT_FUNCTION_PATH))

    @property
    def retries(self) -> int:
        return int(self.config.get("retries", DEFAULT_RETRIES))

    def batch_key(self) -> tuple[Any, ...]:
        return (type(self), self.queue, self.function_path, self.retries)

    def enqueue(self, job: InvalidationJob) -> None:
        import django_rq
        from rq import Retry

        retries = self.retries
        django_rq.get_queue(self.queue).enqueue(
            self.function_path,
            job.rule_ids,
            job.rule_kwargs,
            dispatcher_name=self.name,
            context=job.context,
            retry=Retry(max=retries) if retries > 0 else None,
        )
