"""Expected envelope for each raiser in ``views.RAISERS``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Expected:
    status: int
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


EXPECTED: dict[str, Expected] = {
    "drf-validation-hook": Expected(
        400,
        "validation_error",
        "Request validation failed.",
        {"non_field_errors": ["Orders are closed."]},
    ),
    "drf-validation-list": Expected(
        400,
        "validation_error",
        "Request validation failed.",
        {"non_field_errors": ["first", "second"]},
    ),
    "drf-not-authenticated": Expected(
        401,
        "not_authenticated",
        "Authentication credentials were not provided.",
        headers={"WWW-Authenticate": 'Basic realm="api"'},
    ),
    "drf-authentication-failed": Expected(
        401,
        "authentication_failed",
        "Incorrect authentication credentials.",
        headers={"WWW-Authenticate": 'Basic realm="api"'},
    ),
    "drf-token-blacklisted": Expected(
        401,
        "token_blacklisted",
        "Token is blacklisted.",
        headers={"WWW-Authenticate": 'Basic realm="api"'},
    ),
    "drf-permission-denied": Expected(
        403, "permission_denied", "You do not have permission to perform this action."
    ),
    "drf-not-found": Expected(404, "not_found", "Not found."),
    "drf-method-not-allowed": Expected(405, "method_not_allowed", 'Method "PATCH" not allowed.'),
    "drf-not-acceptable": Expected(
        406, "not_acceptable", "Could not satisfy the request Accept header."
    ),
    "drf-unsupported-media-type": Expected(
        415, "unsupported_media_type", 'Unsupported media type "text/csv" in request.'
    ),
    "drf-parse-error": Expected(400, "parse_error", "Malformed request."),
    "drf-throttled": Expected(
        429,
        "throttled",
        "Request was throttled. Expected available in 8 seconds.",
        {"retry_after_seconds": 8},
        {"Retry-After": "8"},
    ),
    "drf-throttled-no-wait": Expected(429, "throttled", "Request was throttled."),
    "drf-custom": Expected(418, "teapot", "I refuse to brew coffee."),
    "drf-generic": Expected(500, "internal_error", "A server error occurred."),
    "restflow-conflict": Expected(409, "conflict", "The product is out of stock.", {"product": 7}),
    "restflow-override": Expected(504, "upstream_timeout", "Upstream timed out."),
    "django-404": Expected(404, "not_found", "Resource not found."),
    "django-does-not-exist": Expected(404, "not_found", "Resource not found."),
    "django-permission-denied": Expected(
        403, "permission_denied", "You do not have permission to perform this action."
    ),
    "django-validation": Expected(
        400,
        "validation_error",
        "Request validation failed.",
        {"email": ["Enter a valid email address."]},
    ),
    "django-validation-message": Expected(
        400, "validation_error", "Request validation failed.", {"non_field_errors": ["Bad dates."]}
    ),
    "django-suspicious": Expected(400, "bad_request", "The request was rejected as invalid."),
    "django-bad-request": Expected(400, "bad_request", "The request was rejected as invalid."),
    "django-too-big": Expected(
        413, "request_too_large", "The request body exceeds the size limit."
    ),
    "django-too-many-fields": Expected(
        400, "bad_request", "The request has too many fields or files."
    ),
    "db-operational": Expected(
        503, "service_unavailable", "The service is temporarily unavailable; try again later."
    ),
    "db-interface": Expected(
        503, "service_unavailable", "The service is temporarily unavailable; try again later."
    ),
    "crash": Expected(500, "internal_error", "Internal server error."),
}

# Outside a DRF view no authenticator sends a challenge, so a 401 becomes a
# 403 with the same code, as DRF does for views without a challenge.
OUTSIDE_DRF: dict[str, Expected] = {
    name: Expected(403, case.code, case.message, case.details, {})
    if "WWW-Authenticate" in case.headers
    else case
    for name, case in EXPECTED.items()
}


def assert_envelope(response: Any, expected: Expected, style: str, path: str) -> None:
    """Assert that ``response`` (to ``path``) is the ``style`` envelope of ``expected``."""
    assert response.status_code == expected.status
    body = response.json()
    if style == "restflow":
        assert response["Content-Type"].startswith("application/json")
        assert set(body) == {"error"}
        error = body["error"]
        assert error["code"] == expected.code
        assert error["message"] == expected.message
        assert error["details"] == expected.details
        assert error["request_id"] == response["X-Request-ID"]
    else:
        assert response["Content-Type"] == "application/problem+json"
        assert body["status"] == expected.status
        assert body["code"] == expected.code
        assert body["detail"] == expected.message
        assert body["type"] == "about:blank"
        assert body["instance"] == path
        assert body["request_id"] == response["X-Request-ID"]
        if expected.code == "validation_error":
            assert body["errors"]
            assert "details" not in body
        else:
            assert body["errors"] == []
            assert body.get("details", {}) == expected.details
    for name, value in expected.headers.items():
        assert response[name] == value
