"""``InlineFilterSet``: build a FilterSet class from arguments instead of a class body."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from restflow.filters.fields import Field
from restflow.filters.filterset import FilterSet
from restflow.filters.metaclass import FilterMetaClass

__all__ = ["InlineFilterSet"]


def InlineFilterSet(
    name: str | None = None,
    fields: Mapping[str, Any] | Iterable[str] | None = None,
    extra_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
    model: Any = None,
    order_param: str = "order_by",
    order_fields: Iterable[Any] | None = None,
    default_order_fields: Iterable[str] | None = None,
    order_field_labels: Iterable[tuple[str, str]] | None = None,
    override_order_direction: str | None = None,
    postprocessors: Iterable[Callable[..., Any]] | None = None,
    preprocessors: Iterable[Callable[..., Any]] | None = None,
    operator: str = "AND",
    allow_negate: bool = True,
    **meta_options: Any,
) -> type[FilterSet]:
    """Return a new FilterSet subclass on every call.

    ``fields`` is a dict of name -> field instance or annotation type, or
    (with ``model``) a list of model paths; with ``model`` and no ``fields``
    every model field is generated. ``extra_kwargs`` and ``allow_negate``
    apply to typed and model fields alike; other ``Meta`` options pass
    through ``meta_options``. Raise ``ValueError`` without ``model`` and
    ``fields``.
    """
    if model is None and fields is None:
        raise ValueError("InlineFilterSet needs `fields`, `model`, or both.")
    meta: dict[str, Any] = {
        "operator": operator,
        "allow_negate": allow_negate,
        "order_param": order_param,
        "extra_kwargs": {key: dict(value) for key, value in (extra_kwargs or {}).items()},
        **meta_options,
    }
    attrs: dict[str, Any] = {"__module__": __name__}
    annotations: dict[str, Any] = {}
    if model is not None:
        meta["model"] = model
        if fields is None or fields == "__all__":
            meta["fields"] = "__all__"
        elif isinstance(fields, Mapping):
            meta["fields"] = []
        else:
            meta["fields"] = list(fields)
    if isinstance(fields, Mapping):
        for key, value in fields.items():
            if isinstance(value, Field):
                attrs[key] = value
            else:
                annotations[key] = value
    if order_fields:
        meta["order_fields"] = list(order_fields)
    if default_order_fields:
        meta["default_order_fields"] = list(default_order_fields)
    if order_field_labels:
        meta["order_field_labels"] = list(order_field_labels)
    if override_order_direction:
        meta["override_order_direction"] = override_order_direction
    if postprocessors:
        meta["postprocessors"] = list(postprocessors)
    if preprocessors:
        meta["preprocessors"] = list(preprocessors)
    attrs["Meta"] = type("Meta", (), meta)
    attrs["__annotations__"] = annotations
    class_name = name or (f"{model.__name__}FilterSet" if model is not None else "_FilterSet")
    return FilterMetaClass(class_name, (FilterSet,), attrs)
