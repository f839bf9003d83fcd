"""``DjangoQDispatcher``: hand invalidation jobs to django-q2."""

from __future__ import annotations

from typing import Any

from restflow.caching.dispatchers.base import (
    DEFAULT_FUNCTION_PATH,
    Dispatcher,
    InvalidationJob,
    missing_package,
)

__all__ = ["DjangoQDispatcher"]


class DjangoQDispatcher(Dispatcher):
    """Call ``django_q.tasks.async_task`` with ``run_cache_rules``.

    Options: ``cluster`` (``CLUSTER``), ``group`` (``GROUP``) and
    ``function_path`` (``FUNCTION_PATH``). With ``Q_CLUSTER["sync"]`` the
    task runs at once in this process.
    """

    name = "django_q"
    cross_process = True
    extra = "django-q"
    requires = "django_q"

    def __init__(self, **config: Any) -> None:
        try:
            import django_q  # noqa: F401
        except ImportError as exc:
            raise missing_package("django_q", "django-q", exc) from exc
        super().__init__(**config)

    def batch_key(self) -> tuple[Any, ...]:
        return (
            type(self),
            self.option("cluster"),
            self.option("group"),
            self.option("function_path", DEFAULT_FUNCTION_PATH),
        )

    def enqueue(self, job: InvalidationJob) -> None:
        from django_q.tasks import async_task

        options: dict[str, Any] = {}
        cluster = self.option("cluster")
        group = self.option("group")
        if cluster:
            options["cluster"] = cluster
        if group:
            options["group"] = group
        async_task(
            self.option("function_path", DEFAULT_FUNCTION_PATH),
            job.rule_ids,
            job.rule_kwargs,
            dispatcher_name=self.name,
            context=job.context,
            **options,
        )
