"""Turn the annotations of a serializer class body into DRF fields at class creation.

``name: T`` declares a field of type ``T``; ``name: T = Field(...)`` or
``name: Annotated[T, Field(...)]`` adds field kwargs; ``name: T = value``
makes the field optional with that default.
"""

from __future__ import annotations

import copy
import sys
import typing
from collections import ChainMap
from collections.abc import Mapping
from types import FrameType
from typing import Any, ClassVar, get_args, get_origin

import typing_extensions
from rest_framework import serializers
from rest_framework.serializers import SerializerMetaclass

from restflow.helpers import RESERVED_SERIALIZER_ATTRS, type_name
from restflow.serializers.fields import Field, get_field_from_type

__all__ = ["AnnotatedSerializerMetaclass", "collect_annotated_fields"]

_MISSING = object()
_CLASSVAR_FORMS = tuple({id(f): f for f in (ClassVar, typing_extensions.ClassVar)}.values())
_ANNOTATED_FORMS = tuple(
    {id(f): f for f in (typing.Annotated, typing_extensions.Annotated)}.values()
)


def _class_body_frame() -> FrameType | None:
    # The class statement runs in the first frame outside this package; its
    # locals resolve string annotations of classes defined inside functions.
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(
        "restflow.serializers"
    ):
        frame = frame.f_back
    return frame


def _raw_annotations(attrs: Mapping[str, Any]) -> dict[str, Any]:
    if "__annotations__" in attrs:
        return dict(attrs["__annotations__"])
    annotate = attrs.get("__annotate__") or attrs.get("__annotate_func__")
    if annotate is None:
        return {}
    # Python 3.14+ evaluates class annotations lazily; ask for strings where a
    # name is not defined yet and resolve them like the string annotations below.
    import annotationlib  # type: ignore[import-not-found]

    return dict(annotationlib.call_annotate_function(annotate, annotationlib.Format.FORWARDREF))


def _resolve_annotation(
    cls_name: str, attr: str, annotation: Any, attrs: Mapping[str, Any], frame: FrameType | None
) -> Any:
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if not isinstance(annotation, str):
        return annotation
    module = sys.modules.get(attrs.get("__module__", ""))
    global_ns: dict[str, Any] = dict(vars(module)) if module is not None else {}
    local_ns = ChainMap(dict(attrs), dict(frame.f_locals) if frame is not None else {})
    try:
        return eval(annotation, global_ns, local_ns)
    except NameError as exc:
        raise TypeError(
            f"{cls_name}.{attr}: the annotation {annotation!r} names {exc.name!r}, which is not "
            "defined where the class is created. Define it before the serializer (at module "
            "level or earlier in the same scope), or declare the field explicitly."
        ) from exc


def _split_annotated(annotation: Any) -> tuple[Any, Field | None]:
    # Annotated[T, Field(...)] carries field kwargs; other metadata is left to the resolver.
    if get_origin(annotation) is None or not any(
        get_origin(annotation) is form for form in _ANNOTATED_FORMS
    ):
        return annotation, None
    sentinel: Field | None = None
    for meta in annotation.__metadata__:
        if isinstance(meta, Field):
            sentinel = meta.merged(sentinel)
    return annotation, sentinel


def _default_kwargs(value: Any) -> dict[str, Any]:
    # A mutable default would be shared by every validation; hand out a copy each time.
    if isinstance(value, (list, dict, set)):
        template = value

        def make_default() -> Any:
            return copy.deepcopy(template)

        return {"default": make_default, "required": False}
    return {"default": value, "required": False}


def collect_annotated_fields(
    cls_name: str, attrs: dict[str, Any], frame: FrameType | None = None
) -> dict[str, serializers.Field]:
    """Return the fields declared as annotations in ``attrs``, in declaration order.

    Sentinels and plain defaults of annotated names are removed from
    ``attrs``. A name already bound to a DRF field is skipped (the explicit
    field wins). Raise ``ValueError`` for a reserved name, ``TypeError`` for
    an annotation that cannot be resolved or a ``Field()`` without one.
    """
    if frame is None:
        frame = _class_body_frame()
    annotations = _raw_annotations(attrs)
    fields: dict[str, serializers.Field] = {}

    for attr, raw in annotations.items():
        if attr.startswith("_"):
            continue
        annotation = _resolve_annotation(cls_name, attr, raw, attrs, frame)
        if get_origin(annotation) in _CLASSVAR_FORMS or annotation in _CLASSVAR_FORMS:
            continue
        if attr in RESERVED_SERIALIZER_ATTRS:
            reserved = ", ".join(sorted(RESERVED_SERIALIZER_ATTRS))
            raise ValueError(
                f"{cls_name}: the annotated field `{attr}` collides with a Serializer attribute "
                f"of the same name. Reserved names: {reserved}. "
                f"Rename the field and map it with Field(source={attr!r}) if the data key must "
                "stay the same."
            )
        value = attrs.get(attr, _MISSING)
        if isinstance(value, serializers.Field):
            continue

        annotation, sentinel = _split_annotated(annotation)
        kwargs: dict[str, Any] = {}
        if isinstance(value, Field):
            sentinel = value.merged(sentinel)
        elif value is not _MISSING:
            kwargs.update(_default_kwargs(value))
        if sentinel is not None:
            kwargs.update(sentinel.kwargs)
        if value is not _MISSING:
            del attrs[attr]

        fields[attr] = get_field_from_type(annotation, f"{cls_name}.{attr}", **kwargs)

    for attr, value in attrs.items():
        if isinstance(value, Field) and attr not in annotations:
            raise TypeError(
                f"{cls_name}.{attr} = {value!r} has no annotation, so restflow cannot tell "
                f"which field to build. Write `{attr}: <type> = Field(...)`, or assign a DRF "
                "field instance."
            )
    return fields


class AnnotatedSerializerMetaclass(SerializerMetaclass):
    """Collect explicit DRF fields, annotated fields and inherited fields.

    Precedence: an explicit field instance wins over an annotation, which
    wins over a field inherited from a base class. ``_declared_fields`` is
    ordered inherited, annotated, explicit, and a name that overrides an
    inherited field keeps the inherited position, as DRF does.
    """

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any):
        frame = _class_body_frame()
        annotated = collect_annotated_fields(name, attrs, frame)
        explicit = [
            (field_name, attrs.pop(field_name))
            for field_name, value in list(attrs.items())
            if isinstance(value, serializers.Field)
        ]
        explicit.sort(key=lambda item: item[1]._creation_counter)

        known = set(attrs)
        inherited: list[tuple[str, serializers.Field]] = []
        for base in bases:
            for field_name, field in getattr(base, "_declared_fields", {}).items():
                if field_name not in known:
                    known.add(field_name)
                    inherited.append((field_name, field))

        declared = dict(inherited + list(annotated.items()) + explicit)
        # SerializerMetaclass.__new__ would recompute _declared_fields from attrs,
        # so skip it and build the class with its own parent's __new__.
        attrs["_declared_fields"] = declared
        cls = super(SerializerMetaclass, mcs).__new__(mcs, name, bases, attrs, **kwargs)
        cls._annotated_field_names = tuple(annotated)  # type: ignore[attr-defined]
        _merge_meta_fields(cls, tuple(annotated))
        return cls


def _merge_meta_fields(cls: type, annotated_names: tuple[str, ...]) -> None:
    # Model serializers list their fields in Meta.fields; annotated names must
    # be there too or DRF rejects the declared field. The user's Meta (maybe
    # shared with other serializers) is left untouched: a subclass carries the
    # merged list.
    if not annotated_names or not issubclass(cls, serializers.ModelSerializer):
        return
    meta = getattr(cls, "Meta", None)
    fields = getattr(meta, "fields", None)
    if meta is None or not isinstance(fields, (list, tuple)):
        return
    missing = [name for name in annotated_names if name not in fields]
    if not missing:
        return
    merged = type(fields)([*fields, *missing])
    merged_meta = type("Meta", (meta,), {"fields": merged, "__module__": cls.__module__})
    merged_meta.__qualname__ = f"{cls.__qualname__}.Meta"
    setattr(cls, "Meta", merged_meta)  # noqa: B010 - mypy rejects assigning to a nested class


def describe_annotation(annotation: Any) -> str:
    """Return a readable form of ``annotation`` for messages."""
    args = get_args(annotation)
    return type_name(annotation) if not args else repr(annotation)
