"""Decide when serializer work must leave the event loop, and run it there once.

Django refuses sync ORM calls from a thread that runs an event loop by
raising ``SynchronousOnlyOperation`` before any query executes. Work that
has no user code (DRF's own field conversions) can therefore be tried on
the loop and, when it touches the ORM, run again in one worker thread.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.core.exceptions import SynchronousOnlyOperation
from django.db.models import QuerySet
from django.db.models.manager import BaseManager
from rest_framework import relations, serializers

__all__ = [
    "defined_by_user",
    "may_run_user_code",
    "needs_thread_for_instance",
    "run_in_thread",
    "run_on_loop_or_thread",
]

T = TypeVar("T")

_FRAMEWORK_MODULES = ("rest_framework.", "restflow.")


def defined_by_user(cls: type, name: str) -> bool:
    """Return True when the class that provides ``cls.<name>`` is not DRF's or restflow's."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return not klass.__module__.startswith(_FRAMEWORK_MODULES)
    return False


async def run_in_thread(func: Callable[..., T], *args: Any) -> T:
    """Run ``func(*args)`` in Django's sync thread and return the result."""
    return await sync_to_async(func, thread_sensitive=True)(*args)


async def run_on_loop_or_thread(func: Callable[[], T], *, known_to_query: bool) -> T:
    """Run ``func`` on the loop, or in one worker thread when it needs the sync ORM.

    ``func`` must be free of side effects other than database reads,
    because it runs a second time (in the thread) when the first attempt
    hits the ORM and Django raises ``SynchronousOnlyOperation``.
    """
    if not known_to_query:
        try:
            return func()
        except SynchronousOnlyOperation:
            pass
    return await run_in_thread(func)


def needs_thread_for_instance(instance: Any) -> bool:
    """Return True when reading ``instance`` itself would run a query (a lazy queryset)."""
    if isinstance(instance, BaseManager):
        return True
    return isinstance(instance, QuerySet) and instance._result_cache is None


def may_run_user_code(serializer: Any, _depth: int = 0) -> bool:
    """Return True when representing with ``serializer`` calls code outside DRF and restflow.

    Method fields, field classes or serializers that override
    ``to_representation``/``get_attribute``, and hyperlinked fields count.
    Such code may have side effects, so it must not be run twice.
    """
    if _depth > 20:
        return True
    if isinstance(serializer, serializers.ListSerializer):
        child = serializer.child
        return child is None or may_run_user_code(child, _depth + 1)
    cls = type(serializer)
    if defined_by_user(cls, "to_representation"):
        return True
    shared_plan = getattr(serializer, "_shared_plan", None)
    if shared_plan is not None and shared_plan() is not None:
        # A shared plan exists only when no field runs code outside DRF.
        return False
    if inspect.iscoroutinefunction(serializer.to_representation):
        return True
    for field in serializer.fields.values():
        if field.write_only:
            continue
        if isinstance(field, serializers.BaseSerializer):
            if may_run_user_code(field, _depth + 1):
                return True
            continue
        if isinstance(
            field, (serializers.SerializerMethodField, relations.HyperlinkedRelatedField)
        ):
            return True
        field_cls = type(field)
        if defined_by_user(field_cls, "to_representation") or defined_by_user(
            field_cls, "get_attribute"
        ):
            return True
    return False
