"""Tests for restflow.serializers.fields: the type map, get_field_from_type and Field."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Annotated, Any, Literal, NewType

import pytest
from rest_framework import serializers

from restflow.helpers import BlankableString, UnsupportedAnnotationError
from restflow.serializers import (
    DecimalField,
    Email,
    Field,
    IPAddress,
    NotRequired,
    SerializerFieldMap,
    get_field_from_type,
)
from restflow.serializers.fields import BlankableCharField

MAPPED = [
    (int, serializers.IntegerField),
    (float, serializers.FloatField),
    (str, serializers.CharField),
    (bool, serializers.BooleanField),
    (bytes, serializers.CharField),
    (datetime.datetime, serializers.DateTimeField),
    (datetime.date, serializers.DateField),
    (datetime.time, serializers.TimeField),
    (datetime.timedelta, serializers.DurationField),
    (decimal.Decimal, DecimalField),
    (uuid.UUID, serializers.UUIDField),
    (Email, serializers.EmailField),
    (IPAddress, serializers.IPAddressField),
    (dict, serializers.DictField),
    (Any, serializers.JSONField),
    (BlankableString, BlankableCharField),
]


class Point(serializers.Serializer):
    x = serializers.IntegerField()


@pytest.mark.parametrize(("annotation", "field_class"), MAPPED)
def test_type_map_builds_field(annotation, field_class):
    field = get_field_from_type(annotation)
    assert type(field) is field_class
    assert field.required is True


def test_decimal_defaults_and_overrides():
    field = get_field_from_type(decimal.Decimal)
    assert (field.max_digits, field.decimal_places) == (20, 6)
    custom = get_field_from_type(decimal.Decimal, max_digits=8, decimal_places=2)
    assert (custom.max_digits, custom.decimal_places) == (8, 2)


def test_blankable_string_forces_blank():
    field = get_field_from_type(BlankableString, allow_blank=False)
    assert field.allow_blank is True
    assert field.run_validation("") == ""


def test_optional_gives_null_not_required():
    field = get_field_from_type(int | None)
    assert field.allow_null is True
    assert field.required is False


def test_not_required_only_drops_required():
    field = get_field_from_type(NotRequired[int])
    assert field.required is False
    assert field.allow_null is False


def test_literal_gives_choice_field():
    field = get_field_from_type(Literal["draft", "live"])
    assert isinstance(field, serializers.ChoiceField)
    assert field.choices == {"draft": "draft", "live": "live"}


def test_list_forms():
    typed = get_field_from_type(list[int])
    assert isinstance(typed, serializers.ListField)
    assert isinstance(typed.child, serializers.IntegerField)
    bare = get_field_from_type(list)
    assert isinstance(bare.child, serializers.CharField)
    nullable_items = get_field_from_type(list[int | None])
    assert nullable_items.child.allow_null is True


def test_nested_and_list_of_nested():
    assert isinstance(get_field_from_type(Point), Point)
    many = get_field_from_type(list[Point], required=False)
    assert isinstance(many, serializers.ListSerializer)
    assert isinstance(many.child, Point)
    assert many.required is False


@pytest.mark.parametrize("annotation", [set, tuple, int | str, object, complex, frozenset[int]])
def test_unsupported_types_raise(annotation):
    with pytest.raises(AssertionError, match=r"annotation must be a supported type|ambiguous"):
        get_field_from_type(annotation, "field")


def test_registering_a_type_is_global():
    Money = NewType("Money", decimal.Decimal)

    class MoneyField(serializers.DecimalField):
        def __init__(self, **kwargs):
            super().__init__(max_digits=10, decimal_places=2, **kwargs)

    with pytest.raises(UnsupportedAnnotationError):
        get_field_from_type(Money)
    SerializerFieldMap[Money] = MoneyField
    try:
        assert isinstance(get_field_from_type(Money), MoneyField)
        assert isinstance(get_field_from_type(list[Money]).child, MoneyField)
    finally:
        del SerializerFieldMap[Money]


def test_field_sentinel_kwargs_win():
    field = Field(required=True, max_length=4).clone(str | None)
    assert field.required is True
    assert field.allow_null is True
    assert field.max_length == 4


def test_field_sentinel_clone_without_type_is_json():
    assert isinstance(Field().clone(), serializers.JSONField)


def test_field_sentinel_repr_and_merge():
    merged = Field(a=1, b=2).merged(Field(b=3, c=4))
    assert merged.kwargs == {"b": 2, "c": 4, "a": 1}
    assert repr(Field(max_length=3)) == "Field(max_length=3)"


def test_annotated_metadata_ignored_by_resolver():
    field = get_field_from_type(Annotated[int, "doc"])
    assert isinstance(field, serializers.IntegerField)
