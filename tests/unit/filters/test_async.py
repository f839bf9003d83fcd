"""``afilter_queryset``: async methods and processors, no thread hop, and the sync twins."""

from __future__ import annotations

import threading

import pytest
from catalog.models import Product
from django.db.models import Q
from rest_framework.exceptions import ValidationError

from restflow.filters import DecimalField, FilterSet, StringField
from tests.filterapp.catalog_data import make_catalog


@pytest.fixture
def anyio_backend():
    return "asyncio"


def make_filterset(threads: list[int]):
    async def async_search(filterset, queryset, value):
        threads.append(threading.get_ident())
        return Q(name__icontains=value)

    def sync_brand(filterset, queryset, value):
        threads.append(threading.get_ident())
        return queryset.filter(brand__slug=value)

    async def pre(filterset, queryset):
        threads.append(threading.get_ident())
        return queryset.filter(price__gt=0)

    def post(filterset, queryset):
        threads.append(threading.get_ident())
        return queryset

    class F(FilterSet):
        q = StringField(method=async_search)
        brand = StringField(method=sync_brand)
        price = DecimalField(lookups=["lte"])

        class Meta:
            order_fields = ["name"]
            preprocessors = [pre]
            postprocessors = [post]

    return F


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_afilter_queryset_runs_on_the_loop_thread():
    from asgiref.sync import sync_to_async
    from django.db import connections

    await sync_to_async(make_catalog)()
    try:
        threads: list[int] = []
        loop_thread = threading.get_ident()
        F = make_filterset(threads)
        data = {"q": "s", "brand": "acme", "price__lte": "20", "order_by": "-name"}
        queryset = await F(data=data).afilter_queryset(Product.objects.all())
        assert threads == [loop_thread] * 4
        assert [product.name async for product in queryset] == ["SQL Basics", "Chess Set"]
    finally:
        # The ORM's worker thread keeps its own connection; close it so the
        # PostgreSQL test database can be dropped at the end of the run.
        await sync_to_async(connections.close_all)()


@pytest.mark.anyio
async def test_afilter_queryset_raises_validation_error():
    F = make_filterset([])
    with pytest.raises(ValidationError) as excinfo:
        await F(data={"price__lte": "cheap"}).afilter_queryset(Product.objects.all())
    assert "price__lte" in excinfo.value.detail


@pytest.mark.anyio
async def test_async_ordering_method():
    from restflow.filters import OrderField

    async def by_slug(filterset, queryset, keys):
        return queryset.order_by("-slug")

    class F(FilterSet):
        order_by = OrderField(fields=["name"], method=by_slug)

    queryset = await F(data={"order_by": "name"}).afilter_queryset(Product.objects.all())
    assert queryset.query.order_by == ("-slug",)


def test_sync_twin_refuses_async_hooks():
    F = make_filterset([])
    with pytest.raises(TypeError) as excinfo:
        F(data={"price__lte": "20"}).filter_queryset(Product.objects.all())
    assert "afilter_queryset" in str(excinfo.value)


@pytest.mark.django_db
def test_sync_twin_with_sync_hooks_only():
    make_catalog()
    threads: list[int] = []

    def sync_search(filterset, queryset, value):
        threads.append(threading.get_ident())
        return Q(name__icontains=value)

    class F(FilterSet):
        q = StringField(method=sync_search)

        class Meta:
            order_fields = ["name"]

    queryset = F(data={"q": "o", "order_by": "-name"}).filter_queryset(Product.objects.all())
    assert [product.name for product in queryset][:2] == ["Python Cookbook", "Puzzle Box"]
    assert threads == [threading.get_ident()]
