"""View helpers called from handlers: explicit serializer, paginator, headers and PostFetches."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Product, Review
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from restflow.pagination import FastPageNumberPagination, PageNumberPagination
from restflow.permissions import AllowAny
from restflow.test import AsyncAPIRequestFactory
from restflow.views import APIView, AsyncAPIView, PostFetch
from tests.viewsapp.serializers import BrandSerializer, ProductListSerializer
from tests.viewsapp.support import make_catalog

pytestmark = pytest.mark.django_db


class Pages(PageNumberPagination):
    page_size = 2


class Fast(FastPageNumberPagination):
    page_size = 2


LATEST = PostFetch(Review.objects.all(), "latest", ["rating"], product_id="id")


class WithLatest(ProductListSerializer):
    latest = serializers.DictField(read_only=True, allow_null=True)

    class Meta(ProductListSerializer.Meta):
        fields = [*ProductListSerializer.Meta.fields, "latest"]


class Handlers:
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = ProductListSerializer
    pagination_class = Pages


class SyncHandlers(Handlers, APIView):
    def get(self, request: Any) -> Response:
        return self.paginated_response(
            Product.objects.order_by("id"),
            serializer_class=WithLatest,
            pagination_class=Fast,
            post_fetches=[LATEST],
            headers={"X-Source": "helpers"},
        )

    def post(self, request: Any) -> Response:
        serializer = self.validated_serializer(
            data={"name": "Oak"}, serializer_class=BrandSerializer
        )
        return self.serialized_response(
            serializer.validated_data,
            status=202,
            serializer_class=BrandSerializer,
            headers={"X-Checked": "yes"},
        )


class AsyncHandlers(Handlers, AsyncAPIView):
    async def get(self, request: Any) -> Response:
        return await self.apaginated_response(
            Product.objects.order_by("id"),
            serializer_class=WithLatest,
            pagination_class=Fast,
            post_fetches=[LATEST],
            headers={"X-Source": "helpers"},
        )

    async def post(self, request: Any) -> Response:
        serializer = await self.avalidated_serializer(
            data={"name": "Oak"}, serializer_class=BrandSerializer
        )
        return await self.aserialized_response(
            serializer.validated_data,
            status=202,
            serializer_class=BrandSerializer,
            headers={"X-Checked": "yes"},
        )


def call(view_class: Any, method: str) -> Any:
    if view_class is AsyncHandlers:
        request = getattr(AsyncAPIRequestFactory(), method)("/")
        return async_to_sync(view_class.as_view())(request)
    return view_class.as_view()(getattr(APIRequestFactory(), method)("/"))


@pytest.mark.parametrize("view_class", [SyncHandlers, AsyncHandlers])
def test_paginated_response_arguments(view_class):
    make_catalog(products=3, reviews_per_product=2)
    response = call(view_class, "get")
    assert response["X-Source"] == "helpers"
    # The explicit paginator (count-free) wins over the view's.
    assert list(response.data) == ["next", "previous", "results"]
    assert [item["latest"]["rating"] for item in response.data["results"]] == [2, 2]


@pytest.mark.parametrize("view_class", [SyncHandlers, AsyncHandlers])
def test_validated_and_serialized_response(view_class):
    response = call(view_class, "post")
    assert response.status_code == 202
    assert response["X-Checked"] == "yes"
    assert response.data == {"name": "Oak"}
