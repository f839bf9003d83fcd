"""Tests for InlineSerializer: plain and model modes, kwargs precedence, unique names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Category, Product
from rest_framework import serializers

from restflow.serializers import InlineSerializer, ModelSerializer, Serializer


def test_requires_fields_or_model():
    with pytest.raises(ValueError, match="needs `fields`"):
        InlineSerializer(name="Empty")


def test_plain_mode_builds_serializer_from_types_and_fields():
    Point = InlineSerializer(
        name="PointIn", fields={"x": int, "y": serializers.IntegerField(min_value=0)}
    )
    assert issubclass(Point, Serializer)
    serializer = Point(data={"x": "1", "y": -1})
    assert not serializer.is_valid()
    assert list(serializer.errors) == ["y"]
    ok = Point(data={"x": "1", "y": 2})
    assert async_to_sync(ok.ais_valid)()
    assert ok.validated_data == {"x": 1, "y": 2}


def test_plain_mode_nested_types():
    Child = InlineSerializer(name="ChildIn", fields={"n": int})
    Parent = InlineSerializer(
        name="ParentIn", fields={"one": Child, "many": list[Child], "tag": str | None}
    )
    fields = Parent().fields
    assert isinstance(fields["one"], Child)
    assert isinstance(fields["many"].child, Child)
    assert fields["tag"].allow_null is True


def test_plain_mode_ignores_model_options():
    Plain = InlineSerializer(fields={"a": int}, read_only_fields=["a"], extra_kwargs={"a": {}})
    assert Plain().fields["a"].read_only is False


def test_model_mode_meta_fields_sources():
    from_model_fields = InlineSerializer(model=Category, model_fields=("id", "name"))
    assert issubclass(from_model_fields, ModelSerializer)
    assert from_model_fields.Meta.fields == ["id", "name"]
    from_fields = InlineSerializer(model=Category, fields={"name": serializers.CharField()})
    assert from_fields.Meta.fields == ["name"]
    everything = InlineSerializer(model=Category)
    assert everything.Meta.fields == "__all__"
    assert set(everything().fields) == {"id", "name", "slug", "description"}


def test_model_mode_explicit_extra_kwargs_win():
    cls = InlineSerializer(
        model=Product,
        model_fields=["name", "slug", "price"],
        read_only_fields=["name", "slug"],
        write_only_fields=["price"],
        extra_kwargs={"slug": {"read_only": False}, "price": {"min_value": Decimal("1")}},
    )
    fields = cls().fields
    assert fields["name"].read_only is True
    assert fields["slug"].read_only is False
    assert fields["price"].write_only is True
    assert fields["price"].min_value == Decimal("1")


def test_model_mode_with_annotated_extra_field():
    cls = InlineSerializer(model=Category, model_fields=["name"], fields={"score": int})
    assert cls.Meta.fields == ["name", "score"]


def test_names_unique_per_shape():
    first = InlineSerializer(name="ShapeIn", fields={"a": int})
    same = InlineSerializer(name="ShapeIn", fields={"a": int})
    other = InlineSerializer(name="ShapeIn", fields={"b": str})
    assert first.__name__ == same.__name__ == "ShapeIn"
    assert first is not same
    assert other.__name__ == "ShapeIn2"
    model_default = InlineSerializer(model=Category, model_fields=["id"])
    assert model_default.__name__.startswith("CategoryInline")
    assert model_default.__name__.endswith("Serializer")
    numbered = InlineSerializer(name="PayloadSerializer", fields={"a": int})
    renumbered = InlineSerializer(name="PayloadSerializer", fields={"b": int})
    assert (numbered.__name__, renumbered.__name__) == ("PayloadSerializer", "Payload2Serializer")


def test_unsupported_type_names_field():
    with pytest.raises(TypeError, match=r"\.bad.*set"):
        InlineSerializer(name="BadIn", fields={"bad": set})
