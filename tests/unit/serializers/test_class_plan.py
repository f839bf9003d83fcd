"""Plans shared per serializer class: when a class gets one, and that it renders as DRF does."""

from __future__ import annotations

import datetime
import decimal
import zoneinfo

import pytest
from catalog.models import Product
from django.test import override_settings
from django.utils import timezone
from rest_framework import serializers as drf

from restflow.serializers import ModelSerializer
from restflow.serializers.fast import class_plan

FIELDS = ["id", "name", "price", "stock", "in_stock", "rating", "created_at", "category"]


def pair(meta_fields, **declared):
    meta = type("Meta", (), {"model": Product, "fields": meta_fields})
    drf_cls = type("DRFPlain", (drf.ModelSerializer,), {"Meta": meta, **declared})
    fresh = {
        name: value.__deepcopy__({}) if isinstance(value, drf.Field) else value
        for name, value in declared.items()
    }
    restflow_cls = type("Plain", (ModelSerializer,), {"Meta": meta, **fresh})
    return drf_cls, restflow_cls


def product(**overrides) -> Product:
    values = {
        "id": 1,
        "name": "lamp",
        "slug": "lamp",
        "price": decimal.Decimal("2.50"),
        "stock": 3,
        "in_stock": True,
        "rating": 4.5,
        "created_at": datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc),
        "category_id": 7,
        "brand_id": 3,
    }
    values.update(overrides)
    return Product(**values)


def test_plain_serializer_shares_plan():
    drf_cls, cls = pair(FIELDS)
    plan = class_plan(cls)
    assert plan is not None
    assert plan.columns == (
        "id",
        "name",
        "price",
        "stock",
        "in_stock",
        "rating",
        "created_at",
        "category_id",
    )
    assert class_plan(cls) is plan
    serializer = cls(product())
    assert serializer.data == drf_cls(product()).data
    assert "fields" not in serializer.__dict__
    rows = [product(), product(id=2, name="fan")]
    many = cls(rows, many=True)
    assert many.data == drf_cls(rows, many=True).data
    assert "fields" not in many.child.__dict__


class Shout(drf.CharField):
    def to_representation(self, value):
        return str(value).upper()


class ByContext(ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name"]

    def get_fields(self):
        fields = super().get_fields()
        if self.context.get("short"):
            fields.pop("name")
        return fields


class WithInit(ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name"]

    def __init__(self, *args, **kwargs):
        only = kwargs.pop("only", None)
        super().__init__(*args, **kwargs)
        if only:
            for name in set(self.fields) - set(only):
                self.fields.pop(name)


class OwnRepresentation(ModelSerializer):
    class Meta:
        model = Product
        fields = ["id"]

    def to_representation(self, instance):
        return {"custom": instance.pk}


@pytest.mark.parametrize(
    "cls",
    [
        pair(["id", "label"], label=drf.SerializerMethodField(), get_label=lambda s, o: "x")[1],
        pair(["id", "name"], name=Shout())[1],
        pair(["id", "name"], name=drf.CharField(default=drf.CurrentUserDefault()))[1],
        ByContext,
        WithInit,
        OwnRepresentation,
    ],
    ids=["method-field", "user-field", "context-default", "get_fields", "__init__", "to_repr"],
)
def test_request_dependent_classes_get_no_plan(cls):
    assert class_plan(cls) is None


def test_dynamic_serializers_still_follow_their_arguments():
    assert WithInit(product(), only=["id"]).data == {"id": 1}
    assert ByContext(product(), context={"short": True}).data == {"id": 1}
    assert ByContext(product()).data == {"id": 1, "name": "lamp"}


def test_relation_source_gets_a_plan_without_columns():
    _, cls = pair(["id", "brand_name"], brand_name=drf.CharField(source="brand.name"))
    plan = class_plan(cls)
    assert plan is not None
    assert plan.columns is None


def test_changed_or_partial_keep_instance_path():
    _, cls = pair(["id", "name"])
    serializer = cls(product())
    serializer.fields.pop("name")
    assert serializer.data == {"id": 1}
    assert cls(product(), partial=True)._shared_plan() is None


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"name": None, "price": None, "created_at": None, "category_id": None},
        {"price": decimal.Decimal("2.555"), "rating": 3, "stock": True},
        {"name": 12, "in_stock": 1},
        {"created_at": datetime.datetime(2024, 6, 1, 8, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))},
        {"created_at": datetime.datetime(2024, 6, 1, 8, 30, 15, 500)},
    ],
    ids=["plain", "nulls", "coerced", "odd-types", "other-zone", "naive"],
)
def test_column_rows_render_like_instances_and_drf(overrides):
    drf_cls, cls = pair(FIELDS)
    plan = class_plan(cls)
    assert plan is not None
    assert plan.columns is not None
    assert plan.tuple_row is not None
    instance = product(**overrides)
    values = tuple(getattr(instance, column) for column in plan.columns)
    expected = dict(drf_cls(instance).data)
    assert plan.row(instance) == expected
    assert plan.tuple_row(values) == expected


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/St_Johns"])
@pytest.mark.parametrize("microsecond", [0, 120])
def test_column_datetimes_follow_the_current_zone(zone, microsecond):
    drf_cls, cls = pair(["id", "created_at"])
    at = datetime.datetime(2024, 3, 31, 1, 30, 5, microsecond, tzinfo=datetime.timezone.utc)
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        plan = class_plan(cls)
        assert plan is not None
        assert plan.tuple_row is not None
        expected = dict(drf_cls(product(created_at=at)).data)
        assert plan.tuple_row((1, at)) == expected
    if zone == "UTC":
        assert expected["created_at"].endswith("Z")


def test_current_time_zone_is_followed_per_request():
    drf_cls, cls = pair(["id", "created_at"])
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        paris = cls(product()).data
        assert paris == drf_cls(product()).data
    assert paris["created_at"] == "2024-01-01T13:00:00+01:00"
    assert cls(product()).data["created_at"] == "2024-01-01T12:00:00Z"


def test_settings_changes_rebuild_the_plan():
    drf_cls, cls = pair(["id", "price"])
    assert cls(product()).data["price"] == "2.50"
    with override_settings(REST_FRAMEWORK={"COERCE_DECIMAL_TO_STRING": False}):
        assert cls(product()).data == drf_cls(product()).data
        assert cls(product()).data["price"] == decimal.Decimal("2.50")
    assert cls(product()).data["price"] == "2.50"
