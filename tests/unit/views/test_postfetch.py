"""PostFetch: one query per relation, sync and async, on instances, dicts and lists."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Product, Review
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.response import Response

from restflow.permissions import AllowAny
from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncListAPIView, PostFetch
from restflow.views.postfetch import (
    aperform_post_fetches,
    build_key_tuple,
    get_value,
    perform_post_fetches,
)
from tests.viewsapp.support import make_catalog

pytestmark = pytest.mark.django_db

factory = AsyncAPIRequestFactory()


def fetch(post_fetch: PostFetch, base: Any, use_async: bool) -> list[Any]:
    if use_async:
        return async_to_sync(post_fetch.afetch)(base)
    return post_fetch.fetch(base)


def top_reviews(limit: Any = 2) -> PostFetch:
    return PostFetch(
        Review.objects.all(),
        "top",
        ["title", "rating"],
        limit=limit,
        order_by=["-rating", "id"],
        product_id="id",
    )


@pytest.fixture
def products():
    # Five reviews per product with ratings 1..5.
    return make_catalog(products=3, reviews_per_product=5)


@pytest.mark.parametrize("use_async", [False, True])
def test_limit_n_keeps_best_rows(products, use_async):
    with CaptureQueriesContext(connection) as queries:
        items = fetch(top_reviews(2), Product.objects.order_by("id"), use_async)
    # One query for the base products, one for every product's reviews.
    assert len(queries) == 2
    assert [[row["rating"] for row in item.top] for item in items] == [[5, 4]] * 3
    assert set(items[0].top[0]) == {"title", "rating"}


@pytest.mark.parametrize("use_async", [False, True])
def test_limit_one_and_none(products, use_async):
    one = fetch(top_reviews(1), list(products), use_async)
    assert [item.top["rating"] for item in one] == [5, 5, 5]
    every = fetch(top_reviews(None), list(products), use_async)
    assert [len(item.top) for item in every] == [5, 5, 5]


@pytest.mark.parametrize("use_async", [False, True])
def test_empty_values_and_no_query(products, use_async):
    lonely = make_catalog(products=1, start=10)[-1]
    items = fetch(top_reviews(1), [lonely], use_async)
    assert items[0].top is None
    items = fetch(top_reviews(3), [lonely], use_async)
    assert items[0].top == []

    with CaptureQueriesContext(connection) as queries:
        assert fetch(top_reviews(), [], use_async) == []
        detached = [{"id": None}, {"id": None}]
        fetch(top_reviews(2), detached, use_async)
    assert len(queries) == 0
    assert detached == [{"id": None, "top": []}, {"id": None, "top": []}]


@pytest.mark.parametrize("use_async", [False, True])
def test_dicts_and_values_dict(products, use_async):
    from django.db.models import F

    post_fetch = PostFetch(
        Review.objects.all(),
        "latest",
        ["title"],
        values_dict={"stars": F("rating")},
        limit=1,
        product_id="id",
    )
    base = list(Product.objects.order_by("id").values("id", "name"))
    items = fetch(post_fetch, base, use_async)
    # Review's default ordering is newest first.
    assert items[0]["latest"] == {"title": "review 4 of Product 000", "stars": 5}
    assert post_fetch.values == ("title",)


@pytest.mark.parametrize("use_async", [False, True])
def test_two_join_pairs(products, use_async):
    post_fetch = PostFetch(
        Product.objects.all(),
        "twin",
        ["name"],
        limit=None,
        id="id",
        category_id="category_id",
    )
    items = fetch(post_fetch, list(products), use_async)
    assert [item.twin for item in items] == [[{"name": p.name}] for p in products]


def test_helpers():
    assert get_value({"a": {"b": 3}}, "a.b") == 3
    assert get_value(type("O", (), {"x": None})(), "x.y") is None
    assert build_key_tuple({"id": 1, "k": 2}, [("a", "id"), ("b", "k")]) == (1, 2)
    with pytest.raises(TypeError, match="product_id='id'"):
        PostFetch(Review.objects.all(), "x", ["id"])
    with pytest.raises(ValueError, match="limit"):
        PostFetch(Review.objects.all(), "x", ["id"], limit=0, product_id="id")


def test_run_helpers_sync_and_async(products):
    items = perform_post_fetches(Product.objects.order_by("id"), [top_reviews(1)])
    assert items[0].top["rating"] == 5
    items = async_to_sync(aperform_post_fetches)(Product.objects.order_by("id"), [top_reviews(1)])
    assert items[0].top["rating"] == 5


class WithReviews(serializers.ModelSerializer):
    top = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = Product
        fields = ["id", "top"]


class UnpagedList(AsyncListAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class = None
    queryset = Product.objects.order_by("id")
    serializer_class = WithReviews
    post_fetches = [top_reviews(2)]


def test_post_fetch_runs_without_paginator(products, hops):
    response = async_to_sync(UnpagedList.as_view())(factory.get("/"))
    assert [[row["rating"] for row in item["top"]] for item in response.data] == [[5, 4]] * 3
    # Sync serializer: reading, post-fetching and rendering share one hop.
    assert len(hops.other) == 1


class AsyncDataWithReviews(serializers.Serializer):
    id = serializers.IntegerField()

    @property
    async def adata(self) -> Any:
        # Only the item serializer has it; DRF's list serializer does not.
        return {"id": self.instance.pk, "top": self.instance.top}


class AsyncUnpagedList(UnpagedList):
    serializer_class = AsyncDataWithReviews

    async def get(self, request: Any) -> Response:
        return await self.apaginated_response(self.get_queryset())


def test_afetch_reads_lazy_queryset_asynchronously(products, hops):
    response = async_to_sync(AsyncUnpagedList.as_view())(factory.get("/"))
    assert [len(item["top"]) for item in response.data] == [2, 2, 2]
    # No worker-thread hop of our own: only the ORM's fetches (base and reviews).
    assert hops.other == []
    assert len(hops.orm) == 2
