"""End-to-end adoption pairs: the error envelope on every error path, and the request id."""

from __future__ import annotations

import pytest

from tests.adoption.end_to_end.support import drf_detail, envelope, off, on

# --- error envelope: every error path --------------------------------------


@on
def test_unknown_url_on(client):
    response = client.get("/api/no-such-page/")
    assert response.status_code == 404
    assert envelope(response)["code"] == "not_found"


@off
def test_unknown_url_off(client):
    response = client.get("/api/no-such-page/")
    assert response.status_code == 404
    # Django's own HTML page for an unmatched URL.
    assert response["Content-Type"].startswith("text/html")


@on
@pytest.mark.django_db
def test_missing_object_on(client):
    response = client.get("/api/products/999999/")
    assert response.status_code == 404
    assert envelope(response)["code"] == "not_found"


@off
@pytest.mark.django_db
def test_missing_object_off(client):
    response = client.get("/api/products/999999/")
    assert response.status_code == 404
    assert drf_detail(response) == "No Product matches the given query."


@on
def test_validation_error_on(client, user):
    client.force_authenticate(user)
    response = client.post("/api/products/", {"price": "abc"})
    assert response.status_code == 400
    error = envelope(response)
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"name", "slug", "price", "created_at", "category", "brand"}
    assert error["details"]["price"] == ["A valid number is required."]


@off
def test_validation_error_off(client, user):
    client.force_authenticate(user)
    response = client.post("/api/products/", {"price": "abc"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"name", "slug", "price", "created_at", "category", "brand"}
    assert body["price"] == ["A valid number is required."]


@on
@pytest.mark.django_db
def test_not_authenticated_on(client):
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert envelope(response)["code"] == "not_authenticated"


@off
@pytest.mark.django_db
def test_not_authenticated_off(client):
    response = client.get("/api/me/")
    # SessionAuthentication comes first and sends no challenge, so DRF returns 403.
    assert response.status_code == 403
    assert drf_detail(response) == "Authentication credentials were not provided."


@on
def test_permission_denied_on(client, user):
    client.force_authenticate(user)
    response = client.get("/api/admin/brands/")
    assert response.status_code == 403
    assert envelope(response)["code"] == "permission_denied"


@off
def test_permission_denied_off(client, user):
    client.force_authenticate(user)
    response = client.get("/api/admin/brands/")
    assert response.status_code == 403
    assert drf_detail(response) == "You do not have permission to perform this action."


@on
@pytest.mark.django_db
def test_method_not_allowed_on(client):
    response = client.delete("/api/categories/")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert envelope(response)["code"] == "method_not_allowed"


@off
@pytest.mark.django_db
def test_method_not_allowed_off(client):
    response = client.delete("/api/categories/")
    assert response.status_code == 405
    assert drf_detail(response) == 'Method "DELETE" not allowed.'


@on
@pytest.mark.django_db
def test_server_error_on(crash_client):
    response = crash_client.get("/api/price-summary/")
    assert response.status_code == 500
    error = envelope(response)
    assert error["code"] == "internal_error"
    assert "division" not in response.content.decode()


@off
@pytest.mark.django_db
def test_server_error_off(crash_client):
    response = crash_client.get("/api/price-summary/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@on
@pytest.mark.django_db
def test_request_id_on(client):
    response = client.get("/api/categories/", HTTP_X_REQUEST_ID="adoption-request-1")
    assert response.status_code == 200
    assert response.get("X-Request-ID") == "adoption-request-1"
    assert len(client.get("/api/categories/").get("X-Request-ID", "")) == 32


@off
@pytest.mark.django_db
def test_request_id_off(client):
    response = client.get("/api/categories/", HTTP_X_REQUEST_ID="adoption-request-1")
    assert response.status_code == 200
    assert response.get("X-Request-ID") is None


# A session login on an unsafe method without the CSRF token: DRF's
# SessionAuthentication rejects it, on restflow's side of the pair too.
@on
def test_csrf_failure_on(user):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.login(username="ada", password="ada-pass-123")
    response = client.post("/api/products/", {"name": "Stool"})
    assert response.status_code == 403
    error = envelope(response)
    assert error["code"] == "permission_denied"
    assert error["message"].startswith("CSRF Failed")


@off
def test_csrf_failure_off(user):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.login(username="ada", password="ada-pass-123")
    response = client.post("/api/products/", {"name": "Stool"})
    assert response.status_code == 403
    assert drf_detail(response).startswith("CSRF Failed")


@on
def test_parse_error_on(client, user):
    client.force_authenticate(user)
    response = client.generic(
        "POST", "/api/products/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert envelope(response)["code"] == "parse_error"


@off
def test_parse_error_off(client, user):
    client.force_authenticate(user)
    response = client.generic(
        "POST", "/api/products/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert drf_detail(response).startswith("JSON parse error")
