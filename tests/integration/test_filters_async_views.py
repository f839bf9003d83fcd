"""RestflowFilterBackend on restflow's async list view: filtering adds no thread hop."""

from __future__ import annotations

import json
from typing import Any

import pytest
from catalog.models import Product
from rest_framework.filters import OrderingFilter

from restflow.filters import DecimalField, FilterSet, RestflowFilterBackend
from restflow.permissions import AllowAny
from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncListAPIView
from tests.viewsapp.serializers import ProductSerializer
from tests.viewsapp.support import hops as hops_fixture  # noqa: F401 - registers the fixture
from tests.viewsapp.support import make_catalog, run_async

factory = AsyncAPIRequestFactory()
pytestmark = pytest.mark.django_db


@pytest.fixture
def hop_log(hops_fixture: Any) -> Any:  # noqa: F811 - the imported fixture
    """Every ``sync_to_async`` hop made during the test (the views tests' ``hops`` fixture)."""
    return hops_fixture


class PriceFilterSet(FilterSet):
    price = DecimalField(lookups=["gte", "lt"])

    class Meta:
        order_fields = [("price", "price"), ("name", "name")]


class Unfiltered(AsyncListAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = ProductSerializer
    pagination_class = None
    filter_backends: list[Any] = []
    queryset = Product.objects.order_by("id")


class Filtered(Unfiltered):
    filter_backends = [RestflowFilterBackend]
    filterset_class = PriceFilterSet


class FilteredWithSyncBackend(Filtered):
    filter_backends = [RestflowFilterBackend, OrderingFilter]
    ordering_fields = ["stock"]


def call(view: Any, params: dict[str, str]) -> Any:
    @run_async
    async def request() -> Any:
        return await view.as_view()(factory.get("/", params))

    return request()


def other_hops(hop_log: Any, view: Any, params: dict[str, str]) -> tuple[int, Any]:
    before = len(hop_log.other)
    response = call(view, params)
    return len(hop_log.other) - before, response


def test_async_view_filters_and_orders(hop_log):
    make_catalog(products=6)
    response = call(Filtered, {"price__gte": "12", "price__lt": "15", "order_by": "-price"})
    assert response.status_code == 200
    assert [row["name"] for row in response.data] == ["Product 004", "Product 003", "Product 002"]


def test_filtering_adds_no_hop(hop_log):
    make_catalog(products=6)
    baseline, plain = other_hops(hop_log, Unfiltered, {})
    filtered, response = other_hops(hop_log, Filtered, {"price__gte": "12", "order_by": "name"})
    assert plain.status_code == response.status_code == 200
    assert len(response.data) == 4
    assert filtered == baseline


def test_sync_only_backend_costs_one_hop(hop_log):
    make_catalog(products=3)
    baseline, _plain = other_hops(hop_log, Filtered, {})
    mixed, response = other_hops(hop_log, FilteredWithSyncBackend, {"ordering": "-stock"})
    assert response.status_code == 200
    assert mixed == baseline + 1


def test_bad_value_is_400_envelope_on_async_view(hop_log):
    response = call(Filtered, {"price__gte": "abc", "order_by": "secret"})
    assert response.status_code == 400
    response.render()
    body = json.loads(response.content)
    assert body["error"]["code"] == "validation_error"
    assert set(body["error"]["details"]) == {"price__gte", "order_by"}
