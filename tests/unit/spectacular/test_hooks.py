"""add_filterset_parameters: the postprocessing hook for drf-spectacular's own AutoSchema."""

from __future__ import annotations

from django.test import override_settings
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.validation import validate_schema

from restflow.spectacular import add_filterset_parameters
from tests.unit.spectacular import openapi_views

SPECTACULAR_AUTOSCHEMA = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
}
HOOK = "restflow.spectacular.add_filterset_parameters"
PATTERNS = [path("api/plain/", openapi_views.FilteredPlainView.as_view())]


def names(schema):
    return [p["name"] for p in schema["paths"]["/api/plain/"]["get"].get("parameters", [])]


@override_settings(REST_FRAMEWORK=SPECTACULAR_AUTOSCHEMA)
def test_hook_adds_filters_to_plain_view():
    generator = SchemaGenerator(patterns=PATTERNS)
    schema = generator.get_schema(public=True)
    assert "name" not in names(schema)
    result = add_filterset_parameters(schema, generator, None, True)
    assert result is schema
    assert {"name", "name!", "status", "order_by"} <= set(names(schema))
    validate_schema(schema)


@override_settings(REST_FRAMEWORK=SPECTACULAR_AUTOSCHEMA)
def test_hook_keeps_existing_parameters():
    generator = SchemaGenerator(patterns=PATTERNS)
    schema = generator.get_schema(public=True)
    operation = schema["paths"]["/api/plain/"]["get"]
    operation["parameters"] = [{"name": "name", "in": "query", "schema": {"type": "integer"}}]
    add_filterset_parameters(schema, generator)
    assert names(schema).count("name") == 1
    assert operation["parameters"][0]["schema"] == {"type": "integer"}


# drf-spectacular reads SPECTACULAR_SETTINGS once, so these tests patch its
# settings object instead of using override_settings.


@override_settings(REST_FRAMEWORK=SPECTACULAR_AUTOSCHEMA)
def test_hook_runs_from_settings():
    with patched_settings({"POSTPROCESSING_HOOKS": [HOOK]}):
        schema = SchemaGenerator(patterns=PATTERNS).get_schema(public=True)
    assert "order_by" in names(schema)


@override_settings(REST_FRAMEWORK=SPECTACULAR_AUTOSCHEMA)
def test_hook_finds_prefixed_paths():
    patches = {
        "SCHEMA_PATH_PREFIX_INSERT": "/v1",
        "POSTPROCESSING_HOOKS": [HOOK],
    }
    with patched_settings(patches):
        schema = SchemaGenerator(patterns=PATTERNS).get_schema(public=True)
    parameters = schema["paths"]["/v1/api/plain/"]["get"]["parameters"]
    assert "order_by" in {p["name"] for p in parameters}
