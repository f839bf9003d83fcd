"""``exception_handler`` for DRF's ``EXCEPTION_HANDLER`` setting, and the shared error reporting."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.signals import got_request_exception
from rest_framework.exceptions import APIException as DRFAPIException
from rest_framework.response import Response
from rest_framework.views import set_rollback

from restflow.exceptions.base import APIException
from restflow.exceptions.envelopes import BaseEnvelope, request_id_of
from restflow.exceptions.mapping import ErrorInfo, describe_exception
from restflow.registry import ENVELOPES
from restflow.settings import restflow_settings

__all__ = ["exception_handler", "expose_internal_errors", "get_envelope", "report_exception"]

logger = logging.getLogger(__name__)


def expose_internal_errors() -> bool:
    """Return whether a 500 envelope may show the exception.

    ``EXCEPTIONS.EXPOSE_INTERNAL_ERRORS`` decides; when it is ``None``, ``DEBUG`` does.
    """
    value = restflow_settings.EXCEPTIONS.EXPOSE_INTERNAL_ERRORS
    return bool(settings.DEBUG) if value is None else bool(value)


def get_envelope() -> BaseEnvelope:
    """Return the envelope component selected by ``EXCEPTIONS.ENVELOPE``."""
    return ENVELOPES.get()  # type: ignore[no-any-return]


def _unwrap(request: Any) -> Any:
    # DRF's Request wraps Django's HttpRequest; signal receivers expect the latter.
    return getattr(request, "_request", request)


def report_exception(exc: BaseException, error: ErrorInfo, request: Any) -> None:
    """Log a server error with its request id and tell Django's error signal about crashes.

    Responses of 500 and above are logged at ERROR with the traceback. An
    exception that is not an API exception (a crash, a database outage)
    also sends ``got_request_exception``, as Django does for errors it
    handles itself, so error trackers hooked to that signal still see it.
    A ``SuspiciousOperation`` is logged on ``django.security.<class name>``,
    as Django does.
    """
    if isinstance(exc, SuspiciousOperation):
        # Django logs these on django.security.<class name> when it handles
        # them itself. The envelope handles them now, so it keeps that channel.
        logging.getLogger(f"django.security.{type(exc).__name__}").error(
            "%s",
            exc,
            exc_info=exc,
            extra={"status_code": error.status, "request": _unwrap(request)},
        )
    if not error.is_server_error:
        return
    request_id = request_id_of(request)
    method = getattr(request, "method", "-")
    path = getattr(request, "path", "-")
    logger.error(
        "%s %s failed with %s (%s), request id %s",
        method,
        path,
        type(exc).__name__,
        error.code,
        request_id or "-",
        exc_info=exc,
        extra={"status_code": error.status, "request_id": request_id or "-"},
    )
    if isinstance(exc, (APIException, DRFAPIException)):
        return
    if sys.exc_info()[1] is exc:
        got_request_exception.send(sender=None, request=_unwrap(request))
        return
    # Receivers (Django's test client among them) read sys.exc_info(), so
    # make ``exc`` the exception being handled before sending.
    try:
        raise exc
    except BaseException:
        got_request_exception.send(sender=None, request=_unwrap(request))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Turn any exception raised in a DRF view into the configured error envelope.

    Set ``REST_FRAMEWORK["EXCEPTION_HANDLER"] = "restflow.exceptions.exception_handler"``.
    Every exception gets a response, unknown ones a 500 ``internal_error``
    (see :func:`~restflow.exceptions.mapping.describe_exception` for the
    table). Headers DRF attaches (``WWW-Authenticate``, ``Retry-After``) are
    kept, and the open ``ATOMIC_REQUESTS`` transaction is marked for
    rollback as DRF's own handler does. The handler never awaits, so sync
    and async views can both call it.
    """
    request = context.get("request") if context else None
    error = describe_exception(exc, expose_internal=expose_internal_errors())
    set_rollback()
    report_exception(exc, error, request)
    response = get_envelope().drf_response(error, request)
    # Marks the response as an envelope, so RestflowMiddleware leaves it alone.
    response.restflow_error = error  # type: ignore[attr-defined]
    return response
