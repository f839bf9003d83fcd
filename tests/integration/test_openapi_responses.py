"""Real responses match the schema RestflowAutoSchema generates for them.

Each test sends a request to a restflow view and validates the body
against the documented response schema with jsonschema, after turning
OpenAPI 3.0's ``nullable`` into JSON Schema's ``null`` type.
"""

from __future__ import annotations

import json

import jsonschema
import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.test import APIClient

from tests.filterapp.catalog_data import make_catalog
from tests.unit.spectacular import openapi_views
from tests.unit.spectacular.support import HANDLER, SCHEMA_CLASS, build_schema

pytestmark = pytest.mark.django_db

URLCONF = "tests.unit.spectacular.openapi_views"
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": SCHEMA_CLASS,
    "EXCEPTION_HANDLER": HANDLER,
    "DEFAULT_THROTTLE_RATES": {"user": "1000/min"},
}


def _json_schema(node):
    # OpenAPI 3.0 "nullable: true" is "type: [<type>, 'null']" in JSON Schema.
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    if "$ref" in converted:
        converted["$ref"] = converted["$ref"].replace("#/components/schemas/", "#/definitions/")
    return converted


def body_schema(schema, path, method, status, media_type="application/json"):
    response = schema["paths"][path][method]["responses"][status]
    root = _json_schema(response["content"][media_type]["schema"])
    root["definitions"] = _json_schema(schema["components"]["schemas"])
    return root


def assert_matches(schema, path, method, status, body, media_type="application/json"):
    jsonschema.validate(body, body_schema(schema, path, method, status, media_type))


@pytest.fixture
def api():
    with override_settings(ROOT_URLCONF=URLCONF, REST_FRAMEWORK=REST_FRAMEWORK):
        yield APIClient()


@pytest.fixture
def schema():
    return build_schema(openapi_views.urlpatterns, DEFAULT_THROTTLE_RATES={"user": "1000/min"})


@pytest.fixture
def catalog():
    return make_catalog()


@pytest.fixture
def user():
    return get_user_model().objects.create_user("reader", password="secret-pass-1")


def test_page_number_list(api, schema, catalog, user):
    api.force_authenticate(user)
    response = api.get("/api/products/")
    assert response.status_code == 200
    assert "count" in response.json()
    assert_matches(schema, "/api/products/", "get", "200", response.json())


def test_count_free_list(api, schema, catalog):
    response = api.get("/api/split/", {"name__icontains": "o"})
    assert response.status_code == 200
    assert set(response.json()) == {"next", "previous", "results"}
    assert_matches(schema, "/api/split/", "get", "200", response.json())


def test_limit_offset_and_cursor(api, schema, catalog):
    response = api.get("/api/categories/", {"limit": 1})
    assert response.status_code == 200
    assert_matches(schema, "/api/categories/", "get", "200", response.json())
    response = api.get("/api/cursor/")
    assert response.status_code == 200
    assert_matches(schema, "/api/cursor/", "get", "200", response.json())


def test_filter_error_matches_envelope(api, schema, catalog):
    response = api.get("/api/split/", {"status": "broken"})
    assert response.status_code == 400
    assert_matches(schema, "/api/split/", "get", "400", response.json())


def test_unauthenticated_matches_envelope(api, schema):
    response = api.get("/api/products/")
    assert response.status_code == 401
    assert_matches(schema, "/api/products/", "get", "401", response.json())
    assert "WWW-Authenticate" in response.headers


def test_not_found_matches_envelope(api, schema, user):
    api.force_authenticate(user)
    response = api.get("/api/products/999999/")
    assert response.status_code == 404
    assert_matches(schema, "/api/products/{id}/", "get", "404", response.json())


def test_create_validation_matches_envelope(api, schema, user):
    api.force_authenticate(user)
    response = api.post("/api/products/", {"name": ""}, format="json")
    assert response.status_code == 400
    assert_matches(schema, "/api/products/", "post", "400", response.json())


@override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "problem"}})
def test_problem_details_match(api, user):
    schema = build_schema(openapi_views.urlpatterns, DEFAULT_THROTTLE_RATES={"user": "1000/min"})
    api.force_authenticate(user)
    response = api.post("/api/products/", {"name": ""}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = json.loads(response.content)
    assert_matches(schema, "/api/products/", "post", "400", body, "application/problem+json")


def _streamed(response):
    return response.getvalue().decode()


def test_ndjson_lines_match_item_schema(api, schema, catalog):
    response = api.get("/api/stream/ndjson/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in _streamed(response).splitlines()]
    assert len(lines) == len(catalog.products)
    for line in lines:
        assert_matches(schema, "/api/stream/ndjson/", "get", "200", line, "application/x-ndjson")


def test_json_array_stream_matches(api, schema, catalog):
    response = api.get("/api/stream/array/")
    assert response.status_code == 200
    body = json.loads(_streamed(response))
    assert len(body) == len(catalog.products)
    assert_matches(schema, "/api/stream/array/", "get", "200", body)


def test_event_stream_media_type(api, schema, catalog):
    response = api.get("/api/stream/events/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    documented = schema["paths"]["/api/stream/events/"]["get"]["responses"]["200"]["content"]
    assert list(documented) == ["text/event-stream"]
    assert "data: " in _streamed(response)


def test_unsupported_media_type_matches_envelope(api, schema, user):
    api.force_authenticate(user)
    response = api.post("/api/products/", "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert_matches(schema, "/api/products/", "post", "415", response.json())
