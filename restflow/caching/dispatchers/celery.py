"""``CeleryDispatcher``: send invalidation jobs to a Celery worker."""

from __future__ import annotations

from typing import Any

from restflow.caching.dispatchers.base import Dispatcher, InvalidationJob, missing_package

__all__ = ["CeleryDispatcher"]

DEFAULT_TASK_NAME = "restflow.caching.tasks.task_run_cache_rules"


class CeleryDispatcher(Dispatcher):
    """Send the job as the ``task_run_cache_rules`` Celery task.

    Options: ``task_name`` (``TASK_NAME``) and ``queue`` (``QUEUE``; an
    explicit ``None`` in the rule means the default queue). The payload is
    JSON: rule ids, argument payloads and the context.
    """

    name = "celery"
    cross_process = True
    extra = "celery"
    requires = "celery"

    def __init__(self, **config: Any) -> None:
        try:
            import celery  # noqa: F401
        except ImportError as exc:
            raise missing_package("celery", "celery", exc) from exc
        super().__init__(**config)

    @property
    def task_name(self) -> str:
        return str(self.option("task_name", DEFAULT_TASK_NAME))

    @property
    def queue(self) -> str | None:
        if "queue" in self.config:
            return self.config["queue"]  # type: ignore[no-any-return]
        return self.settings().get("QUEUE")

    def batch_key(self) -> tuple[Any, ...]:
        return (type(self), self.task_name, self.queue)

    def enqueue(self, job: InvalidationJob) -> None:
        from celery import current_app

        kwargs = {"rule_ids": job.rule_ids, "rule_kwargs": job.rule_kwargs, "context": job.context}
        options: dict[str, Any] = {}
        if self.queue:
            options["queue"] = self.queue
        task = current_app.tasks.get(self.task_name)
        if task is not None:
            task.apply_async(kwargs=kwargs, **options)
        else:
            current_app.send_task(self.task_name, kwargs=kwargs, **options)
