"""exception_handler on DRF views: details, headers, negotiation, internals, logging, rollback."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client, override_settings
from rest_framework import exceptions as drf_exceptions
from rest_framework.exceptions import ErrorDetail

from restflow.exceptions import exception_handler

pytestmark = pytest.mark.urls("tests.unit.exceptions.urls")

HANDLER = "restflow.exceptions.exception_handler"


def rest_framework(**values):
    return override_settings(
        REST_FRAMEWORK={
            "EXCEPTION_HANDLER": HANDLER,
            "TEST_REQUEST_DEFAULT_FORMAT": "json",
            **values,
        }
    )


def error_of(response):
    return response.json()["error"]


# --- validation details ---------------------------------------------------------


def test_many_errors_as_list_of_dicts():
    with rest_framework(LIST_SERIALIZER_ERRORS_AS_DICT=False), pytest.warns(Warning):
        response = Client().get("/api/drf/drf-validation/")
    details = error_of(response)["details"]
    assert details["items"] == [
        {},
        {
            "name": ["This field is required."],
            "quantity": ["Ensure this value is greater than or equal to 1."],
        },
    ]
    assert details["shipping"] == {
        "name": ["This field is required."],
        "quantity": ["This field is required."],
    }
    assert details["customer"] == ["This field is required."]


def test_many_errors_as_dict_by_index():
    with rest_framework(LIST_SERIALIZER_ERRORS_AS_DICT=True):
        response = Client().get("/api/drf/drf-validation/")
    details = error_of(response)["details"]
    assert details["items"] == {
        "1": {
            "name": ["This field is required."],
            "quantity": ["Ensure this value is greater than or equal to 1."],
        }
    }


def test_many_errors_problem_pointers():
    problem = override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "problem"}})
    with rest_framework(LIST_SERIALIZER_ERRORS_AS_DICT=False), problem, pytest.warns(Warning):
        body = Client().get("/api/drf/drf-validation/").json()
    assert {"detail": "This field is required.", "pointer": "#/items/1/name"} in body["errors"]
    assert {"detail": "This field is required.", "pointer": "#/shipping/quantity"} in body["errors"]
    assert {"detail": "This field is required.", "pointer": "#/customer"} in body["errors"]
    assert len(body["errors"]) == 5


def test_non_field_errors_key_honoured():
    with rest_framework(NON_FIELD_ERRORS_KEY="__all__"):
        response = Client().get("/api/drf/drf-validation-list/")
        django_message = Client().get("/api/drf/django-validation-message/")
    assert error_of(response)["details"] == {"__all__": ["first", "second"]}
    assert error_of(django_message)["details"] == {"__all__": ["Bad dates."]}


def test_serializer_validate_error_under_non_field_key():
    with rest_framework(NON_FIELD_ERRORS_KEY="general"):
        response = Client().get("/api/drf/drf-validation-hook/")
    assert error_of(response)["details"] == {"general": ["Orders are closed."]}


# --- headers and status -----------------------------------------------------------


def test_not_authenticated_downgraded_to_403():
    response = Client().get("/api/drf-no-auth-header/drf-not-authenticated/")
    assert response.status_code == 403
    assert error_of(response)["code"] == "not_authenticated"
    assert "WWW-Authenticate" not in response


def test_blacklisted_code_kept_on_403():
    response = Client().get("/api/drf-no-auth-header/drf-token-blacklisted/")
    assert response.status_code == 403
    assert error_of(response)["code"] == "token_blacklisted"


def test_method_not_allowed_keeps_allow():
    response = Client().put("/api/drf/drf-parse-error/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST", "OPTIONS"}


def test_throttled_problem_keeps_retry_after():
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "problem"}}):
        response = Client().get("/api/drf/drf-throttled/")
    assert response["Retry-After"] == "8"
    assert response.json()["details"] == {"retry_after_seconds": 8}


# --- negotiation --------------------------------------------------------------------


def test_restflow_envelope_follows_negotiation():
    response = Client().get("/api/drf/drf-not-found/", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"not_found" in response.content


def test_problem_envelope_always_json():
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "problem"}}):
        response = Client().get("/api/drf/drf-not-found/", headers={"Accept": "text/html"})
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_problem_type_base_uri():
    exceptions = {"ENVELOPE": "problem", "PROBLEM_TYPE_BASE_URI": "https://errors.example.com/"}
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": exceptions}):
        body = Client().get("/api/drf/drf-not-found/").json()
    assert body["type"] == "https://errors.example.com/not_found"
    assert body["title"] == "Not found"


# --- internal errors ------------------------------------------------------------------


def crash(**restflow_exceptions):
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": restflow_exceptions}):
        return Client(raise_request_exception=False).get("/api/drf/crash/")


def test_crash_hidden_by_default():
    response = crash()
    assert response.status_code == 500
    assert error_of(response) | {"request_id": None} == {
        "code": "internal_error",
        "message": "Internal server error.",
        "details": {},
        "request_id": None,
    }
    assert b"secret" not in response.content


def test_crash_exposed_when_asked():
    error = error_of(crash(EXPOSE_INTERNAL_ERRORS=True))
    assert error["message"] == "RuntimeError: secret connection string postgres://user:pw@db"
    assert error["details"]["exception"] == "builtins.RuntimeError"
    assert any("_crash" in line for line in error["details"]["traceback"])


@override_settings(DEBUG=True)
def test_crash_exposed_under_debug():
    assert error_of(crash())["message"].startswith("RuntimeError:")


@override_settings(DEBUG=True)
def test_crash_hidden_under_debug_when_forced():
    assert error_of(crash(EXPOSE_INTERNAL_ERRORS=False))["message"] == "Internal server error."


def test_crash_logged_with_request_id(caplog):
    caplog.set_level(logging.ERROR, logger="restflow.exceptions")
    Client(raise_request_exception=False).get(
        "/api/drf/crash/", headers={"X-Request-ID": "trace-me"}
    )
    [record] = [r for r in caplog.records if r.name == "restflow.exceptions.handler"]
    assert record.levelno == logging.ERROR
    assert record.request_id == "trace-me"
    assert record.status_code == 500
    assert "trace-me" in record.getMessage()
    assert "/api/drf/crash/" in record.getMessage()
    assert record.exc_info[0] is RuntimeError


def test_client_error_not_logged(caplog):
    caplog.set_level(logging.DEBUG, logger="restflow.exceptions")
    Client().get("/api/drf/drf-not-found/")
    assert not [r for r in caplog.records if r.name.startswith("restflow.exceptions")]


def test_crash_reraised_by_default_client():
    with pytest.raises(RuntimeError):
        Client().get("/api/drf/crash/")


def test_api_exception_not_reraised():
    # A 5xx raised on purpose is logged but is not a crash for error trackers.
    response = Client().get("/api/drf/restflow-override/")
    assert response.status_code == 504


# --- rollback --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_rollback_under_atomic_requests():
    from catalog.models import Category

    connection.settings_dict["ATOMIC_REQUESTS"] = True
    try:
        response = Client().post("/api/drf/create-then-fail/")
    finally:
        connection.settings_dict["ATOMIC_REQUESTS"] = False
    assert response.status_code == 400
    assert error_of(response)["details"] == {"slug": ["Taken after all."]}
    assert not Category.objects.filter(slug="rolled-back").exists()


@pytest.mark.django_db(transaction=True)
def test_no_rollback_without_atomic_requests():
    from catalog.models import Category

    Client().post("/api/drf/create-then-fail/")
    assert Category.objects.filter(slug="rolled-back").exists()


# --- direct calls ------------------------------------------------------------------------


def test_handler_without_request():
    response = exception_handler(drf_exceptions.NotFound(), {})
    assert response.status_code == 404
    assert response.data == {"error": {"code": "not_found", "message": "Not found.", "details": {}}}


def test_handler_dict_detail_with_code():
    exc = drf_exceptions.AuthenticationFailed(
        {
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": [{"token_class": "AccessToken", "message": "Token is expired"}],
        }
    )
    data = exception_handler(exc, {}).data["error"]
    assert data["code"] == "token_not_valid"
    assert data["message"] == "Given token not valid for any token type"
    assert data["details"] == {
        "messages": [{"token_class": "AccessToken", "message": "Token is expired"}]
    }
    assert all(type(value) is str for value in data["details"]["messages"][0].values())


def test_handler_list_detail():
    exc = drf_exceptions.PermissionDenied(["Not the owner.", "Account locked."])
    data = exception_handler(exc, {}).data["error"]
    assert data["code"] == "permission_denied"
    assert data["details"] == {"messages": ["Not the owner.", "Account locked."]}


def test_handler_details_are_plain_strings():
    exc = drf_exceptions.ValidationError({"name": [ErrorDetail("Too short.", code="min_length")]})
    details = exception_handler(exc, {}).data["error"]["details"]
    assert details == {"name": ["Too short."]}
    assert type(details["name"][0]) is str


def test_401_without_challenge_becomes_403():
    from restflow.exceptions import APIException

    exc = APIException("Log in first.", code="login_required", status_code=401)
    response = exception_handler(exc, {})
    assert response.status_code == 403
    assert response.data["error"]["code"] == "login_required"


@pytest.mark.parametrize(
    ("path", "logger_name"),
    [
        ("/api/drf/django-suspicious/", "django.security.SuspiciousOperation"),
        ("/api/plain/django-too-big/", "django.security.RequestDataTooBig"),
    ],
)
def test_suspicious_operation_logged_on_security_logger(caplog, path, logger_name):
    caplog.set_level(logging.ERROR, logger="django.security")
    Client().get(path)
    [record] = [r for r in caplog.records if r.name.startswith("django.security.")]
    assert record.name == logger_name
    assert record.status_code in (400, 413)
