"""End-to-end adoption pairs: OpenAPI parameters and page shapes, and system checks."""

from __future__ import annotations

import pytest

from tests.adoption.end_to_end.support import off, on

# --- OpenAPI ------------------------------------------------------------------


def openapi_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def search_parameters(schema: dict) -> dict[str, dict]:
    operation = schema["paths"]["/api/search/products/"]["get"]
    return {item["name"]: item for item in operation.get("parameters", [])}


def product_page_properties(schema: dict) -> set[str]:
    """Return the top-level properties of the documented product list page."""
    response = schema["paths"]["/api/products/"]["get"]["responses"]["200"]
    page = response["content"]["application/json"]["schema"]
    name = page["$ref"].rsplit("/", 1)[-1]
    return set(schema["components"]["schemas"][name]["properties"])


FILTER_PARAMETERS = {"price__gte", "price__lte", "category", "in_stock", "ordering"}


@on
def test_openapi_on():
    from drf_spectacular.validation import validate_schema

    schema = openapi_schema()
    parameters = search_parameters(schema)
    assert set(parameters) >= FILTER_PARAMETERS
    assert "category!" in parameters
    assert parameters["in_stock"]["schema"]["type"] == "boolean"
    ordering_choices = parameters["ordering"]["schema"]["items"]["enum"]
    assert {"price", "-price", "name", "-name"} <= set(ordering_choices)
    # The COUNT-free page documents no "count".
    assert product_page_properties(schema) == {"next", "previous", "results"}
    create = schema["paths"]["/api/products/"]["post"]
    assert {"jwtAuth": []} in create["security"]
    invalid = create["responses"]["400"]["content"]["application/json"]["schema"]
    assert invalid == {"$ref": "#/components/schemas/ErrorEnvelope"}
    # drf-spectacular's own OpenAPI 3 validator accepts the whole document.
    validate_schema(schema)


@off
def test_openapi_off():
    schema = openapi_schema()
    assert set(search_parameters(schema)) & FILTER_PARAMETERS == set()
    assert product_page_properties(schema) == {"count", "next", "previous", "results"}
    create = schema["paths"]["/api/products/"]["post"]
    assert {"jwtAuth": []} not in create["security"]
    assert "400" not in create["responses"]


# --- system checks ------------------------------------------------------------


def restflow_checks() -> list[str]:
    from django.core.checks.registry import registry

    checks = registry.get_checks(include_deployment_checks=True)
    return [check.__module__ for check in checks if check.__module__.startswith("restflow")]


@on
@pytest.mark.django_db
def test_system_checks_on():
    from django.core.management import call_command

    assert restflow_checks() != []
    # The adopted settings pass restflow's own checks.
    call_command("check", fail_level="WARNING")


@off
def test_system_checks_off():
    assert restflow_checks() == []
