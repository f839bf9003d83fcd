"""Zero-code adoption: RestflowFilterBackend in DEFAULT_FILTER_BACKENDS serves plain DRF views.

DRF copies ``DEFAULT_FILTER_BACKENDS`` into ``GenericAPIView.filter_backends``
once, when ``rest_framework.generics`` is first imported, so a later
``override_settings`` never reaches existing views. A project sets the
default in settings.py before anything imports DRF; this file reproduces
that by running the ``inner`` tests in a new Python process whose settings
module names the backend. The outer run checks the same views without it.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.filterapp.catalog_data import make_catalog
from tests.support.fresh_process import is_inner, run_inner_tests

INNER = is_inner("RESTFLOW_ADOPTION_FILTERS")
INNER_TESTS = 8
SETTINGS_MODULE = """
from conf.settings import *  # noqa: F403

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_FILTER_BACKENDS": ["restflow.filters.RestflowFilterBackend"],
}
ROOT_URLCONF = "tests.adoption.urls_filters"
"""


@pytest.mark.skipif(INNER, reason="this is the outer run that starts the inner one")
def test_adoption_in_fresh_process(tmp_path):
    run_inner_tests(__file__, tmp_path, SETTINGS_MODULE, "RESTFLOW_ADOPTION_FILTERS", INNER_TESTS)


inner = pytest.mark.skipif(not INNER, reason="runs inside test_adoption_in_fresh_process")


@pytest.fixture
def catalog(db):
    return make_catalog()


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()]


def details(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    return body["error"]["details"]


@pytest.mark.skipif(INNER, reason="checks the views without the setting")
@pytest.mark.urls("tests.adoption.urls_filters")
def test_without_the_setting_filters_are_ignored(catalog):
    response = APIClient().get("/api/products/", {"price__gte": "abc", "ordering": "-price"})
    assert len(names(response)) == 6


@inner
def test_views_picked_up_the_default():
    from restflow.filters import RestflowFilterBackend
    from tests.adoption import views_filters

    assert views_filters.ProductListView.filter_backends == [RestflowFilterBackend]


@inner
def test_filterset_fields_dict_and_ordering(catalog):
    response = APIClient().get(
        "/api/products/", {"price__gte": "10", "price__lte": "20", "ordering": "-price,name"}
    )
    assert names(response) == ["SQL Basics", "Chess Set", "Django Unleashed", "Go Board"]
    response = APIClient().get("/api/products/", {"category": catalog.games.pk})
    assert names(response) == ["Chess Set", "Go Board", "Puzzle Box"]


@inner
def test_view_ordering_is_the_default(catalog):
    assert names(APIClient().get("/api/products/"))[:2] == ["Chess Set", "Django Unleashed"]


@inner
def test_filterset_fields_list(catalog):
    response = APIClient().get(
        "/api/products/flags/", {"in_stock": "false", "brand": catalog.acme.pk}
    )
    assert names(response) == ["Puzzle Box"]


@inner
def test_bad_values_are_400_envelopes(catalog):
    errors = details(APIClient().get("/api/products/", {"price__gte": "abc", "ordering": "nope"}))
    assert set(errors) == {"price__gte", "ordering"}
    assert "price, -price, name, -name" in errors["ordering"][0]


@inner
def test_django_filter_filterset_class(catalog):
    response = APIClient().get("/api/products/django-filter/", {"min_price": "15", "name": "o"})
    assert names(response) == ["Django Unleashed", "Python Cookbook"]
    errors = details(APIClient().get("/api/products/django-filter/", {"min_price": "x"}))
    assert "min_price" in errors


@inner
def test_schema_parameters_from_the_default_backend():
    from tests.adoption import views_filters

    view = views_filters.ProductListView()
    backend = view.filter_backends[0]()
    names = {parameter["name"] for parameter in backend.get_schema_operation_parameters(view)}
    assert {"price", "price__gte", "price__lte", "category", "ordering"} <= names


@inner
def test_unknown_parameters_are_ignored(catalog):
    assert len(names(APIClient().get("/api/products/", {"colour": "red"}))) == 6
