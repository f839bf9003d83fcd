"""Tests for data/adata and ato_representation: same output, ORM kept off the event loop."""

from __future__ import annotations

import datetime
import decimal
import threading

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Brand, Category, Product
from rest_framework import serializers

from restflow.serializers import ModelSerializer, Serializer

pytestmark = pytest.mark.django_db


def run(coroutine_function, *args, **kwargs):
    """Run an async callable from sync test code, keeping DB access on this thread."""
    return async_to_sync(coroutine_function)(*args, **kwargs)


async def read_adata(serializer):
    return await serializer.adata


@pytest.fixture
def products():
    category = Category.objects.create(name="Kitchen", slug="kitchen")
    brand = Brand.objects.create(name="Acme", slug="acme")
    created = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return [
        Product.objects.create(
            name=f"p{i}",
            slug=f"p{i}",
            price=decimal.Decimal("1.25") * (i + 1),
            created_at=created,
            category=category,
            brand=brand,
        )
        for i in range(3)
    ]


class CategoryOut(ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ProductOut(ModelSerializer):
    category_name: str = serializers.CharField(source="category.name")

    class Meta:
        model = Product
        fields = ["id", "name", "price", "category", "category_name"]


def test_adata_matches_data_for_instance(products):
    expected = ProductOut(products[0]).data
    assert run(read_adata, ProductOut(products[0])) == expected


def test_adata_for_queryset_uses_one_thread_hop(products):
    threads: list[int] = []

    class Probe(ModelSerializer):
        seen = serializers.SerializerMethodField()

        class Meta:
            model = Product
            fields = ["id", "seen"]

        def get_seen(self, obj):
            threads.append(threading.get_ident())
            return obj.category.name

    async def main():
        data = await Probe(Product.objects.all(), many=True).adata
        return data, threading.get_ident()

    data, loop_thread = run(main)
    assert [row["seen"] for row in data] == ["Kitchen"] * 3
    assert len(set(threads)) == 1
    assert threads[0] != loop_thread


def test_adata_related_access_rebuilt_off_loop(products):
    fresh = list(Product.objects.all())

    async def main():
        return await ProductOut(fresh, many=True).adata

    data = run(main)
    assert [row["category_name"] for row in data] == ["Kitchen"] * 3
    assert data == ProductOut(fresh, many=True).data


def test_adata_plain_rows_stay_on_loop(products):
    rows = list(Product.objects.select_related("category"))

    class Plain(ModelSerializer):
        class Meta:
            model = Product
            fields = ["id", "name", "price"]

    async def main():
        serializer = Plain(rows, many=True)
        data = await serializer.adata
        return data

    assert run(main) == Plain(rows, many=True).data


def test_adata_after_validation_returns_validated_representation():
    class Echo(Serializer):
        name: str
        size: int = 2

    serializer = Echo(data={"name": "a"})
    assert run(serializer.ais_valid)
    assert run(read_adata, serializer) == {"name": "a", "size": 2}


def test_adata_without_validation_asserts():
    class Echo(Serializer):
        name: str

    with pytest.raises(AssertionError, match="is_valid"):
        run(read_adata, Echo(data={"name": "a"}))


class AsyncOut(Serializer):
    name: str

    async def to_representation(self, instance):
        return {"name": instance["name"].upper()}


def test_async_to_representation_awaited():
    assert run(read_adata, AsyncOut({"name": "a"})) == {"name": "A"}
    assert run(AsyncOut().ato_representation, {"name": "b"}) == {"name": "B"}


def test_sync_data_rejects_async_to_representation():
    with pytest.raises(TypeError, match="use adata for async support"):
        _ = AsyncOut({"name": "a"}).data


def test_ato_representation_of_sync_serializer(products):
    assert run(CategoryOut().ato_representation, products[0].category) == {
        "id": products[0].category_id,
        "name": "Kitchen",
    }


def test_adata_list_of_categories_reuses_cached_data(products):
    serializer = CategoryOut(Category.objects.all(), many=True)
    first = run(read_adata, serializer)
    assert run(read_adata, serializer) == first
    assert list(first) == [{"id": products[0].category_id, "name": "Kitchen"}]
