"""Tests for annotation-declared fields: forms, defaults, precedence, errors."""

from __future__ import annotations

import datetime
import decimal
from typing import Annotated, ClassVar, Literal

import pytest
from catalog.models import Product
from rest_framework import serializers

from restflow.serializers import (
    Email,
    Field,
    HyperlinkedModelSerializer,
    ModelSerializer,
    NotRequired,
    Serializer,
)


class Address(Serializer):
    city: str
    zip_code: str = Field(max_length=5)


class Profile(Serializer):
    name: str
    age: int = 18
    nickname: str | None
    handle: NotRequired[str]
    email: Email
    level: Literal["low", "high"]
    tags: list[str]
    scores: list
    address: Address
    previous: list[Address] = Field(required=False)
    amount: Annotated[decimal.Decimal, Field(max_digits=6, decimal_places=2)]
    joined: datetime.date
    kind: ClassVar[str] = "profile"
    _private: int = 3


def test_every_annotation_form_builds_the_field():
    fields = Profile().fields
    assert isinstance(fields["name"], serializers.CharField)
    assert fields["age"].required is False
    assert fields["age"].default == 18
    assert fields["nickname"].allow_null is True
    assert fields["nickname"].required is False
    assert fields["handle"].required is False
    assert fields["handle"].allow_null is False
    assert isinstance(fields["email"], serializers.EmailField)
    assert list(fields["level"].choices) == ["low", "high"]
    assert isinstance(fields["tags"].child, serializers.CharField)
    assert isinstance(fields["scores"], serializers.ListField)
    assert isinstance(fields["address"], Address)
    assert isinstance(fields["previous"], serializers.ListSerializer)
    assert fields["previous"].required is False
    assert (fields["amount"].max_digits, fields["amount"].decimal_places) == (6, 2)
    assert isinstance(fields["joined"], serializers.DateField)


def test_classvar_and_private_names_are_not_fields():
    assert "kind" not in Profile._declared_fields
    assert "_private" not in Profile._declared_fields
    assert Profile.kind == "profile"


def test_class_body_default_used():
    serializer = Profile(
        data={
            "name": "a",
            "email": "a@example.com",
            "level": "low",
            "tags": [],
            "scores": [],
            "address": {"city": "Oslo", "zip_code": "0150"},
            "amount": "1.50",
            "joined": "2024-01-02",
        }
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["age"] == 18
    assert "age" not in Profile.__dict__


def test_mutable_default_is_copied_per_validation():
    class Bag(Serializer):
        items: list[int] = []

    first = Bag(data={})
    assert first.is_valid()
    first.validated_data["items"].append(1)
    second = Bag(data={})
    assert second.is_valid()
    assert second.validated_data["items"] == []


def test_annotated_and_assigned_field_merge_assignment_wins():
    class Merged(Serializer):
        code: Annotated[str, Field(max_length=3, min_length=1)] = Field(max_length=9)

    field = Merged().fields["code"]
    assert field.max_length == 9
    assert field.min_length == 1


def test_optional_with_required_field_stays_required():
    class Strict(Serializer):
        note: str | None = Field(required=True)

    field = Strict().fields["note"]
    assert field.required is True
    assert field.allow_null is True


def test_explicit_field_beats_annotation():
    class Explicit(Serializer):
        value: int = serializers.CharField(max_length=2)

    assert isinstance(Explicit().fields["value"], serializers.CharField)


def test_annotation_beats_inherited_and_order():
    class Base(Serializer):
        a = serializers.CharField()
        b = serializers.CharField()

    class Child(Base):
        b: int
        c: str
        d = serializers.BooleanField()

    fields = Child().fields
    assert list(fields) == ["a", "b", "c", "d"]
    assert isinstance(fields["b"], serializers.IntegerField)


def test_explicit_beats_annotation_beats_inherited_same_name():
    class Base(Serializer):
        x: str

    class Child(Base):
        x: int = serializers.BooleanField()

    assert isinstance(Child().fields["x"], serializers.BooleanField)


def test_subclass_can_drop_inherited_field_with_none():
    class Base(Serializer):
        x: str
        y: str

    class Child(Base):
        y = None

    assert list(Child().fields) == ["x"]


@pytest.mark.parametrize("name", ["data", "errors", "validated_data", "instance", "fields"])
def test_reserved_names_rejected(name):
    with pytest.raises(ValueError, match=f"`{name}` collides with a Serializer attribute"):
        type("Bad", (Serializer,), {"__module__": __name__, "__annotations__": {name: str}})


@pytest.mark.parametrize(
    ("annotation", "shown"),
    [
        (set, "set"),
        (tuple[int, int], "tuple[int, int]"),
        (int | str, "int | str"),
        (object, "object"),
    ],
)
def test_unmappable_annotation_names_class_attr_and_type(annotation, shown):
    with pytest.raises(TypeError) as info:
        type(
            "Order",
            (Serializer,),
            {"__module__": __name__, "__annotations__": {"items": annotation}},
        )
    message = str(info.value)
    assert "Order.items" in message
    assert shown in message


def test_unknown_class_annotation_error():
    class Thing:
        pass

    with pytest.raises(TypeError, match=r"Broken\.thing.*Thing"):

        class Broken(Serializer):
            thing: Thing


def test_field_without_annotation_rejected():
    with pytest.raises(TypeError, match=r"Lonely\.value = Field\(max_length=3\) has no annotation"):

        class Lonely(Serializer):
            value = Field(max_length=3)


def test_undefined_name_in_string_annotation():
    with pytest.raises(TypeError, match=r"Dangling\.other.*'Missing'"):

        class Dangling(Serializer):
            other: Missing  # type: ignore[name-defined]  # noqa: F821


def test_local_nested_serializer_resolves():
    class Inner(Serializer):
        n: int

    class Outer(Serializer):
        inner: Inner
        many: list[Inner]

    fields = Outer().fields
    assert isinstance(fields["inner"], Inner)
    assert isinstance(fields["many"].child, Inner)


class ProductMeta:
    model = Product
    fields = ["id", "name"]


def test_model_serializer_appends_annotated_names_without_mutating_meta():
    class ProductSerializer(ModelSerializer):
        discount: int = 0

        Meta = ProductMeta

    assert ProductMeta.fields == ["id", "name"]
    assert ProductSerializer.Meta.fields == ["id", "name", "discount"]
    assert ProductSerializer.Meta.model is Product
    assert list(ProductSerializer().fields) == ["id", "name", "discount"]


def test_shared_meta_does_not_leak_between_serializers():
    class First(ModelSerializer):
        a: int = 0
        Meta = ProductMeta

    class Second(ModelSerializer):
        b: int = 0
        Meta = ProductMeta

    assert list(First().fields) == ["id", "name", "a"]
    assert list(Second().fields) == ["id", "name", "b"]


def test_model_serializer_tuple_fields_stay_tuple():
    class ProductSerializer(ModelSerializer):
        extra: str = ""

        class Meta:
            model = Product
            fields = ("id",)

    assert ProductSerializer.Meta.fields == ("id", "extra")


def test_model_serializer_all_fields_untouched():
    class ProductSerializer(ModelSerializer):
        extra: str = ""

        class Meta:
            model = Product
            fields = "__all__"

    assert ProductSerializer.Meta.fields == "__all__"
    assert "extra" in ProductSerializer().fields


def test_annotation_beats_generated_model_field():
    class ProductSerializer(ModelSerializer):
        name: int
        stock = serializers.CharField()

        class Meta:
            model = Product
            fields = ["id", "name", "stock", "price"]

    fields = ProductSerializer().fields
    assert isinstance(fields["name"], serializers.IntegerField)
    assert isinstance(fields["stock"], serializers.CharField)
    assert isinstance(fields["price"], serializers.DecimalField)
    assert fields["price"].decimal_places == 2


def test_hyperlinked_model_serializer_takes_annotations():
    class ProductLink(HyperlinkedModelSerializer):
        score: float = 0.0

        class Meta:
            model = Product
            fields = ["name"]

    assert ProductLink.Meta.fields == ["name", "score"]
    assert isinstance(ProductLink().fields["score"], serializers.FloatField)


def test_list_child_keeps_annotated_field_options():
    class Tagged(Serializer):
        tags: list[Annotated[str, Field(max_length=4)]]

    child = Tagged().fields["tags"].child
    assert child.max_length == 4
    serializer = Tagged(data={"tags": ["ok", "toolong"]})
    assert not serializer.is_valid()
    assert "tags" in serializer.errors


def test_list_accepts_explicit_child():
    class Tagged(Serializer):
        tags: list[str] = Field(child=serializers.CharField(max_length=3))

    field = Tagged().fields["tags"]
    assert field.child.max_length == 3
    assert not Tagged(data={"tags": ["long"]}).is_valid()
    assert Tagged(data={"tags": ["abc"]}).is_valid()
