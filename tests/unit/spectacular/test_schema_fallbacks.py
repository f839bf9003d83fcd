"""RestflowAutoSchema when getters fail or views lack restflow's hooks."""

from __future__ import annotations

import logging

import pytest
from catalog.models import Product
from django.core.exceptions import ImproperlyConfigured
from django.urls import path
from rest_framework import generics, permissions

from restflow.views import AsyncListAPIView
from tests.unit.spectacular.openapi_views import (
    FastPages,
    ProductSerializer,
    ProductSummarySerializer,
)
from tests.unit.spectacular.support import build_schema, operation, response_ref

pytestmark = pytest.mark.django_db


class Open:
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []


class BrokenRequestGetter(Open, AsyncListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    response_serializer_class = ProductSummarySerializer
    pagination_class = None

    def get_request_serializer_class(self):
        raise ImproperlyConfigured("needs a request")

    def post(self, request):
        raise NotImplementedError


class PlainPaged(Open, generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSummarySerializer
    pagination_class = FastPages


def test_failing_getter_is_logged_and_skipped(caplog):
    with caplog.at_level(logging.WARNING, logger="restflow.spectacular.schema"):
        schema = build_schema([path("api/broken/", BrokenRequestGetter.as_view())])
    post = operation(schema, "/api/broken/", "post")
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    # drf-spectacular's own lookup (get_serializer_class) takes over.
    assert body == "#/components/schemas/Product"
    assert "BrokenRequestGetter.get_request_serializer_class() failed" in caplog.text
    get = operation(schema, "/api/broken/")
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ProductSummary"},
    }


def test_plain_generic_view_pages():
    schema = build_schema([path("api/paged/", PlainPaged.as_view())])
    ref = response_ref(operation(schema, "/api/paged/"), "200")
    assert ref == "#/components/schemas/FastPageNumberPaginatedProductSummaryList"


def test_should_paginate_per_operation():
    from restflow.spectacular import RestflowAutoSchema

    def inspect(view_class, method, route):
        view = view_class()
        view.request = None
        auto_schema = RestflowAutoSchema()
        auto_schema.view = view
        auto_schema.method = method
        auto_schema.path = route
        auto_schema.path_regex = route
        return auto_schema.should_paginate()

    assert inspect(PlainPaged, "GET", "/api/paged/") is True
    assert inspect(BrokenRequestGetter, "GET", "/api/broken/") is False


@pytest.mark.parametrize(
    ("route", "regex", "expected"),
    [
        ("/api/things/{id}/", "^things/(?P<pk>[^/.]+)/$", True),
        ("/api/things/{id}/", "api/things/<int:pk>/", True),
        ("/api/things/{id}/", "api/things/<pk>/", True),
        ("/api/things/{pk}/", "", True),
        ("/api/things/", "api/things/", False),
        ("/api/things/{slug}/", "api/things/<slug:slug>/", False),
    ],
)
def test_detail_path_detection(route, regex, expected):
    from restflow.spectacular import RestflowAutoSchema

    auto_schema = RestflowAutoSchema()
    auto_schema.view = PlainPaged()
    auto_schema.path = route
    auto_schema.path_regex = regex
    assert auto_schema.is_detail_path() is expected
