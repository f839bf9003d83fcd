"""The annotation -> DRF field map, the ``Field`` sentinel and ``get_field_from_type``.

``SerializerFieldMap`` is a mutable global: registering a type there makes
it usable as an annotation on every serializer.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import uuid
from typing import Any

from rest_framework import serializers

from restflow.helpers import BlankableString, Email, IPAddress, resolve_field_from_type

__all__ = [
    "BlankableCharField",
    "DecimalField",
    "Field",
    "SerializerFieldMap",
    "get_field_from_type",
    "is_serializer_class",
]


class DecimalField(serializers.DecimalField):
    """DRF's ``DecimalField`` with defaults, so a bare ``Decimal`` annotation works.

    ``max_digits`` defaults to 20 and ``decimal_places`` to 6; pass either
    through ``Field(...)`` to change it.
    """

    def __init__(self, max_digits: int | None = 20, decimal_places: int | None = 6, **kwargs: Any):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)


class BlankableCharField(serializers.CharField):
    """``CharField`` that always accepts the empty string (``allow_blank=True``)."""

    def __init__(self, **kwargs: Any):
        kwargs["allow_blank"] = True
        super().__init__(**kwargs)


SerializerFieldMap: dict[Any, type[serializers.Field]] = {
    int: serializers.IntegerField,
    float: serializers.FloatField,
    str: serializers.CharField,
    bool: serializers.BooleanField,
    bytes: serializers.CharField,
    datetime.datetime: serializers.DateTimeField,
    datetime.date: serializers.DateField,
    datetime.time: serializers.TimeField,
    datetime.timedelta: serializers.DurationField,
    decimal.Decimal: DecimalField,
    uuid.UUID: serializers.UUIDField,
    Email: serializers.EmailField,
    IPAddress: serializers.IPAddressField,
    dict: serializers.DictField,
    Any: serializers.JSONField,
    BlankableString: BlankableCharField,
}
"""Python type -> DRF field class used for annotations.

Add an entry (``SerializerFieldMap[Money] = MoneyField``) to support a new
type on every serializer. Lookups are exact, so a subclass of a mapped type
needs its own entry.
"""


def is_serializer_class(data_type: Any) -> bool:
    """Return True when ``data_type`` is a DRF serializer class (used as a nested field)."""
    return isinstance(data_type, type) and issubclass(data_type, serializers.BaseSerializer)


def _build_nested(data_type: Any, kwargs: dict[str, Any]) -> serializers.BaseSerializer:
    return data_type(**kwargs)


def get_field_from_type(
    data_type: Any, field_name: str | None = None, **kwargs: Any
) -> serializers.Field:
    """Return a DRF field instance for the annotation ``data_type``.

    ``T | None`` gives ``allow_null=True, required=False``; ``NotRequired[T]``
    gives ``required=False``; ``Literal[...]`` a ``ChoiceField``; ``list[T]``
    a ``ListField`` (or ``T(many=True)`` for a serializer class ``T``); a
    serializer class a nested serializer. ``kwargs`` are passed to the
    field and win over the defaults an annotation implies.

    Raise ``UnsupportedAnnotationError`` (an ``AssertionError`` and a
    ``TypeError``) for a type with no entry in ``SerializerFieldMap``.
    """
    return resolve_field_from_type(
        data_type,
        type_map=SerializerFieldMap,
        field_name=field_name,
        list_field_class=serializers.ListField,
        choice_field_class=serializers.ChoiceField,
        nested_predicate=is_serializer_class,
        nested_factory=_build_nested,
        error_message="annotation must be a supported type",
        allow_null_on_optional=True,
        **kwargs,
    )


class Field:
    """Keyword arguments for the DRF field that an annotation declares.

    ``price: Decimal = Field(max_digits=8, decimal_places=2, read_only=True)``
    or ``price: Annotated[Decimal, Field(max_digits=8)]``. The kwargs win
    over what the annotation implies, so ``note: str | None =
    Field(required=True)`` stays required while accepting ``null``. This is
    not a DRF field: it only becomes one together with an annotation.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    @property
    def field_kwargs(self) -> dict[str, Any]:
        """The kwargs, under the name the resolver reads from ``Annotated`` metadata."""
        return self.kwargs

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.kwargs.items())
        return f"Field({args})"

    def merged(self, other: Field | None) -> Field:
        """Return a new ``Field`` whose kwargs are ``other``'s updated with this one's."""
        base = dict(other.kwargs) if other is not None else {}
        base.update(self.kwargs)
        return Field(**base)

    def clone(
        self, _type: Any = None, field_name: str | None = None, **inner: Any
    ) -> serializers.Field:
        """Return the DRF field for annotation ``_type`` with these kwargs over ``inner``.

        ``_type=None`` means ``Any`` (a ``JSONField``).
        """
        kwargs = {**inner, **copy.copy(self.kwargs)}
        return get_field_from_type(Any if _type is None else _type, field_name, **kwargs)
