"""Describe any exception as an :class:`ErrorInfo`: status, code, message, details, headers.

This module is the one table that maps an exception to a status and a
code. The DRF handler and the middleware both use it, so the envelope
components only format what it returns.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core import exceptions as django_exceptions
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from rest_framework import exceptions as drf_exceptions

from restflow.exceptions.base import APIException
from restflow.exceptions.codes import ErrorCode, code_for_status
from restflow.exceptions.details import normalize_details, validation_details

__all__ = ["ErrorInfo", "describe_exception"]

VALIDATION_MESSAGE = "Request validation failed."
NOT_FOUND_MESSAGE = "Resource not found."
PERMISSION_MESSAGE = "You do not have permission to perform this action."
BAD_REQUEST_MESSAGE = "The request was rejected as invalid."
TOO_MANY_FIELDS_MESSAGE = "The request has too many fields or files."
TOO_LARGE_MESSAGE = "The request body exceeds the size limit."
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable; try again later."
INTERNAL_MESSAGE = "Internal server error."
MALFORMED_MESSAGE = "The multipart request body is malformed."

# DRF's own code for an APIException that names none. A client cannot act
# on it, so the status decides the code instead.
_DRF_GENERIC_CODE = "error"


@dataclass
class ErrorInfo:
    """Status, code, message, details and headers of an error response, before formatting."""

    status: int
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_server_error(self) -> bool:
        return self.status >= 500


def _code_of(exc: drf_exceptions.APIException) -> str:
    code = getattr(exc.detail, "code", None)
    if not isinstance(code, str) or not code or code == _DRF_GENERIC_CODE:
        code = exc.default_code
    if not isinstance(code, str) or not code or code == _DRF_GENERIC_CODE:
        code = code_for_status(exc.status_code)
    return code


def _headers_of(exc: drf_exceptions.APIException) -> dict[str, str]:
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = str(auth_header)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, drf_exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(math.ceil(wait))
    return headers


def _describe_restflow(exc: APIException) -> ErrorInfo:
    detail = exc.detail
    details = exc.details
    if isinstance(detail, (Mapping, list)):
        # A structured detail is data, not a sentence: keep it in details.
        message = str(exc.default_detail)
        if details is None:
            details = validation_details(detail)
    else:
        message = str(detail)
    if details is None:
        details = {}
    elif not isinstance(details, Mapping):
        # The envelope's details is always an object.
        details = {"detail": details}
    return ErrorInfo(
        status=exc.status_code,
        code=str(exc.code),
        message=message,
        details=normalize_details(details),
        headers=_headers_of(exc),
    )


def _describe_drf(exc: drf_exceptions.APIException) -> ErrorInfo:
    if isinstance(exc, drf_exceptions.ValidationError):
        return ErrorInfo(
            exc.status_code,
            ErrorCode.VALIDATION_ERROR.value,
            VALIDATION_MESSAGE,
            validation_details(exc.detail),
        )
    detail = exc.detail
    code = _code_of(exc)
    details: dict[str, Any] = {}
    if isinstance(detail, Mapping):
        # Shape used by simplejwt and others: {"detail": ..., "code": ..., extra...}.
        message = str(detail.get("detail", exc.default_detail))
        inner_code = detail.get("code")
        if isinstance(inner_code, str) and inner_code:
            code = inner_code
        details = normalize_details(
            {key: value for key, value in detail.items() if key not in ("detail", "code")}
        )
    elif isinstance(detail, list):
        message = str(exc.default_detail)
        details = {"messages": normalize_details(detail)}
    else:
        message = str(detail)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, drf_exceptions.Throttled) and wait is not None:
        details = {"retry_after_seconds": math.ceil(wait)}
    return ErrorInfo(exc.status_code, code, message, details, _headers_of(exc))


def _describe_internal(exc: BaseException, expose: bool) -> ErrorInfo:
    if not expose:
        return ErrorInfo(500, ErrorCode.INTERNAL_ERROR.value, INTERNAL_MESSAGE)
    return ErrorInfo(
        500,
        ErrorCode.INTERNAL_ERROR.value,
        f"{type(exc).__name__}: {exc}",
        {
            "exception": f"{type(exc).__module__}.{type(exc).__qualname__}",
            "traceback": traceback.format_exception(type(exc), exc, exc.__traceback__),
        },
    )


def describe_exception(exc: BaseException, *, expose_internal: bool = False) -> ErrorInfo:
    """Return the status, code, message, details and headers for ``exc``.

    Every exception gets a result; anything not recognised is a 500
    ``internal_error`` whose message and details show the exception type,
    text and traceback only when ``expose_internal`` is true. A 401 with
    no ``WWW-Authenticate`` challenge becomes a 403 with the same code, as
    DRF does, because HTTP requires the challenge on every 401.
    """
    error = _describe(exc, expose_internal)
    if error.status == 401 and "WWW-Authenticate" not in error.headers:
        error.status = 403
    return error


def _describe(exc: BaseException, expose_internal: bool) -> ErrorInfo:
    if isinstance(exc, APIException):
        return _describe_restflow(exc)
    if isinstance(exc, drf_exceptions.APIException):
        return _describe_drf(exc)
    if isinstance(exc, django_exceptions.ValidationError):
        return ErrorInfo(
            400, ErrorCode.VALIDATION_ERROR.value, VALIDATION_MESSAGE, validation_details(exc)
        )
    if isinstance(exc, (Http404, django_exceptions.ObjectDoesNotExist)):
        return ErrorInfo(404, ErrorCode.NOT_FOUND.value, NOT_FOUND_MESSAGE)
    if isinstance(exc, django_exceptions.PermissionDenied):
        return ErrorInfo(403, ErrorCode.PERMISSION_DENIED.value, str(exc) or PERMISSION_MESSAGE)
    if isinstance(exc, django_exceptions.RequestDataTooBig):
        return ErrorInfo(413, ErrorCode.REQUEST_TOO_LARGE.value, TOO_LARGE_MESSAGE)
    if isinstance(exc, (django_exceptions.TooManyFieldsSent, django_exceptions.TooManyFilesSent)):
        return ErrorInfo(400, ErrorCode.BAD_REQUEST.value, TOO_MANY_FIELDS_MESSAGE)
    if isinstance(exc, MultiPartParserError):
        return ErrorInfo(400, ErrorCode.PARSE_ERROR.value, MALFORMED_MESSAGE)
    if isinstance(exc, (django_exceptions.SuspiciousOperation, django_exceptions.BadRequest)):
        return ErrorInfo(400, ErrorCode.BAD_REQUEST.value, BAD_REQUEST_MESSAGE)
    if isinstance(exc, (OperationalError, InterfaceError)):
        return ErrorInfo(503, ErrorCode.SERVICE_UNAVAILABLE.value, UNAVAILABLE_MESSAGE)
    return _describe_internal(exc, expose_internal)
