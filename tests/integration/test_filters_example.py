"""The FilterSet proposed for the example product list, against the requests it serves."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import path
from rest_framework.test import APIClient

from tests.filterapp.catalog_data import make_catalog
from tests.filterapp.example_filters import ProductList

urlpatterns = [path("api/products/", ProductList.as_view())]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def catalog():
    return make_catalog()


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()]


def test_price_range_ordered(catalog):
    response = APIClient().get(
        "/api/products/", {"price__gte": "10", "price__lt": "20", "order_by": "-price,name"}
    )
    assert names(response) == ["SQL Basics", "Chess Set", "Django Unleashed", "Go Board"]


def test_category_negation(catalog):
    response = APIClient().get(
        "/api/products/", {"category!": catalog.books.pk, "order_by": "name"}
    )
    assert names(response) == ["Chess Set", "Go Board", "Puzzle Box"]


def test_brand_slug_in_stock_and_tags(catalog):
    response = APIClient().get(
        "/api/products/",
        {"brand__slug": "acme", "in_stock": "yes", "tags": "board,sql", "order_by": "name"},
    )
    assert names(response) == ["Chess Set", "SQL Basics"]


def test_bad_parameters_are_named(catalog):
    response = APIClient().get("/api/products/", {"price__gte": "abc", "order_by": "nope"})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"price__gte", "order_by"}


def test_search_matches_name_and_description(catalog):
    # Full-text search on PostgreSQL (ranking is tested with the pgapp models),
    # the icontains fallback elsewhere.
    assert names(APIClient().get("/api/products/", {"search": "python"})) == ["Python Cookbook"]
    # Words in any order match on PostgreSQL; the fallback needs the exact phrase.
    assert names(APIClient().get("/api/products/", {"search": "chess about"})) == (
        ["Chess Set"] if connection.vendor == "postgresql" else []
    )
