"""RestflowAutoSchema on restflow viewsets and generic views: serializers, pages, errors."""

from __future__ import annotations

import pytest

from tests.unit.spectacular import openapi_views
from tests.unit.spectacular.support import build_schema, operation, parameter_names, response_ref

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return build_schema(openapi_views.urlpatterns)


def component(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_create_uses_request_and_response_configs(schema):
    create = operation(schema, "/api/products/", "post")
    body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/ProductCreate"
    assert response_ref(create, "201") == "#/components/schemas/Product"


def test_custom_action_uses_its_config(schema):
    reprice = operation(schema, "/api/products/{id}/reprice/", "post")
    body = reprice["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/PriceChange"
    assert response_ref(reprice, "200") == "#/components/schemas/ProductSummary"


def test_list_is_page_number_paginated(schema):
    listing = operation(schema, "/api/products/")
    ref = response_ref(listing, "200")
    assert ref == "#/components/schemas/PaginatedProductList"
    page = component(schema, ref)
    assert set(page["properties"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Product"}
    assert "page" in parameter_names(listing)


def test_action_config_paginator_has_no_count(schema):
    recent = operation(schema, "/api/products/recent/")
    ref = response_ref(recent, "200")
    assert ref == "#/components/schemas/FastPageNumberPaginatedProductSummaryList"
    page = component(schema, ref)
    assert set(page["properties"]) == {"next", "previous", "results"}
    assert "count" not in page["required"]


def test_generic_view_uses_response_serializer(schema):
    ref = response_ref(operation(schema, "/api/split/"), "200")
    page = component(schema, ref)
    assert page["properties"]["results"]["items"] == {"$ref": "#/components/schemas/ProductSummary"}
    assert "count" not in page["properties"]


def test_limit_offset_and_cursor_shapes(schema):
    limit = component(schema, response_ref(operation(schema, "/api/categories/"), "200"))
    assert set(limit["properties"]) == {"count", "next", "previous", "results"}
    assert parameter_names(operation(schema, "/api/categories/")) == ["limit", "offset"]
    cursor = component(schema, response_ref(operation(schema, "/api/cursor/"), "200"))
    assert set(cursor["properties"]) == {"next", "previous", "results"}
    assert parameter_names(operation(schema, "/api/cursor/")) == ["cursor"]


def test_detail_routes_are_not_paginated(schema):
    retrieve = operation(schema, "/api/products/{id}/")
    assert response_ref(retrieve, "200") == "#/components/schemas/Product"
    assert "page" not in parameter_names(retrieve)
    assert "name" not in parameter_names(retrieve)


def test_filter_parameters_types_and_variants(schema):
    parameters = {p["name"]: p for p in operation(schema, "/api/products/")["parameters"]}
    assert {"name", "name!", "name__icontains", "name__icontains!", "in_stock"} <= set(parameters)
    assert parameters["in_stock"]["schema"] == {"type": "boolean"}
    assert parameters["status"]["schema"] == {"type": "string", "enum": ["new", "used"]}
    assert parameters["name__icontains!"]["description"] == (
        "exclude where name contains (case-insensitive)"
    )
    order_by = parameters["order_by"]
    assert order_by["schema"]["items"]["enum"] == ["price", "-price", "name", "-name"]
    assert order_by["style"] == "form"
    assert order_by["explode"] is False


def test_plain_api_view_documents_its_filterset(schema):
    names = parameter_names(operation(schema, "/api/plain/"))
    assert {"name", "name!", "status", "order_by"} <= set(names)


def test_error_statuses_follow_the_view(schema):
    def statuses(path, method="get"):
        return sorted(code for code in operation(schema, path, method)["responses"] if code >= "4")

    assert statuses("/api/products/") == ["400", "401", "403", "404", "429", "500", "503"]
    assert statuses("/api/products/", "post") == [
        "400",
        "401",
        "403",
        "415",
        "429",
        "500",
        "503",
    ]
    assert statuses("/api/products/{id}/") == ["401", "403", "404", "429", "500", "503"]
    assert statuses("/api/detail/{id}/") == ["401", "403", "404", "500", "503"]
    assert statuses("/api/categories/") == ["500", "503"]
    assert statuses("/api/split/") == ["400", "404", "500", "503"]


def test_error_responses_use_the_envelope(schema):
    responses = operation(schema, "/api/products/")["responses"]
    media = responses["400"]["content"]["application/json"]
    assert media["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert media["example"]["error"]["code"] == "validation_error"
    assert "Retry-After" in responses["429"]["headers"]
    assert "WWW-Authenticate" in responses["401"]["headers"]
    envelope = schema["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["required"] == ["error"]
    assert envelope["properties"]["error"]["required"] == ["code", "message", "details"]


def test_jwt_security_scheme(schema):
    assert operation(schema, "/api/products/")["security"] == [{"jwtAuth": []}]
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert operation(schema, "/api/split/")["security"] == [{}]


def test_streams_use_their_media_types(schema):
    ndjson = operation(schema, "/api/stream/ndjson/")["responses"]["200"]["content"]
    assert list(ndjson) == ["application/x-ndjson"]
    assert ndjson["application/x-ndjson"]["schema"]["allOf"] == [
        {"$ref": "#/components/schemas/ProductSummary"}
    ]
    events = operation(schema, "/api/stream/events/")["responses"]["200"]
    assert list(events["content"]) == ["text/event-stream"]
    assert events["description"] == "Price changes."
    array = operation(schema, "/api/stream/array/")["responses"]["200"]["content"]
    assert array["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ProductSummary"},
    }


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/{}/", "get"),
        ("/api/{}/", "post"),
        ("/api/{}/{{id}}/", "get"),
        ("/api/{}/{{id}}/reprice/", "post"),
        ("/api/{}/recent/", "get"),
    ],
)
def test_sync_viewset_matches_async(schema, path, method):
    async_op = operation(schema, path.format("products"), method)
    sync_op = operation(schema, path.format("sync-products"), method)
    assert sync_op["responses"] == async_op["responses"]
    assert sync_op.get("requestBody") == async_op.get("requestBody")
    assert parameter_names(sync_op) == parameter_names(async_op)
    assert sync_op["security"] == async_op["security"]
