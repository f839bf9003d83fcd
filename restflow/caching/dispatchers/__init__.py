"""Invalidation dispatchers, looked up through the ``DISPATCHERS`` registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from restflow.registry import DISPATCHERS

__all__ = [
    "AsyncIODispatcher",
    "CeleryDispatcher",
    "Dispatcher",
    "DjangoQDispatcher",
    "DjangoRqDispatcher",
    "DramatiqDispatcher",
    "InlineDispatcher",
    "ThreadPoolDispatcher",
    "register",
    "register_dispatcher",
    "registered_dispatcher_names",
    "registered_names",
    "resolve",
]

_CLASSES = {
    "AsyncIODispatcher": "restflow.caching.dispatchers.asyncio",
    "CeleryDispatcher": "restflow.caching.dispatchers.celery",
    "Dispatcher": "restflow.caching.dispatchers.base",
    "DjangoQDispatcher": "restflow.caching.dispatchers.django_q",
    "DjangoRqDispatcher": "restflow.caching.dispatchers.django_rq",
    "DramatiqDispatcher": "restflow.caching.dispatchers.dramatiq",
    "InlineDispatcher": "restflow.caching.dispatchers.inline",
    "ThreadPoolDispatcher": "restflow.caching.dispatchers.threadpool",
}


def __getattr__(name: str) -> Any:
    module = _CLASSES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def register(cls: type) -> type:
    """Register a :class:`Dispatcher` subclass under its ``name`` (usable as a decorator).

    Raises ``TypeError`` for a class that is not a dispatcher and
    ``ValueError`` when ``name`` is empty; a repeated name replaces the
    earlier class.
    """
    from restflow.caching.dispatchers.base import Dispatcher

    if not isinstance(cls, type) or not issubclass(cls, Dispatcher):
        raise TypeError(f"{cls!r} is not a subclass of restflow.caching.dispatchers.Dispatcher.")
    if not cls.name:
        raise ValueError(f"{cls.__qualname__}.name is empty; set a short name such as 'my_queue'.")
    return DISPATCHERS.register(cls.name)(cls)


register_dispatcher = register


def registered_names() -> list[str]:
    """Return the registered dispatcher names, sorted."""
    return DISPATCHERS.names()


registered_dispatcher_names = registered_names


def resolve(spec: Any, config: Mapping[str, Any] | None = None) -> Any:
    """Return a dispatcher instance for a registered name, dotted path or class.

    An instance is returned as it is. Raises
    :class:`restflow.registry.ComponentError` for names that are not
    registered or classes that are not dispatchers, and ``ImportError``
    (naming the extra) when the task library is missing.
    """
    from restflow.caching.dispatchers.base import Dispatcher

    if isinstance(spec, Dispatcher):
        return spec
    cls = DISPATCHERS.resolve(spec)
    return cls(**dict(config or {}))
