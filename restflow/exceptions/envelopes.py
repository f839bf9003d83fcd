"""Envelope components: how an :class:`ErrorInfo` becomes a response body.

The envelope in use is chosen by ``RESTFLOW_SETTINGS["EXCEPTIONS"]["ENVELOPE"]``
through :data:`restflow.registry.ENVELOPES`; ``restflow`` and ``problem``
are built in and projects register their own with
``@ENVELOPES.register("name")`` on a :class:`BaseEnvelope` subclass.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from restflow.exceptions.codes import ErrorCode, title_for_code
from restflow.exceptions.mapping import ErrorInfo
from restflow.logging import get_request_id
from restflow.settings import restflow_settings

__all__ = [
    "BaseEnvelope",
    "EnvelopeResponse",
    "ProblemEnvelope",
    "RestflowEnvelope",
    "format_error",
    "request_id_of",
]


def format_error(
    code: ErrorCode | str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return ``{"error": {"code", "message", "details"}}``; ``details`` is ``{}`` when empty."""
    return {"error": {"code": str(code), "message": str(message), "details": details or {}}}


def request_id_of(request: Any) -> str | None:
    """Return the id ``RestflowMiddleware`` gave ``request``, else the current context's id."""
    request_id = getattr(request, "request_id", None) if request is not None else None
    return request_id if isinstance(request_id, str) else get_request_id()


class EnvelopeResponse(Response):
    """A DRF response that can insist on JSON whatever renderer the view negotiated.

    With ``force_media_type`` set the body is rendered as JSON and sent with
    that content type, so a ``problem+json`` body never reaches the
    browsable API renderer or a CSV renderer.
    """

    def __init__(self, *args: Any, force_media_type: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.force_media_type = force_media_type

    @property
    def rendered_content(self) -> Any:
        if self.force_media_type is not None:
            self.accepted_renderer = JSONRenderer()
            self.accepted_media_type = "application/json"
            self.content_type = self.force_media_type
        return super().rendered_content


class BaseEnvelope:
    """Format errors; subclass and override :meth:`build` (and ``media_type``).

    ``media_type`` is the response's content type. With ``negotiate`` true,
    a DRF view renders the body with the renderer it negotiated (JSON, the
    browsable API). With it false, the body is always JSON sent as
    ``media_type``.
    """

    media_type: str = "application/json"
    negotiate: bool = True

    def build(self, error: ErrorInfo, request: Any = None) -> dict[str, Any]:
        """Return the body for ``error`` as a JSON-ready dict."""
        raise NotImplementedError(f"{type(self).__qualname__} must implement build().")

    def drf_response(self, error: ErrorInfo, request: Any = None) -> Response:
        """Return a DRF response for ``error``, for use by an ``EXCEPTION_HANDLER``."""
        return EnvelopeResponse(
            self.build(error, request),
            status=error.status,
            headers=error.headers or None,
            force_media_type=None if self.negotiate else self.media_type,
        )

    def http_response(self, error: ErrorInfo, request: HttpRequest | None = None) -> HttpResponse:
        """Return a plain Django response for ``error``, for errors raised outside DRF."""
        body = JSONRenderer().render(self.build(error, request))
        response = HttpResponse(body, status=error.status, content_type=self.media_type)
        for name, value in error.headers.items():
            response[name] = value
        return response


class RestflowEnvelope(BaseEnvelope):
    """``{"error": {"code", "message", "details"}}``, plus ``request_id`` when one is known."""

    def build(self, error: ErrorInfo, request: Any = None) -> dict[str, Any]:
        body = format_error(error.code, error.message, error.details)
        request_id = request_id_of(request)
        if request_id:
            body["error"]["request_id"] = request_id
        return body


def _pointer_part(key: str) -> str:
    # RFC 6901 escaping: "~" first, so an escaped "/" is not escaped twice.
    return key.replace("~", "~0").replace("/", "~1")


def _pointer_errors(value: Any, parts: tuple[str, ...]) -> list[dict[str, str]]:
    if isinstance(value, dict):
        found: list[dict[str, str]] = []
        for key, item in value.items():
            found.extend(_pointer_errors(item, (*parts, _pointer_part(str(key)))))
        return found
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            pointer = "#/" + "/".join(parts) if parts else "#"
            return [{"detail": str(item), "pointer": pointer} for item in value]
        found = []
        for index, item in enumerate(value):
            found.extend(_pointer_errors(item, (*parts, str(index))))
        return found
    pointer = "#/" + "/".join(parts) if parts else "#"
    return [{"detail": str(value), "pointer": pointer}]


def _phrase(error: ErrorInfo) -> str:
    try:
        return HTTPStatus(error.status).phrase
    except ValueError:
        return title_for_code(error.code, error.status)


class ProblemEnvelope(BaseEnvelope):
    """RFC 9457 problem details, sent as ``application/problem+json``.

    Members: ``type`` (``EXCEPTIONS.PROBLEM_TYPE_BASE_URI`` + code, or
    ``about:blank`` when no base URI is set), ``title``, ``status``,
    ``detail``, ``instance`` (the request path), ``code``, ``errors`` (one
    ``{"detail", "pointer"}`` per validation message, the pointer a JSON
    Pointer into the request body) and ``request_id`` when one is known.
    Details of other errors (such as ``retry_after_seconds``) go in a
    ``details`` member.
    """

    media_type = "application/problem+json"
    negotiate = False

    def build(self, error: ErrorInfo, request: Any = None) -> dict[str, Any]:
        base_uri = restflow_settings.EXCEPTIONS.PROBLEM_TYPE_BASE_URI
        is_validation = error.code == ErrorCode.VALIDATION_ERROR.value
        body: dict[str, Any] = {
            "type": f"{base_uri}{error.code}" if base_uri else "about:blank",
            # RFC 9457: with type "about:blank" the title is the status phrase.
            "title": title_for_code(error.code, error.status) if base_uri else _phrase(error),
            "status": error.status,
            "detail": error.message,
            "instance": getattr(request, "path", None) if request is not None else None,
            "code": error.code,
            "errors": _pointer_errors(error.details, ()) if is_validation else [],
        }
        if error.details and not is_validation:
            body["details"] = error.details
        request_id = request_id_of(request)
        if request_id:
            body["request_id"] = request_id
        return body
