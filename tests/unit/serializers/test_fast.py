"""Tests for the fast read path's fallbacks: each must give DRF's output."""

from __future__ import annotations

import datetime
import decimal

import pytest
from catalog.models import Brand, Category, Product, Review
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers as drf

from restflow.serializers import ModelSerializer
from restflow.serializers.fast import RowPlan, build_plan, class_plan


def pair(meta_fields, model=Product, **declared):
    """Return the same serializer on DRF's and restflow's ModelSerializer."""
    meta = type("Meta", (), {"model": model, "fields": meta_fields})
    drf_cls = type("DRFPair", (drf.ModelSerializer,), {"Meta": meta, **declared})
    fresh = {
        name: field.__deepcopy__({})
        for name, field in declared.items()
        if isinstance(field, drf.Field)
    }
    others = {name: value for name, value in declared.items() if not isinstance(value, drf.Field)}
    restflow_cls = type("RestflowPair", (ModelSerializer,), {"Meta": meta, **fresh, **others})
    return drf_cls, restflow_cls


def make_product(**overrides) -> Product:
    values = {
        "id": 1,
        "name": "p",
        "slug": "p",
        "price": decimal.Decimal("2.50"),
        "created_at": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        "category_id": 7,
        "brand_id": 3,
    }
    values.update(overrides)
    return Product(**values)


def test_dict_rows_take_drf_path():
    drf_cls, restflow_cls = pair(["id", "name"])
    rows = [{"id": 1, "name": "a"}, make_product()]
    assert restflow_cls(rows, many=True).data == drf_cls(rows, many=True).data


def test_callable_value_on_instance_is_called_like_drf():
    drf_cls, restflow_cls = pair(["id", "name"])
    product = make_product()
    product.name = lambda: "from a callable"
    assert restflow_cls([product], many=True).data == drf_cls([product], many=True).data
    assert restflow_cls([product], many=True).data[0]["name"] == "from a callable"


def test_user_field_subclass_keeps_its_to_representation():
    class Shout(drf.CharField):
        def to_representation(self, value):
            return str(value).upper()

    drf_cls, restflow_cls = pair(["name", "loud"], loud=Shout(source="name"))
    rows = [make_product(name="quiet")]
    assert (
        restflow_cls(rows, many=True).data
        == drf_cls(rows, many=True).data
        == [{"name": "quiet", "loud": "QUIET"}]
    )


def test_dotted_source_missing_relation_like_drf():
    drf_cls, restflow_cls = pair(
        ["id", "category_name", "category_or_none", "category_default"],
        category_name=drf.CharField(source="category.name", read_only=True),
        category_or_none=drf.CharField(source="category.name", allow_null=True, read_only=True),
        category_default=drf.CharField(source="category.name", default="none"),
    )
    with_category = make_product()
    with_category.category = Category(id=7, name="Kitchen", slug="kitchen")
    rows = [with_category, make_product(id=2, category_id=None)]
    expected = drf_cls(rows, many=True).data
    assert restflow_cls(rows, many=True).data == expected
    assert expected[0]["category_name"] == "Kitchen"


@pytest.mark.django_db
def test_missing_related_row_like_drf():
    drf_cls, restflow_cls = pair(
        ["id", "category_name"], category_name=drf.CharField(source="category.name")
    )
    rows = [make_product(category_id=999)]
    expected = drf_cls(rows, many=True).data
    assert restflow_cls(rows, many=True).data == expected == [{"id": 1, "category_name": None}]


def test_unknown_attribute_raises_like_drf():
    drf_cls, restflow_cls = pair(["missing"], missing=drf.CharField(source="no_such_attribute"))
    rows = [make_product()]
    with pytest.raises(AttributeError) as drf_error:
        _ = drf_cls(rows, many=True).data
    with pytest.raises(AttributeError) as restflow_error:
        _ = restflow_cls(rows, many=True).data
    assert str(restflow_error.value) == str(drf_error.value).replace("DRFPair", "RestflowPair")


def test_removed_field_after_plan_rebuilds_single_instance_plan():
    _, restflow_cls = pair(["id", "name", "slug"])
    serializer = restflow_cls()
    product = make_product()
    assert serializer.to_representation(product) == {"id": 1, "name": "p", "slug": "p"}
    serializer.fields.pop("slug")
    assert serializer.to_representation(product) == {"id": 1, "name": "p"}


def test_single_instance_plan_built_on_second_call():
    _, restflow_cls = pair(["id", "name"])
    serializer = restflow_cls()
    # Built fields may have been edited, so this instance plans for itself.
    assert list(serializer.fields) == ["id", "name"]
    serializer.to_representation(make_product())
    assert serializer.__dict__["_restflow_plan"] is None
    assert serializer.to_representation(make_product(id=2)) == {"id": 2, "name": "p"}
    assert isinstance(serializer.__dict__["_restflow_plan"], RowPlan)


def test_non_model_serializer_has_no_plan():
    from restflow.serializers import Serializer

    class Plain(Serializer):
        name: str

    assert build_plan(Plain(), for_list=True) is None


@pytest.mark.django_db
def test_nested_reverse_relation_and_deferred_fields_match_drf():
    category = Category.objects.create(name="Kitchen", slug="kitchen")
    brand = Brand.objects.create(name="Acme", slug="acme")
    product = Product.objects.create(
        name="Pan",
        slug="pan",
        price=decimal.Decimal("3.00"),
        created_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        category=category,
        brand=brand,
    )
    for rating in (4, 5):
        Review.objects.create(
            product=product,
            author_name="a",
            rating=rating,
            title=f"t{rating}",
            created_at=datetime.datetime(2024, 2, rating, tzinfo=datetime.timezone.utc),
        )

    review_meta = type("Meta", (), {"model": Review, "fields": ["rating", "title"]})
    drf_review = type("DRFReview", (drf.ModelSerializer,), {"Meta": review_meta})
    restflow_review = type("RestflowReview", (ModelSerializer,), {"Meta": review_meta})
    drf_cls, _ = pair(["id", "name", "reviews"], reviews=drf_review(many=True, read_only=True))
    _, restflow_cls = pair(
        ["id", "name", "reviews"], reviews=restflow_review(many=True, read_only=True)
    )

    rows = list(Product.objects.only("id", "name").prefetch_related("reviews"))
    expected = drf_cls(rows, many=True).data
    serializer = restflow_cls(rows, many=True)
    with CaptureQueriesContext(connection) as queries:
        actual = serializer.data
    assert actual == expected
    assert len(queries) == 0
    nested_child = serializer.child.fields["reviews"].child
    # The nested child's fields are context-free, so it reads through the
    # plan its class shares instead of building one per instance.
    assert "_restflow_plan" not in nested_child.__dict__
    assert class_plan(type(nested_child)) is not None
    assert [r["rating"] for r in actual[0]["reviews"]] == [5, 4]

    deferred = list(Product.objects.only("id"))
    assert restflow_cls(deferred, many=True).data == drf_cls(deferred, many=True).data


class OffsetlessZone(datetime.tzinfo):
    """A tzinfo whose utcoffset() is None, so Django treats its datetimes as naive."""

    def utcoffset(self, dt):
        return None

    def dst(self, dt):
        return None

    def tzname(self, dt):
        return "none"


def test_datetime_with_offsetless_tzinfo_like_drf():
    drf_cls, restflow_cls = pair(["id", "created_at"])
    rows = [make_product(created_at=datetime.datetime(2024, 3, 4, 5, 6, tzinfo=OffsetlessZone()))]
    expected = drf_cls(rows, many=True).data
    assert restflow_cls(rows, many=True).data == expected
    assert expected[0]["created_at"] == "2024-03-04T05:06:00Z"
