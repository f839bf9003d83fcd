"""Stable error codes of the envelope, and the HTTP status each one usually goes with."""

from __future__ import annotations

from enum import Enum
from http import HTTPStatus

__all__ = ["ErrorCode", "code_for_status", "title_for_code"]


class ErrorCode(str, Enum):
    """Machine-readable ``code`` of an error envelope.

    A ``str`` subclass, so members compare equal to and serialise as their
    value. Codes carried over from DRF (``token_blacklisted``,
    ``invalid_token``, a custom exception's ``default_code``) are plain
    strings and do not need a member here.
    """

    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    VALIDATION_ERROR = "validation_error"
    PARSE_ERROR = "parse_error"
    BAD_REQUEST = "bad_request"
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    CONFLICT = "conflict"
    REQUEST_TOO_LARGE = "request_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    THROTTLED = "throttled"
    INTERNAL_ERROR = "internal_error"
    SERVICE_UNAVAILABLE = "service_unavailable"

    def __str__(self) -> str:
        # Python before 3.11 has no StrEnum; without this, str() and
        # f-strings would give "ErrorCode.NOT_FOUND" instead of the value.
        return str(self.value)


_STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    406: ErrorCode.NOT_ACCEPTABLE,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.REQUEST_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ErrorCode.THROTTLED,
    500: ErrorCode.INTERNAL_ERROR,
    503: ErrorCode.SERVICE_UNAVAILABLE,
}

# Keyed by value: Enum members hash by name, so a plain string would miss.
_TITLES: dict[str, str] = {
    ErrorCode.NOT_AUTHENTICATED.value: "Authentication required",
    ErrorCode.AUTHENTICATION_FAILED.value: "Authentication failed",
    ErrorCode.PERMISSION_DENIED.value: "Permission denied",
    ErrorCode.VALIDATION_ERROR.value: "Request validation failed",
    ErrorCode.PARSE_ERROR.value: "Malformed request body",
    ErrorCode.BAD_REQUEST.value: "Bad request",
    ErrorCode.CSRF_FAILED.value: "CSRF verification failed",
    ErrorCode.NOT_FOUND.value: "Not found",
    ErrorCode.METHOD_NOT_ALLOWED.value: "Method not allowed",
    ErrorCode.NOT_ACCEPTABLE.value: "Not acceptable",
    ErrorCode.CONFLICT.value: "Conflict",
    ErrorCode.REQUEST_TOO_LARGE.value: "Request body too large",
    ErrorCode.UNSUPPORTED_MEDIA_TYPE.value: "Unsupported media type",
    ErrorCode.THROTTLED.value: "Too many requests",
    ErrorCode.INTERNAL_ERROR.value: "Internal server error",
    ErrorCode.SERVICE_UNAVAILABLE.value: "Service unavailable",
}


def code_for_status(status: int) -> str:
    """Return the code that fits an HTTP status when an exception carries none of its own.

    Statuses without a member map to ``bad_request`` (other 4xx) or
    ``internal_error`` (5xx).
    """
    code = _STATUS_CODES.get(status)
    if code is not None:
        return code.value
    return ErrorCode.INTERNAL_ERROR.value if status >= 500 else ErrorCode.BAD_REQUEST.value


def title_for_code(code: str, status: int) -> str:
    """Return a short human title for ``code``, falling back to the HTTP reason phrase."""
    title = _TITLES.get(code)
    if title is not None:
        return title
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return code.replace("_", " ").capitalize()
