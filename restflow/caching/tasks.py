"""Worker entry points that run invalidation rules sent through a task queue."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["arun_cache_rules", "run_cache_rules", "task_run_cache_rules"]

logger = logging.getLogger("restflow.caching")


def _should_raise(dispatcher_name: str | None) -> bool:
    from restflow.caching.dispatchers.base import get_dispatcher_settings
    from restflow.settings import restflow_settings

    flag = (
        get_dispatcher_settings(dispatcher_name).get("RAISE_EXCEPTION") if dispatcher_name else None
    )
    if flag is None:
        flag = restflow_settings.CACHE_SETTINGS.DISPATCHER_RAISE_EXCEPTION
    return bool(flag)


def run_cache_rules(
    rule_ids: Iterable[str],
    rule_kwargs: Mapping[str, Any] | None = None,
    *,
    dispatcher_name: str | None = None,
    context: Mapping[str, Any] | None = None,
    instance: Any = None,
) -> None:
    """Run the invalidation rules ``rule_ids`` with their JSON-safe argument payloads.

    An error escaping the rules is re-raised when the dispatcher's
    ``RAISE_EXCEPTION`` (or, when that is ``None``,
    ``DISPATCHER_RAISE_EXCEPTION``) is true, so the task queue can retry;
    otherwise it is logged with its traceback.
    """
    from restflow.caching.registry import CacheRegister

    try:
        CacheRegister.run_cache_rules(
            rule_ids=list(rule_ids), rule_kwargs=rule_kwargs, context=context, instance=instance
        )
    except Exception:
        if _should_raise(dispatcher_name):
            raise
        logger.error("Running cache rules %s failed", list(rule_ids), exc_info=True)


async def arun_cache_rules(
    rule_ids: Iterable[str],
    rule_kwargs: Mapping[str, Any] | None = None,
    *,
    dispatcher_name: str | None = None,
    context: Mapping[str, Any] | None = None,
    instance: Any = None,
) -> None:
    """Async twin of :func:`run_cache_rules`."""
    from restflow.caching.registry import CacheRegister

    try:
        await CacheRegister.arun_cache_rules(
            rule_ids=list(rule_ids), rule_kwargs=rule_kwargs, context=context, instance=instance
        )
    except Exception:
        if _should_raise(dispatcher_name):
            raise
        logger.error("Running cache rules %s failed", list(rule_ids), exc_info=True)


def _task_body(
    *,
    rule_ids: list[str],
    rule_kwargs: dict[str, Any],
    context: dict[str, Any] | None = None,
    **extra: Any,
) -> None:
    run_cache_rules(rule_ids, rule_kwargs, dispatcher_name="celery", context=context or extra)


try:
    from celery import shared_task
except ImportError:  # Celery is an optional extra.
    task_run_cache_rules: Any = _task_body
else:
    task_run_cache_rules = shared_task(name="restflow.caching.tasks.task_run_cache_rules")(
        _task_body
    )
