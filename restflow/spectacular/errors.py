"""OpenAPI descriptions of the error envelope and of the statuses an operation can return.

The schema follows ``RESTFLOW_SETTINGS["EXCEPTIONS"]["ENVELOPE"]``: the
``restflow`` envelope is ``{"error": {...}}`` as ``application/json``, the
``problem`` envelope is RFC 9457 problem details as
``application/problem+json``. An envelope class of a project describes
itself with a ``get_openapi_schema()`` method.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from rest_framework.settings import api_settings

from restflow.exceptions.codes import ErrorCode, code_for_status
from restflow.exceptions.envelopes import BaseEnvelope, ProblemEnvelope, RestflowEnvelope
from restflow.registry import ENVELOPES

__all__ = [
    "ERROR_DESCRIPTIONS",
    "PROBLEM_SCHEMA",
    "RESTFLOW_ERROR_SCHEMA",
    "EnvelopeDescription",
    "describe_envelope",
    "error_example",
    "uses_restflow_handler",
]

#: Status -> response description used in every operation that can return it.
ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The request body or a query parameter is invalid.",
    401: "Credentials are missing or invalid.",
    403: "The credentials do not grant access to this operation.",
    404: "The object or page was not found.",
    405: "The method is not allowed on this path.",
    406: "No renderer matches the Accept header.",
    409: "The request conflicts with the current state of the resource.",
    413: "The request body is too large.",
    415: "The request body's media type is not supported.",
    429: "Too many requests; retry after the number of seconds in Retry-After.",
    500: "The server failed to handle the request.",
    503: "A service the API depends on (the database, a cache) is unavailable.",
}

# One plausible error per status, shown as the example of each response.
_EXAMPLES: dict[int, tuple[str, str, dict[str, Any]]] = {
    400: (
        ErrorCode.VALIDATION_ERROR.value,
        "Request validation failed.",
        {"name": ["This field is required."]},
    ),
    401: (
        ErrorCode.NOT_AUTHENTICATED.value,
        "Authentication credentials were not provided.",
        {},
    ),
    403: (
        ErrorCode.PERMISSION_DENIED.value,
        "You do not have permission to perform this action.",
        {},
    ),
    404: (ErrorCode.NOT_FOUND.value, "Resource not found.", {}),
    415: (
        ErrorCode.UNSUPPORTED_MEDIA_TYPE.value,
        'Unsupported media type "text/plain" in request.',
        {},
    ),
    429: (
        ErrorCode.THROTTLED.value,
        "Request was throttled. Expected available in 12 seconds.",
        {"retry_after_seconds": 12},
    ),
    500: (ErrorCode.INTERNAL_ERROR.value, "Internal server error.", {}),
    503: (
        ErrorCode.SERVICE_UNAVAILABLE.value,
        "The service is temporarily unavailable; try again later.",
        {},
    ),
}

_FREE_FORM: dict[str, Any] = {"type": "object", "additionalProperties": {}}

RESTFLOW_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The error envelope of every failed request.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable machine-readable code, such as validation_error.",
                },
                "message": {"type": "string", "description": "Human-readable message."},
                "details": {
                    "type": "object",
                    "additionalProperties": {},
                    "description": "Field paths of validation errors, or other context.",
                },
                "request_id": {
                    "type": "string",
                    "description": "Id of the request, also sent in the request id header.",
                },
            },
        }
    },
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail", "instance", "code", "errors"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "nullable": True},
        "code": {
            "type": "string",
            "description": "Stable machine-readable code, such as validation_error.",
        },
        "errors": {
            "type": "array",
            "description": "One entry per validation message.",
            "items": {
                "type": "object",
                "required": ["detail", "pointer"],
                "properties": {
                    "detail": {"type": "string"},
                    "pointer": {
                        "type": "string",
                        "description": "JSON Pointer into the request body.",
                    },
                },
            },
        },
        "details": {"type": "object", "additionalProperties": {}},
        "request_id": {"type": "string"},
    },
}


@dataclass(frozen=True)
class EnvelopeDescription:
    """The component name, schema and media type of the configured error envelope."""

    component_name: str
    schema: dict[str, Any]
    media_type: str
    envelope_class: type
    #: ``"restflow"`` or ``"problem"`` when the schema is a built-in one, else None.
    style: str | None = None
    #: True when DRF views render the body with their negotiated renderer,
    #: so its media types are the view's, not ``media_type``.
    negotiate: bool = True


def describe_envelope() -> EnvelopeDescription:
    """Describe the envelope named by ``EXCEPTIONS.ENVELOPE`` (read at call time).

    A project envelope with a ``get_openapi_schema()`` method supplies its
    own schema. Other project envelopes that subclass neither built-in
    envelope are documented as a free-form object.

    Raises ``ComponentError`` when the setting names no usable envelope.
    """
    envelope = ENVELOPES.get()
    envelope_class = type(envelope)
    media_type = str(getattr(envelope, "media_type", BaseEnvelope.media_type))
    own_schema = getattr(envelope, "get_openapi_schema", None)
    style: str | None = None
    if callable(own_schema):
        name, schema = envelope_class.__name__, own_schema()
    elif isinstance(envelope, ProblemEnvelope):
        name, schema, style = "ProblemDetails", PROBLEM_SCHEMA, "problem"
    elif isinstance(envelope, RestflowEnvelope):
        name, schema, style = "ErrorEnvelope", RESTFLOW_ERROR_SCHEMA, "restflow"
    else:
        name, schema = envelope_class.__name__, _FREE_FORM
    negotiate = bool(getattr(envelope, "negotiate", True))
    return EnvelopeDescription(name, schema, media_type, envelope_class, style, negotiate)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_example(style: str | None, status: int) -> dict[str, Any] | None:
    """Return an example body for ``status`` in a built-in envelope ``style``, else None."""
    if status in _EXAMPLES:
        code, message, details = _EXAMPLES[status]
    else:
        code, message, details = code_for_status(status), f"{_phrase(status)}.", {}
    if style == "problem":
        errors = []
        if code == ErrorCode.VALIDATION_ERROR.value:
            errors = [
                {"detail": text, "pointer": f"#/{field}"}
                for field, texts in details.items()
                for text in texts
            ]
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": _phrase(status),
            "status": status,
            "detail": message,
            "instance": "/api/products/",
            "code": code,
            "errors": errors,
        }
        if details and not errors:
            body["details"] = details
        return body
    if style == "restflow":
        return {"error": {"code": code, "message": message, "details": details}}
    return None


def uses_restflow_handler() -> bool:
    """Return True unless ``EXCEPTION_HANDLER`` is DRF's own handler.

    With DRF's handler errors are ``{"detail": ...}``, which drf-spectacular
    leaves undocumented, so no envelope responses are added.
    """
    from rest_framework.views import exception_handler as drf_handler

    return api_settings.EXCEPTION_HANDLER is not drf_handler
