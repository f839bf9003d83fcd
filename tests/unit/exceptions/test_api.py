"""ErrorCode, APIException, format_error, the details normaliser, and the public names."""

from __future__ import annotations

import importlib
import json

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import override_settings
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail

from restflow.exceptions import APIException, ErrorCode, format_error
from restflow.exceptions.codes import code_for_status, title_for_code
from restflow.exceptions.details import normalize_details, validation_details

SPEC_CODES = {
    "NOT_AUTHENTICATED": "not_authenticated",
    "AUTHENTICATION_FAILED": "authentication_failed",
    "PERMISSION_DENIED": "permission_denied",
    "VALIDATION_ERROR": "validation_error",
    "PARSE_ERROR": "parse_error",
    "NOT_FOUND": "not_found",
    "METHOD_NOT_ALLOWED": "method_not_allowed",
    "UNSUPPORTED_MEDIA_TYPE": "unsupported_media_type",
    "NOT_ACCEPTABLE": "not_acceptable",
    "THROTTLED": "throttled",
    "CONFLICT": "conflict",
    "INTERNAL_ERROR": "internal_error",
    "SERVICE_UNAVAILABLE": "service_unavailable",
}


# --- ErrorCode -----------------------------------------------------------------------


@pytest.mark.parametrize(("member", "value"), sorted(SPEC_CODES.items()))
def test_error_code_values(member, value):
    code = ErrorCode[member]
    assert code == value
    assert str(code) == value
    assert f"{code}" == value
    assert json.dumps(code) == json.dumps(value)


def test_error_code_extra_members():
    assert ErrorCode.BAD_REQUEST == "bad_request"
    assert ErrorCode.CSRF_FAILED == "csrf_failed"
    assert ErrorCode.REQUEST_TOO_LARGE == "request_too_large"


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "bad_request"),
        (401, "not_authenticated"),
        (409, "conflict"),
        (413, "request_too_large"),
        (418, "bad_request"),
        (500, "internal_error"),
        (502, "internal_error"),
        (503, "service_unavailable"),
    ],
)
def test_code_for_status(status, code):
    assert code_for_status(status) == code


def test_title_for_code():
    assert title_for_code("validation_error", 400) == "Request validation failed"
    assert title_for_code("token_blacklisted", 401) == "Unauthorized"
    assert title_for_code("odd_thing", 799) == "Odd thing"


# --- APIException --------------------------------------------------------------------


class OutOfStock(APIException):
    status_code = 409
    code = ErrorCode.CONFLICT
    default_detail = "The product is out of stock."


def test_api_exception_defaults():
    exc = APIException()
    assert exc.status_code == 500
    assert exc.code == "internal_error"
    assert exc.details is None
    assert exc.detail.code == "internal_error"


def test_api_exception_subclass_attributes():
    exc = OutOfStock()
    assert exc.status_code == 409
    assert exc.code == "conflict"
    assert type(exc.code) is str
    assert str(exc.detail) == "The product is out of stock."


def test_api_exception_overrides():
    exc = OutOfStock("Only 2 left.", code="low_stock", details={"left": 2}, status_code=422)
    assert exc.status_code == 422
    assert exc.code == "low_stock"
    assert exc.details == {"left": 2}
    assert str(exc.detail) == "Only 2 left."
    assert exc.get_codes() == "low_stock"
    # The class keeps its own attributes.
    assert OutOfStock.status_code == 409
    assert OutOfStock.code == ErrorCode.CONFLICT


def test_api_exception_error_code_member():
    assert APIException(code=ErrorCode.THROTTLED).code == "throttled"


# --- format_error --------------------------------------------------------------------


def test_format_error_shape():
    assert format_error(ErrorCode.NOT_FOUND, "Gone.") == {
        "error": {"code": "not_found", "message": "Gone.", "details": {}}
    }
    assert format_error("custom", "Text", {"a": 1}) == {
        "error": {"code": "custom", "message": "Text", "details": {"a": 1}}
    }
    assert type(format_error(ErrorCode.NOT_FOUND, "x")["error"]["code"]) is str


# --- details ----------------------------------------------------------------------------


def test_normalize_lazy_and_error_detail():
    value = {"name": [ErrorDetail("Bad.", code="invalid"), gettext_lazy("Required.")], 3: 4}
    assert normalize_details(value) == {"name": ["Bad.", "Required."], "3": 4}


def test_validation_details_scalar():
    assert validation_details(ErrorDetail("Closed.")) == {"non_field_errors": ["Closed."]}


def test_validation_details_list_of_dicts():
    detail = [{"name": [ErrorDetail("Bad.")]}, {}]
    assert validation_details(detail) == {"non_field_errors": [{"name": ["Bad."]}, {}]}


def test_validation_details_django_error():
    error = DjangoValidationError({"email": ["Invalid."], "__all__": ["Mismatch."]})
    details = validation_details(error)
    assert details["email"] == ["Invalid."]
    assert details["non_field_errors"] == ["Mismatch."]


@override_settings(REST_FRAMEWORK={"NON_FIELD_ERRORS_KEY": "errors"})
def test_validation_details_custom_key():
    assert validation_details(["x"]) == {"errors": ["x"]}


# --- public names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module_name",
    [
        "restflow.exceptions",
        "restflow.exceptions.base",
        "restflow.exceptions.codes",
        "restflow.exceptions.details",
        "restflow.exceptions.envelopes",
        "restflow.exceptions.handler",
        "restflow.exceptions.mapping",
        "restflow.middleware",
        "restflow.logging",
        "restflow.checks",
        "restflow.apps",
        "restflow.registry",
        "restflow.settings",
    ],
)
def test_all_names_defined(module_name):
    # ruff's RUF022 keeps the order; this checks that every name exists.
    module = importlib.import_module(module_name)
    assert len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), name


def test_spec_exports():
    import restflow.exceptions as exceptions

    for name in ("APIException", "ErrorCode", "exception_handler", "format_error"):
        assert name in exceptions.__all__
