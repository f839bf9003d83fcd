"""Build a FilterSet from the attributes a view already has for django-filter and DRF.

``filterset_fields`` (a list of model paths, or a dict of path -> lookups)
and ``ordering_fields`` with DRF's ``ordering`` parameter turn into one
restflow FilterSet, cached per view class and configuration, so a view
written for django-filter and ``OrderingFilter`` works after a settings switch.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings

from restflow.filters.filterset import FilterSet
from restflow.filters.inline import InlineFilterSet
from restflow.filters.lookups import ALL_FIELDS
from restflow.filters.metaclass import FilterMetaClass

__all__ = ["build_convention_filterset", "is_django_filterset"]

logger = logging.getLogger(__name__)

_cache: dict[Any, type[FilterSet]] = {}
_cache_lock = threading.Lock()


def is_django_filterset(filterset_class: Any) -> bool:
    """Return True when ``filterset_class`` is a django-filter FilterSet.

    Always False when django-filter is not installed.
    """
    if isinstance(filterset_class, FilterMetaClass):
        # A restflow FilterSet, as on nearly every request: skip the import.
        return False
    try:
        from django_filters.filterset import BaseFilterSet
    except ImportError:
        return False
    return isinstance(filterset_class, type) and issubclass(filterset_class, BaseFilterSet)


def _ordering_pairs(view: Any, model: Any, ordering_fields: Any) -> list[tuple[str, str]]:
    if ordering_fields == ALL_FIELDS:
        names = [field.name for field in model._meta.concrete_fields]
    elif isinstance(ordering_fields, (list, tuple)):
        names = list(ordering_fields)
    else:
        raise ImproperlyConfigured(
            f"{type(view).__name__}.ordering_fields must be a list of model paths or '__all__', "
            f"not {ordering_fields!r}."
        )
    return [(name, name) for name in names]


def _default_ordering(view: Any) -> list[str]:
    ordering = getattr(view, "ordering", None)
    if isinstance(ordering, str):
        return [ordering]
    return list(ordering or [])


def build_convention_filterset(view: Any, model: Any) -> type[FilterSet] | None:
    """Return a FilterSet for ``view``'s ``filterset_fields``/``ordering_fields``, or ``None``.

    The ordering parameter is DRF's ``ORDERING_PARAM`` (``ordering``), read
    now so ``override_settings`` applies; the view's ``ordering`` is the
    default order. Lookups listed as ``exact`` are the plain parameter.
    """
    filterset_fields = getattr(view, "filterset_fields", None)
    ordering_fields = getattr(view, "ordering_fields", None)
    if not filterset_fields and not ordering_fields:
        return None
    order_param = api_settings.ORDERING_PARAM
    default_ordering = _default_ordering(view)
    key = (
        type(view),
        model,
        repr(filterset_fields),
        repr(ordering_fields),
        order_param,
        repr(default_ordering),
    )
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached

    fields: Any = []
    extra_kwargs: dict[str, dict[str, Any]] = {}
    if filterset_fields == ALL_FIELDS:
        fields = ALL_FIELDS
    elif isinstance(filterset_fields, dict):
        for name, lookups in filterset_fields.items():
            fields.append(name)
            variants = [lookup for lookup in (lookups or []) if lookup != "exact"]
            extra_kwargs[name] = {"lookups": variants}
    elif isinstance(filterset_fields, (list, tuple)):
        fields = list(filterset_fields)
    elif filterset_fields:
        raise ImproperlyConfigured(
            f"{type(view).__name__}.filterset_fields must be a list of model paths or a dict of "
            f"path -> lookups, not {filterset_fields!r}."
        )

    options: dict[str, Any] = {}
    if ordering_fields:
        options["order_fields"] = _ordering_pairs(view, model, ordering_fields)
        options["order_param"] = order_param
        valid = {key for key, _path in options["order_fields"]}
        default = [item for item in default_ordering if item.lstrip("-") in valid]
        if default:
            options["default_order_fields"] = default
    filterset_class = InlineFilterSet(
        name=f"{type(view).__name__}FilterSet",
        model=model,
        fields=fields,
        extra_kwargs=extra_kwargs,
        **options,
    )
    with _cache_lock:
        _cache[key] = filterset_class
    logger.debug(
        "Built %s from %s.filterset_fields=%r and ordering_fields=%r",
        filterset_class.__name__,
        type(view).__name__,
        filterset_fields,
        ordering_fields,
    )
    return filterset_class
