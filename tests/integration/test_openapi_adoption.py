"""Zero-code adoption of the OpenAPI features on a plain DRF API, switched on by settings alone.

DRF copies ``DEFAULT_FILTER_BACKENDS`` and ``DEFAULT_PAGINATION_CLASS`` into
``GenericAPIView`` when ``rest_framework.generics`` is first imported, so the
``inner`` tests run in a new Python process whose settings module names
restflow's classes before anything imports DRF. The outer tests generate the
same views' schema with drf-spectacular's defaults and show what is missing
without those settings. The inner run also serves the schema with
``VALIDATE`` on, and Swagger UI and Redoc from drf-spectacular-sidecar's
local assets.
"""

from __future__ import annotations

import pytest

from tests.support.fresh_process import is_inner, run_inner_tests

INNER = is_inner("RESTFLOW_ADOPTION_OPENAPI")
INNER_TESTS = 7
SETTINGS_MODULE = """
from conf.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "drf_spectacular", "drf_spectacular_sidecar"]  # noqa: F405
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_SCHEMA_CLASS": "restflow.spectacular.RestflowAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["restflow.filters.RestflowFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "restflow.pagination.FastPageNumberPagination",
    "PAGE_SIZE": 10,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "restflow.authentication.jwt_authentication.JWTAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["restflow.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "100/min"},
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "VALIDATE": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would otherwise send the schema URL to its online validator.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}
ROOT_URLCONF = "tests.unit.spectacular.adoption_views"
"""


@pytest.mark.skipif(INNER, reason="this is the outer run that starts the inner one")
def test_adoption_in_fresh_process(tmp_path):
    run_inner_tests(__file__, tmp_path, SETTINGS_MODULE, "RESTFLOW_ADOPTION_OPENAPI", INNER_TESTS)


inner = pytest.mark.skipif(not INNER, reason="runs inside test_adoption_in_fresh_process")
outer = pytest.mark.skipif(INNER, reason="shows DRF's defaults, outside the restflow settings")


def _parameter_names(op):
    return {parameter["name"] for parameter in op.get("parameters", [])}


@pytest.fixture
def served_schema(client):
    from drf_spectacular.drainage import GENERATOR_STATS

    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:2000]
    # VALIDATE is on, so an invalid schema would have failed the request.
    assert dict(GENERATOR_STATS._warn_cache) == {}
    assert dict(GENERATOR_STATS._error_cache) == {}
    return response.json()


@inner
@pytest.mark.django_db
def test_filters_from_django_filter_attributes(served_schema):
    products = served_schema["paths"]["/api/products/"]["get"]
    names = _parameter_names(products)
    assert {"in_stock", "category", "ordering", "page"} <= names
    ordering = next(p for p in products["parameters"] if p["name"] == "ordering")
    assert set(ordering["schema"]["items"]["enum"]) >= {"price", "-price", "name", "-name"}
    categories = served_schema["paths"]["/api/categories/"]["get"]
    assert {"name", "name__icontains"} <= _parameter_names(categories)


@inner
@pytest.mark.django_db
def test_count_free_pages(served_schema):
    body = served_schema["paths"]["/api/products/"]["get"]["responses"]["200"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    page = served_schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(page["properties"]) == {"next", "previous", "results"}


@inner
@pytest.mark.django_db
def test_envelope_and_statuses(served_schema):
    create = served_schema["paths"]["/api/products/"]["post"]["responses"]
    assert {"400", "401", "403", "429", "500", "503"} <= set(create)
    assert create["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
    detail = served_schema["paths"]["/api/categories/{id}/"]["get"]["responses"]
    assert "404" in detail
    health = served_schema["paths"]["/api/health/"]["get"]["responses"]
    assert "500" in health


@inner
@pytest.mark.django_db
def test_jwt_security(served_schema):
    create = served_schema["paths"]["/api/products/"]["post"]
    assert {"jwtAuth": []} in create["security"]
    assert served_schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"


@inner
@pytest.mark.django_db
def test_schema_as_yaml(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.0.3")


@inner
@pytest.mark.django_db
def test_swagger_ui_uses_local_assets(client):
    from django.contrib.staticfiles import finders

    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


@inner
@pytest.mark.django_db
def test_redoc_uses_local_assets(client):
    from django.contrib.staticfiles import finders

    response = client.get("/api/redoc/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    assert "cdn.jsdelivr.net" not in html
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")


@outer
def test_without_restflow_settings():
    from django.test import override_settings
    from drf_spectacular.generators import SchemaGenerator

    settings = {
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "EXCEPTION_HANDLER": "rest_framework.views.exception_handler",
    }
    with override_settings(REST_FRAMEWORK=settings):
        # extend_schema subclasses DEFAULT_SCHEMA_CLASS when it decorates, so importing
        # drf_spectacular.views under DRF's default pins SpectacularAPIView to DRF's
        # AutoSchema in this process, which breaks later schema tests (test_openapi_guide.py).
        from tests.unit.spectacular import adoption_views

        patterns = adoption_views.urlpatterns[:3]
        schema = SchemaGenerator(patterns=patterns).get_schema(public=True)
    products = schema["paths"]["/api/products/"]["get"]
    assert not {"in_stock", "ordering", "page"} & _parameter_names(products)
    assert set(products["responses"]) == {"200"}
    body = products["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert "jwtAuth" not in schema["components"].get("securitySchemes", {})
