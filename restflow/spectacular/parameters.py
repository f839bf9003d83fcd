"""Filter parameters for OpenAPI: find a view's FilterSet and describe its query parameters.

The parameter builders live in :mod:`restflow.filters.schema` (they need no
drf-spectacular); this module re-exports them and adds the view lookup.
"""

from __future__ import annotations

import logging
from typing import Any

from restflow.filters.schema import (
    LOOKUP_DESCRIPTIONS,
    SCHEMA_DISPATCH,
    build_filterset_parameters,
    field_to_parameter,
    field_to_schema,
    get_field_description,
    iterate_field_parameters,
)

__all__ = [
    "LOOKUP_DESCRIPTIONS",
    "SCHEMA_DISPATCH",
    "build_filterset_parameters",
    "build_view_filter_parameters",
    "field_to_parameter",
    "field_to_schema",
    "get_field_description",
    "iterate_field_parameters",
    "merge_parameters",
    "resolve_filterset_class",
]

logger = logging.getLogger(__name__)


def resolve_filterset_class(view: Any) -> Any:
    """Return the view's FilterSet class: ``get_filterset_class()``, else ``filterset_class``.

    A getter that raises is logged and skipped, because schema generation
    runs without a request and a getter may need one. Return ``None`` when
    the view names no FilterSet.
    """
    getter = getattr(view, "get_filterset_class", None)
    if callable(getter):
        try:
            filterset_class = getter()
        except Exception:
            logger.warning(
                "%s.get_filterset_class() failed during schema generation; "
                "falling back to its filterset_class attribute",
                type(view).__name__,
                exc_info=True,
            )
        else:
            if filterset_class is not None:
                return filterset_class
    return getattr(view, "filterset_class", None)


def _is_restflow_filterset(filterset_class: Any) -> bool:
    # A django-filter FilterSet has no get_options(); its parameters come
    # from django-filter's own backend or drf-spectacular's contrib module.
    return callable(getattr(filterset_class, "get_options", None))


def build_view_filter_parameters(view: Any) -> list[dict[str, Any]]:
    """Return the query parameters of the restflow FilterSet that ``view`` names.

    Return ``[]`` when the view has none or names a django-filter FilterSet.
    A FilterSet that cannot be built is logged and gives ``[]``, so one
    broken view does not stop the whole schema.
    """
    filterset_class = resolve_filterset_class(view)
    if filterset_class is None or not _is_restflow_filterset(filterset_class):
        return []
    try:
        return build_filterset_parameters(filterset_class)
    except Exception:
        logger.warning(
            "Building the OpenAPI parameters of %r for %s failed; the operation lists none",
            filterset_class,
            type(view).__name__,
            exc_info=True,
        )
        return []


def merge_parameters(
    existing: list[dict[str, Any]], extra: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return ``existing`` followed by the parameters of ``extra`` whose ``(name, in)`` is new."""
    seen = {(parameter.get("name"), parameter.get("in")) for parameter in existing}
    merged = list(existing)
    for parameter in extra:
        key = (parameter.get("name"), parameter.get("in"))
        if key not in seen:
            seen.add(key)
            merged.append(parameter)
    return merged
