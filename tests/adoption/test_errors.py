"""Zero-code adoption: plain DRF views answer every error with the envelope set in settings.

The views in ``views_errors`` import nothing from restflow. The test
settings name ``restflow.exceptions.exception_handler`` as DRF's
``EXCEPTION_HANDLER`` and put ``RestflowMiddleware`` first in ``MIDDLEWARE``;
switching ``EXCEPTIONS.ENVELOPE`` changes every error response at once.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

pytestmark = [pytest.mark.urls("tests.adoption.urls_errors"), pytest.mark.django_db]

REQUIRED = {"name", "slug", "created_at", "category", "brand"}


@pytest.fixture(params=["restflow", "problem"])
def style(request):
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": request.param}}):
        yield request.param


def code_of(response, style):
    body = response.json()
    return body["error"]["code"] if style == "restflow" else body["code"]


def content_type(style):
    return "application/json" if style == "restflow" else "application/problem+json"


def test_validation_names_every_field(style):
    response = APIClient().post("/api/products/", {"price": "abc"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == content_type(style)
    assert code_of(response, style) == "validation_error"
    body = response.json()
    if style == "restflow":
        fields = set(body["error"]["details"])
    else:
        fields = {item["pointer"].removeprefix("#/") for item in body["errors"]}
    assert fields == REQUIRED | {"price"}


def test_missing_object(style):
    response = APIClient().get("/api/products/999999/")
    assert response.status_code == 404
    assert code_of(response, style) == "not_found"


def test_method_not_allowed_keeps_allow(style):
    response = APIClient().delete("/api/list/")
    assert response.status_code == 405
    assert code_of(response, style) == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_malformed_json(style):
    response = APIClient().generic(
        "POST", "/api/products/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert code_of(response, style) == "parse_error"


def test_unsupported_media_type(style):
    response = APIClient().generic("POST", "/api/products/", "a,b", content_type="text/csv")
    assert response.status_code == 415
    assert code_of(response, style) == "unsupported_media_type"


def test_not_authenticated_challenge(style):
    response = APIClient().get("/api/private/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="api"'
    assert code_of(response, style) == "not_authenticated"


def test_wrong_credentials(style):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic bm9ib2R5Om5vcGU=")
    response = client.get("/api/private/")
    assert response.status_code == 401
    assert code_of(response, style) == "authentication_failed"


def test_unknown_url(style):
    response = Client().get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == content_type(style)
    assert code_of(response, style) == "not_found"


def test_plain_view_crash(style):
    response = Client(raise_request_exception=False).get("/api/plain-crash/")
    assert response.status_code == 500
    assert code_of(response, style) == "internal_error"
    assert "adoption crash" not in response.content.decode()


def test_success_untouched(style):
    response = Client().get("/api/plain-ok/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert response["X-Request-ID"]
