"""Run the Python samples of docs/guide/openapi.md and check the schema they produce."""

from __future__ import annotations

import importlib
import re
import sys
import types
from pathlib import Path

import drf_spectacular.views
import pytest
from django.test import override_settings
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from restflow.registry import ENVELOPES
from tests.filterapp.catalog_data import make_catalog

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "openapi.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)

pytestmark = pytest.mark.django_db


def samples():
    return BLOCK.findall(GUIDE.read_text())


@pytest.fixture
def guide():
    """Execute every sample in order, in one namespace, under the guide's REST_FRAMEWORK."""
    blocks = samples()
    # drf-spectacular's own views bind their schema class when their module is
    # imported; an earlier test that imported it under DRF's default schema
    # class would leave them unusable by RestflowAutoSchema, so bind them again.
    with override_settings(
        REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    ):
        importlib.reload(drf_spectacular.views)
    namespace = {"__name__": "openapi_guide"}
    exec(compile(blocks[0], f"{GUIDE}:settings", "exec"), namespace)
    with override_settings(REST_FRAMEWORK=namespace["REST_FRAMEWORK"]):
        for index, block in enumerate(blocks[1:], start=1):
            exec(compile(block, f"{GUIDE}:sample-{index}", "exec"), namespace)
        yield namespace
    ENVELOPES.unregister("shop")


def generate(namespace, **rest_framework):
    settings = {**namespace["REST_FRAMEWORK"], **rest_framework}
    with override_settings(REST_FRAMEWORK=settings):
        schema = SchemaGenerator(patterns=namespace["urlpatterns"]).get_schema(public=True)
        validate_schema(schema)
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}
    return schema


def test_guide_has_samples():
    assert len(samples()) >= 8


def test_guide_schema(guide):
    schema = generate(guide)
    paths = schema["paths"]
    create = paths["/api/products/"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ProductWrite"}
    recent = paths["/api/products/recent/"]["get"]["responses"]["200"]
    assert recent["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FastPageNumberPaginatedProductCardList"
    }
    listing = {p["name"] for p in paths["/api/products/"]["get"]["parameters"]}
    assert {"condition", "name__icontains!", "order_by", "page"} <= listing
    assert list(paths["/api/export/"]["get"]["responses"]["200"]["content"]) == [
        "application/x-ndjson"
    ]
    assert list(paths["/api/feed/"]["get"]["responses"]["200"]["content"]) == ["text/event-stream"]
    assert "503" in create["responses"]


def test_guide_schema_class_drops_503(guide):
    schema = generate(guide, DEFAULT_SCHEMA_CLASS=guide["CatalogAutoSchema"])
    responses = schema["paths"]["/api/products/"]["post"]["responses"]
    assert "503" not in responses
    assert "500" in responses


def _get(client, guide, url, **params):
    # The samples' urlpatterns live in a namespace, not a module, so they are
    # published as a throwaway module for ROOT_URLCONF.
    module = types.ModuleType("openapi_guide_urls")
    module.urlpatterns = guide["urlpatterns"]
    sys.modules[module.__name__] = module
    try:
        with override_settings(ROOT_URLCONF=module.__name__):
            return client.get(url, params)
    finally:
        del sys.modules[module.__name__]


def test_guide_envelope(guide):
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "shop"}}):
        schema = generate(guide)
        response = _get(APIClient(), guide, "/api/products/999/")
    content = schema["paths"]["/api/products/{id}/"]["get"]["responses"]["404"]["content"]
    assert content == {
        "application/vnd.shop.error+json": {"schema": {"$ref": "#/components/schemas/ShopEnvelope"}}
    }
    assert response.status_code == 404
    assert response["Content-Type"] == "application/vnd.shop.error+json"
    body = response.json()
    assert set(body) == {"failure", "text"}
    assert body["failure"] == "not_found"


def test_guide_recent_action_pages(guide):
    make_catalog()
    response = _get(APIClient(), guide, "/api/products/recent/")
    assert response.status_code == 200
    assert set(response.json()) == {"next", "previous", "results"}
    assert set(response.json()["results"][0]) == {"id", "name"}
