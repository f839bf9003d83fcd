"""Through a real async list view, the compiled filter plan returns what the general path returns.

``Planned`` gets the per-class plan; ``General`` is the same FilterSet with a
``validate`` override, which keeps it on full validation. Every request is
sent to both views and the status, body and SQL must match.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from catalog.models import Product
from django.db import connection
from django.test.utils import CaptureQueriesContext

from restflow.filters import DecimalField, FilterSet, RestflowFilterBackend
from restflow.filters.compiled import get_plan
from restflow.permissions import AllowAny
from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncListAPIView
from tests.viewsapp.serializers import ProductSerializer
from tests.viewsapp.support import make_catalog, run_async

factory = AsyncAPIRequestFactory()
pytestmark = pytest.mark.django_db


class PlannedFilterSet(FilterSet):
    price = DecimalField(lookups=["gte", "lte"])
    in_stock: bool

    class Meta:
        model = Product
        fields = ["category", "name"]
        order_fields = [("price", "price"), ("name", "name")]
        order_param = "ordering"
        unknown_parameters = "error"


class GeneralFilterSet(PlannedFilterSet):
    def validate(self, attrs):
        return attrs


class Planned(AsyncListAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = ProductSerializer
    pagination_class = None
    filter_backends = [RestflowFilterBackend]
    filterset_class = PlannedFilterSet
    queryset = Product.objects.all()


class General(Planned):
    filterset_class = GeneralFilterSet


def call(view: Any, params: dict[str, Any]) -> tuple[int, Any, list[str]]:
    @run_async
    async def request() -> Any:
        return await view.as_view()(factory.get("/", params))

    with CaptureQueriesContext(connection) as queries:
        response = request()
    response.render()
    return response.status_code, json.loads(response.content), [q["sql"] for q in queries]


QUERIES = [
    {},
    {"price__gte": "12", "price__lte": "14.5", "ordering": "-price"},
    {"in_stock": "yes", "ordering": "name,-price"},
    {"price!": "12", "name": "Product 002"},
    {"price__gte": " ", "in_stock": ""},
    {"price__gte": "abc", "ordering": "secret", "in_stock": "maybe"},
    {"price": ["12", "13"]},
    {"colour": "red", "price__gte": "12"},
    {"ordering": "price,-price"},
    {"price__gte": "x" * 2000},
    {"name": "a\x00b"},
]


def test_views_take_different_paths():
    assert get_plan(PlannedFilterSet) is not None
    assert get_plan(GeneralFilterSet) is None


@pytest.mark.parametrize("params", QUERIES)
def test_planned_and_general_views_answer_alike(params):
    make_catalog(products=6)
    planned = call(Planned, params)
    general = call(General, params)
    assert planned == general
    status, body, _sql = planned
    if status == 400:
        assert body["error"]["code"] == "validation_error"
        assert body["error"]["details"]


def test_bad_parameters_are_named_in_the_envelope():
    status, body, _sql = call(Planned, {"price__gte": "abc", "ordering": "secret", "colour": "red"})
    assert status == 400
    details = body["error"]["details"]
    assert set(details) == {"price__gte", "ordering", "colour"}
    assert "decimal number" in details["price__gte"][0]
    assert "price, -price, name, -name" in details["ordering"][0]
    assert "Unknown parameter" in details["colour"][0]
