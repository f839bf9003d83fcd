"""afilter_queryset: restflow's async filter backend on the loop, DRF's sync backends in one hop."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Product
from rest_framework.filters import OrderingFilter, SearchFilter

from restflow.filters.backends import RestflowFilterBackend
from restflow.permissions import AllowAny
from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncListAPIView, GenericViewSet, ListModelMixin
from tests.viewsapp.serializers import ProductListSerializer
from tests.viewsapp.support import make_catalog

pytestmark = pytest.mark.django_db

factory = AsyncAPIRequestFactory()


class Filtered:
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class = None
    queryset = Product.objects.all()
    serializer_class = ProductListSerializer
    filter_backends = [RestflowFilterBackend, SearchFilter, OrderingFilter]
    filterset_fields = ["stock"]
    search_fields = ["name"]
    ordering_fields = ["price"]


class AsyncFiltered(Filtered, AsyncListAPIView):
    pass


class SyncFiltered(Filtered, ListModelMixin, GenericViewSet):
    pass


QUERY = {"stock": "3", "search": "Product", "ordering": "-price"}


def test_async_filters_match_sync(hops):
    make_catalog(products=6)
    async_response = async_to_sync(AsyncFiltered.as_view())(factory.get("/", QUERY))
    sync_response = SyncFiltered.as_view({"get": "list"})(factory.get("/", QUERY))
    assert async_response.status_code == 200
    assert [item["name"] for item in async_response.data] == ["Product 003"]
    assert async_response.data == sync_response.data


def test_sync_backends_share_one_hop(hops):
    make_catalog(products=4)
    before = len(hops.other)
    response = async_to_sync(AsyncFiltered.as_view())(factory.get("/", {"ordering": "-price"}))
    assert [item["price"] for item in response.data] == ["13.00", "12.00", "11.00", "10.00"]
    names = [getattr(f, "__name__", "") for f in hops.other[before:]]
    # SearchFilter and OrderingFilter in one hop, then the serializer's page hop.
    assert names.count("_filter_with") == 1
    assert len(names) == 2


def test_overridden_filter_queryset_is_called():
    class Custom(AsyncFiltered):
        def filter_queryset(self, queryset: Any) -> Any:
            return queryset.filter(stock__lt=2).order_by("id")

    make_catalog(products=4)
    response = async_to_sync(Custom.as_view())(factory.get("/"))
    assert [item["name"] for item in response.data] == ["Product 000", "Product 001"]
