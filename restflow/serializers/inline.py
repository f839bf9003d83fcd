"""``InlineSerializer``: build a one-off serializer class from a dict of fields."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from rest_framework import serializers as drf_serializers

__all__ = ["InlineSerializer"]

_names_lock = threading.Lock()
# Class name -> the shapes already built under it, so a name is reused only
# for an identical shape and OpenAPI components never collide.
_shapes_by_name: dict[str, list[str]] = {}


def _unique_name(base: str, shape: str) -> str:
    with _names_lock:
        shapes = _shapes_by_name.setdefault(base, [])
        if shape not in shapes:
            shapes.append(shape)
        index = shapes.index(shape)
    if index == 0:
        return base
    # Number before a "Serializer" suffix, which drf-spectacular strips to
    # name the component: PayloadSerializer -> Payload2Serializer -> "Payload2".
    stem, suffix = (
        (base[: -len("Serializer")], "Serializer")
        if base.endswith("Serializer") and base != "Serializer"
        else (base, "")
    )
    return f"{stem}{index + 1}{suffix}"


def _describe(value: Any) -> str:
    if isinstance(value, drf_serializers.Field):
        return repr(value)
    return getattr(value, "__qualname__", None) or repr(value)


def _caller_module() -> str:
    frame = sys._getframe(2)
    return str(frame.f_globals.get("__name__", __name__))


def InlineSerializer(
    name: str | None = None,
    fields: Mapping[str, Any] | None = None,
    extra_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
    read_only_fields: Iterable[str] | None = None,
    write_only_fields: Iterable[str] | None = None,
    model: type[models.Model] | None = None,
    model_fields: Iterable[str] | None = None,
) -> type[drf_serializers.BaseSerializer]:
    """Return a new serializer class with ``fields`` (a DRF field instance or a type per name).

    Types follow the annotation rules, including nested serializer classes
    and ``list[SomeSerializer]``. Without ``model`` the class is a restflow
    ``Serializer``; with it, a ``ModelSerializer`` whose ``Meta.fields`` is
    ``model_fields``, else the keys of ``fields``, else ``"__all__"``.
    ``read_only_fields``/``write_only_fields`` add ``read_only``/``write_only``
    to ``Meta.extra_kwargs``, but a key given in ``extra_kwargs`` wins.

    The class name is ``name`` (default ``InlineSerializer`` or
    ``<Model>InlineSerializer``). A second call with the same name but a
    different shape gets a numbered name (``Inline2Serializer``), so OpenAPI
    component names stay unique. Raise ``ValueError`` when neither
    ``model`` nor ``fields`` is given.
    """
    from restflow.serializers.serializers import ModelSerializer, Serializer

    if model is None and not fields:
        raise ValueError(
            "InlineSerializer() needs `fields` (a dict of name -> DRF field or type), "
            "`model` (a Django model class), or both."
        )
    declared = dict(fields or {})
    annotations = {
        key: value
        for key, value in declared.items()
        if not isinstance(value, drf_serializers.Field)
    }
    attrs: dict[str, Any] = {
        "__module__": _caller_module(),
        "__annotations__": annotations,
        **{
            key: value
            for key, value in declared.items()
            if isinstance(value, drf_serializers.Field)
        },
    }
    shape_parts = [f"{key}={_describe(value)}" for key, value in declared.items()]

    if model is None:
        base_name = name or "InlineSerializer"
        cls_name = _unique_name(base_name, ";".join(shape_parts))
        return type(cls_name, (Serializer,), attrs)

    if model_fields is not None:
        meta_fields: Any = list(model_fields)
    elif declared:
        meta_fields = list(declared)
    else:
        meta_fields = "__all__"
    merged_kwargs: dict[str, dict[str, Any]] = {}
    for key in read_only_fields or ():
        merged_kwargs.setdefault(key, {})["read_only"] = True
    for key in write_only_fields or ():
        merged_kwargs.setdefault(key, {})["write_only"] = True
    for key, options in (extra_kwargs or {}).items():
        merged_kwargs.setdefault(key, {}).update(options)
    meta = type("Meta", (), {"model": model, "fields": meta_fields, "extra_kwargs": merged_kwargs})
    attrs["Meta"] = meta
    shape_parts += [
        f"model={model._meta.label}",
        f"fields={meta_fields!r}",
        f"extra_kwargs={sorted((k, sorted(v.items())) for k, v in merged_kwargs.items())!r}",
    ]
    base_name = name or f"{model.__name__}InlineSerializer"
    cls_name = _unique_name(base_name, ";".join(shape_parts))
    return type(cls_name, (ModelSerializer,), attrs)
