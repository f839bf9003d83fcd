"""The column read path: fetch ``.values_list()`` rows instead of model instances.

A response serializer's class plan (``restflow.serializers.fast``) may
read each field from one model column and need no context. The async list
views then query the database for those columns only. They turn each tuple
into the same dict the serializer would make from an instance. (A single
object keeps the instance: for one row the values_list() query costs more
to build than the instance it saves.)
Every check below sends the request down the instance path whenever
something could observe the difference. Such cases are user code that
receives the objects, a queryset or paginator that needs instances, and a
renderer other than JSON, because the browsable API reads the serializer.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from rest_framework import pagination as drf_pagination
from rest_framework.renderers import JSONRenderer

from restflow.pagination.fast import FastPageNumberPagination
from restflow.serializers.fast import ClassPlan, class_plan
from restflow.serializers.offload import defined_by_user
from restflow.serializers.serializers import ListSerializer as RestflowListSerializer
from restflow.serializers.serializers import ModelSerializer

__all__ = ["column_plan", "columns_queryset", "paginator_takes_rows", "shared_plan"]

# View methods that, when a user overrides them, see or shape the objects.
_VIEW_HOOKS = (
    "serialize",
    "aserialize",
    "get_serializer",
    "paginate_queryset",
    "apaginate_queryset",
)

# QuerySet methods a custom QuerySet class might override to change what
# rows or objects come out; such a class keeps the instance path.
_QUERYSET_HOOKS = (
    "values_list",
    "_values",
    "_chain",
    "_clone",
    "_fetch_all",
    "iterator",
    "aiterator",
    "_iterator",
    "__iter__",
    "__aiter__",
    "__getitem__",
    "get",
    "aget",
    "count",
    "acount",
)

_PAGINATORS = (
    FastPageNumberPagination,
    drf_pagination.PageNumberPagination,
    drf_pagination.LimitOffsetPagination,
)
_PAGINATOR_HOOKS = ("paginate_queryset", "apaginate_queryset", "_finish", "_window")

_view_ok: dict[type, bool] = {}
_queryset_class_ok: dict[type, bool] = {}
_paginator_ok: dict[type, bool] = {}


def _view_allows(cls: type) -> bool:
    known = _view_ok.get(cls)
    if known is None:
        known = _view_ok[cls] = not any(defined_by_user(cls, name) for name in _VIEW_HOOKS)
    return known


def shared_plan(
    view: Any, serializer_class: Any, post_fetches: Any, *, many: bool = False
) -> ClassPlan | None:
    """Return the response serializer's class plan when ``view`` may use it directly.

    Rendering through the plan skips building a serializer instance, so
    ``response.data`` is a plain dict or list. Only JSON renderers get it:
    the browsable API reads the serializer from the data.
    """
    if not getattr(view, "fetch_columns", False) or post_fetches:
        return None
    if not _view_allows(type(view)):
        return None
    renderer = getattr(getattr(view, "request", None), "accepted_renderer", None)
    if not isinstance(renderer, JSONRenderer):
        return None
    cls = view.resolve_serializer_class(serializer_class, "response")
    if not (isinstance(cls, type) and issubclass(cls, ModelSerializer)):
        return None
    if many:
        list_class = getattr(getattr(cls, "Meta", None), "list_serializer_class", None)
        if list_class is not None and list_class is not RestflowListSerializer:
            return None
    return class_plan(cls)


def column_plan(view: Any, serializer_class: Any, post_fetches: Any) -> ClassPlan | None:
    """Return the class plan to serve ``view``'s list from columns, or None."""
    plan = shared_plan(view, serializer_class, post_fetches, many=True)
    if plan is None or plan.columns is None:
        return None
    return plan


def _queryset_class_allows(cls: type) -> bool:
    known = _queryset_class_ok.get(cls)
    if known is None:
        known = _queryset_class_ok[cls] = all(
            getattr(cls, name, None) is getattr(QuerySet, name) for name in _QUERYSET_HOOKS
        )
    return known


def columns_queryset(queryset: Any, plan: ClassPlan) -> Any:
    """Return ``queryset.values_list(*plan.columns)``, or None when rows must be instances.

    Prefetches, DISTINCT (which would apply to the chosen columns only),
    set operations, slices, ``.values()`` and a queryset already read keep
    the instance path, as does a queryset of another model.
    """
    if not isinstance(queryset, QuerySet) or not _queryset_class_allows(type(queryset)):
        return None
    query = queryset.query
    if (
        queryset.model is not plan.model
        or queryset._result_cache is not None
        or queryset._iterable_class is not ModelIterable
        or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        or query.distinct
        or query.combinator
        or query.is_sliced
    ):
        return None
    return queryset.values_list(*plan.columns)  # type: ignore[misc]


def paginator_takes_rows(paginator: Any) -> bool:
    """Return True when ``paginator`` only slices and counts, so tuples suit it."""
    if paginator is None:
        return True
    cls = type(paginator)
    known = _paginator_ok.get(cls)
    if known is None:
        known = isinstance(paginator, _PAGINATORS) and not any(
            defined_by_user(cls, name) for name in _PAGINATOR_HOOKS
        )
        django_class = getattr(cls, "django_paginator_class", DjangoPaginator)
        known = known and django_class is DjangoPaginator
        _paginator_ok[cls] = known
    return known
