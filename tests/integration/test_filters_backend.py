"""RestflowFilterBackend on DRF generic views: results, 400 envelopes, django-filter views."""

from __future__ import annotations

import pytest
from catalog.models import Product
from django.test import override_settings
from rest_framework.test import APIClient, APIRequestFactory

from restflow.filters import RestflowFilterBackend
from tests.filterapp import views as filters_views
from tests.filterapp.catalog_data import make_catalog

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.filterapp.views")]


@pytest.fixture
def catalog():
    return make_catalog()


@pytest.fixture
def client():
    return APIClient()


def get_names(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    return [row["name"] for row in rows]


def error_details(response):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    return body["error"]["details"]


def test_range_and_ordering(client, catalog):
    names = get_names(
        client, "/products/", {"price__gte": "10", "price__lt": "20", "order_by": "-price,name"}
    )
    assert names == ["SQL Basics", "Chess Set", "Django Unleashed", "Go Board"]


def test_negated_category(client, catalog):
    names = get_names(client, "/products/", {"category!": catalog.books.pk, "order_by": "name"})
    assert names == ["Chess Set", "Go Board", "Puzzle Box"]


def test_tags_method(client, catalog):
    names = get_names(client, "/products/", {"tags": "board,sql", "order_by": "name"})
    assert names == ["Chess Set", "Go Board", "SQL Basics"]


@pytest.mark.parametrize(
    "params,parameter,fragment",
    [
        ({"price__gte": "abc"}, "price__gte", "decimal number"),
        ({"created_at__gte": "yesterday"}, "created_at__gte", "YYYY-MM-DD"),
        ({"order_by": "secret_field"}, "order_by", "price, -price, name, -name"),
        ({"in_stock": "maybe"}, "in_stock", "true or false"),
        ({"tags": ""}, "tags", "at least one value"),
        ({"id": ""}, "id", "at least one value"),
        ({"category": "abc"}, "category", "whole number"),
        ({"name": "x" * 100_000}, "name", "maximum is 1024"),
        ({"name": "a\x00b"}, "name", "NUL"),
        ({"colour": "red"}, "colour", "Unknown parameter"),
    ],
)
def test_bad_input_is_a_400_envelope(client, catalog, params, parameter, fragment):
    details = error_details(client.get("/products/", params))
    assert parameter in details
    assert fragment in details[parameter][0]


def test_thousand_repeated_parameters(client, catalog):
    query = "&".join(["id=1"] * 1000)
    details = error_details(client.get(f"/products/?{query}"))
    assert "maximum is 100" in details["id"][0]
    query = "&".join(["price=1"] * 1000)
    details = error_details(client.get(f"/products/?{query}"))
    assert "1000 were sent" in details["price"][0]


def test_too_many_distinct_parameters_is_django_400(client, catalog):
    # Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) applies to query strings too.
    response = client.get("/products/?" + "&".join(f"p{index}=1" for index in range(1001)))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_pagination_parameters_are_known(client, catalog):
    response = client.get("/paged/", {"page": "2", "size": "2", "order_by": "price"})
    assert response.status_code == 200, response.content
    assert [row["name"] for row in response.json()["results"]] == ["Django Unleashed", "Chess Set"]
    response = client.get("/paged/", {"format": "json"})
    assert response.status_code == 200


def test_convention_view_filters_and_orders(client, catalog):
    names = get_names(
        client, "/convention/", {"price__gte": "10", "price__lte": "20", "ordering": "-price,name"}
    )
    assert names == ["SQL Basics", "Chess Set", "Django Unleashed", "Go Board"]
    names = get_names(client, "/convention/", {"category": catalog.games.pk})
    assert names == ["Chess Set", "Go Board", "Puzzle Box"]


def test_convention_view_rejects_bad_values(client, catalog):
    details = error_details(client.get("/convention/", {"price__gte": "x", "ordering": "stock"}))
    assert set(details) == {"price__gte", "ordering"}


@override_settings(
    REST_FRAMEWORK={
        "ORDERING_PARAM": "sort",
        "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    }
)
def test_convention_ordering_param_read_at_request_time(client, catalog):
    assert get_names(client, "/convention/", {"sort": "-price"})[0] == "Python Cookbook"


def test_convention_all_fields(catalog):
    from rest_framework.request import Request

    class View:
        filterset_fields = "__all__"

    request = Request(APIRequestFactory().get("/", {"in_stock": "false", "brand": catalog.acme.pk}))
    result = RestflowFilterBackend().filter_queryset(request, Product.objects.all(), View())
    assert [product.name for product in result] == ["Puzzle Box"]


def test_django_filter_filterset(client, catalog):
    names = get_names(client, "/django-filter/", {"min_price": "15", "in_stock": "true"})
    assert sorted(names) == ["Chess Set", "Python Cookbook", "SQL Basics"]
    details = error_details(client.get("/django-filter/", {"min_price": "abc"}))
    assert "min_price" in details


def test_schema_parameters():
    backend = RestflowFilterBackend()
    parameters = backend.get_schema_operation_parameters(filters_views.ProductList())
    names = [parameter["name"] for parameter in parameters]
    assert "price__gte!" in names
    assert names[-1] == "order_by"
    convention = backend.get_schema_operation_parameters(filters_views.ConventionProductList())
    assert {"price", "price__gte", "price__lte", "category", "ordering"} <= {
        p["name"] for p in convention
    }
    django_filter = backend.get_schema_operation_parameters(filters_views.DjangoFilterProductList())
    assert {"min_price", "category", "in_stock"} <= {p["name"] for p in django_filter}
    assert backend.get_schema_fields(filters_views.ProductList()) == []


@pytest.mark.filterwarnings("ignore:You have a duplicated operationId")
def test_drf_schema_generator_lists_filters():
    from rest_framework.schemas.openapi import SchemaGenerator

    schema = SchemaGenerator(patterns=filters_views.urlpatterns).get_schema(public=True)
    names = [p["name"] for p in schema["paths"]["/products/"]["get"]["parameters"]]
    assert names[:4] == ["in_stock", "in_stock!", "id", "id!"]
    assert "order_by" in names
    convention = schema["paths"]["/convention/"]["get"]["parameters"]
    assert "ordering" in {p["name"] for p in convention}


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    }
)
def test_drf_spectacular_lists_filters():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(patterns=filters_views.urlpatterns).get_schema(public=True)
    parameters = {p["name"]: p for p in schema["paths"]["/products/"]["get"]["parameters"]}
    assert (
        parameters["price__gte!"]["description"]
        == "exclude where price is greater than or equal to"
    )
    assert parameters["order_by"]["schema"]["items"]["enum"] == ["price", "-price", "name", "-name"]


def test_no_filterset_leaves_queryset_alone():
    class Plain:
        pass

    queryset = Product.objects.all()
    request = APIRequestFactory().get("/")
    assert RestflowFilterBackend().filter_queryset(request, queryset, Plain()) is queryset


def test_view_get_filterset_hooks(catalog):
    from rest_framework.request import Request

    calls = []

    class View:
        def get_filterset_class(self):
            return filters_views.ProductFilterSet

        def get_filterset(self, filterset_class):
            calls.append(filterset_class)
            return filterset_class(data={"price__lte": "10"})

    request = Request(APIRequestFactory().get("/"))
    result = RestflowFilterBackend().filter_queryset(request, Product.objects.all(), View())
    assert [product.name for product in result] == ["Puzzle Box"]
    assert calls == [filters_views.ProductFilterSet]


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_backend_afilter_queryset_restflow_and_django_filter():
    from rest_framework.request import Request

    request = Request(APIRequestFactory().get("/", {"price__lte": "10", "order_by": "name"}))
    view = filters_views.ProductList()
    queryset = await RestflowFilterBackend().afilter_queryset(request, Product.objects.all(), view)
    assert queryset.query.order_by == ("name", "pk")
    request = Request(APIRequestFactory().get("/", {"min_price": "10"}))
    view = filters_views.DjangoFilterProductList()
    queryset = await RestflowFilterBackend().afilter_queryset(request, Product.objects.all(), view)
    assert "price" in str(queryset.query)


def test_backend_sync_twin_of_async():
    from rest_framework.request import Request

    request = Request(APIRequestFactory().get("/", {"price__lte": "10", "order_by": "name"}))
    queryset = RestflowFilterBackend().filter_queryset(
        request, Product.objects.all(), filters_views.ProductList()
    )
    assert queryset.query.order_by == ("name", "pk")
