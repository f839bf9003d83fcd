"""``RestflowMiddleware``: request ids and the error envelope for errors raised outside DRF.

Put it first in ``MIDDLEWARE`` so that its request id covers every other
middleware and it receives the final response of every request. It runs
natively under WSGI and ASGI: Django gives it a coroutine ``get_response``
under ASGI and it awaits it with no thread hop. Each step is switched in
``RESTFLOW_SETTINGS["MIDDLEWARE"]`` and read per request.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import threading
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from contextvars import Token
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.signals import got_request_exception
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.urls import is_valid_path

from restflow.exceptions.codes import ErrorCode
from restflow.exceptions.envelopes import RestflowEnvelope
from restflow.exceptions.handler import expose_internal_errors, get_envelope, report_exception
from restflow.exceptions.mapping import (
    BAD_REQUEST_MESSAGE,
    NOT_FOUND_MESSAGE,
    PERMISSION_MESSAGE,
    ErrorInfo,
    describe_exception,
)
from restflow.logging import reset_request_id, set_request_id
from restflow.settings import SettingsError, restflow_settings, setting_path

__all__ = [
    "REQUEST_ID_MAX_LENGTH",
    "RestflowMiddleware",
    "csrf_failure",
    "envelope_applies",
    "is_valid_request_id",
    "new_request_id",
    "settings_error_response",
]

logger = logging.getLogger(__name__)

# An incoming id is copied into response headers and log lines, so only a
# short token of URL-safe characters is trusted; anything else is replaced.
REQUEST_ID_MAX_LENGTH = 128
_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]*")

# Request attribute where the got_request_exception receiver leaves an
# exception Django turned into a 500 page itself (raised in a middleware
# below this one, where process_exception is not called).
_UNHANDLED_ATTRIBUTE = "_restflow_unhandled_exception"

# Django's own 400 and 403 pages, made from a SuspiciousOperation (such as
# DisallowedHost), BadRequest, MultiPartParserError or PermissionDenied
# raised below this middleware, carry the ``_has_been_logged`` flag that
# django.utils.log.log_response sets (Django 5.2 and 6.x). A view's own
# 400 or 403 response does not, so the flag distinguishes the two.
_DJANGO_LOGGED_ATTRIBUTE = "_has_been_logged"
_DJANGO_ERROR_PAGES = {
    400: (ErrorCode.BAD_REQUEST.value, BAD_REQUEST_MESSAGE),
    403: (ErrorCode.PERMISSION_DENIED.value, PERMISSION_MESSAGE),
}


def new_request_id() -> str:
    """Return a new request id: the hex form of a random (version 4) UUID."""
    # What uuid.uuid4().hex returns, without building a UUID object on
    # every request: random bytes with the version and variant bits set.
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return raw.hex()


def is_valid_request_id(value: str) -> bool:
    """Return whether an incoming request id may be reused as it is."""
    return (
        0 < len(value) <= REQUEST_ID_MAX_LENGTH and _REQUEST_ID_PATTERN.fullmatch(value) is not None
    )


def envelope_applies(request: HttpRequest) -> bool:
    """Return whether errors on this request's path get the envelope (``ERROR_ENVELOPE_PATHS``)."""
    config = restflow_settings.MIDDLEWARE
    if not config.ERROR_ENVELOPE_ENABLED:
        return False
    path = request.path_info
    return any(path.startswith(prefix) for prefix in config.ERROR_ENVELOPE_PATHS)


def _is_enveloped(response: HttpResponseBase) -> bool:
    return getattr(response, "restflow_error", None) is not None


def _envelope_response(error: ErrorInfo, request: HttpRequest) -> HttpResponse:
    response = get_envelope().http_response(error, request)
    response.restflow_error = error  # type: ignore[attr-defined]
    return response


# An invalid RESTFLOW_SETTINGS fails every request the same way, so each
# distinct error is logged at most once per interval, with a count of the
# requests it failed meanwhile.
SETTINGS_ERROR_LOG_INTERVAL = 60.0
_settings_error_log_lock = threading.Lock()
_settings_error_log_state: dict[str, tuple[float, int]] = {}


def _log_settings_error(exc: SettingsError) -> None:
    text = str(exc)
    now = time.monotonic()
    with _settings_error_log_lock:
        last, suppressed = _settings_error_log_state.get(text, (None, 0))
        if last is not None and now - last < SETTINGS_ERROR_LOG_INTERVAL:
            _settings_error_log_state[text] = (last, suppressed + 1)
            return
        _settings_error_log_state[text] = (now, 0)
    problem = exc.problems[0]
    repeats = f" ({suppressed} more request(s) failed since the last report)" if suppressed else ""
    logger.error(
        "RESTFLOW_SETTINGS is invalid (%s at %s), so every request gets a 500 "
        "internal_error until it is fixed: %s%s",
        problem.id,
        setting_path(*problem.path) if problem.path else "RESTFLOW_SETTINGS",
        text,
        repeats,
        extra={"status_code": 500},
    )


def settings_error_response(exc: SettingsError, request: HttpRequest) -> HttpResponse:
    """Return a 500 ``internal_error`` envelope for a request failed by invalid settings.

    The configured envelope and the envelope paths are settings too and
    cannot be read, so the built-in ``restflow`` envelope is used on every
    path. The message shows the ``SettingsError`` only when ``DEBUG`` is
    on. The error is logged at ERROR on ``restflow.middleware`` at most
    once per ``SETTINGS_ERROR_LOG_INTERVAL`` seconds for each distinct
    message. ``got_request_exception`` is not sent, because it would
    report the same error for every request.
    """
    _log_settings_error(exc)
    error = describe_exception(exc, expose_internal=bool(settings.DEBUG))
    response = RestflowEnvelope().http_response(error, request)
    response.restflow_error = error  # type: ignore[attr-defined]
    return response


def _remember_unhandled(sender: Any, request: Any = None, **kwargs: Any) -> None:
    exc = sys.exc_info()[1]
    if exc is not None and isinstance(request, HttpRequest):
        setattr(request, _UNHANDLED_ATTRIBUTE, exc)


got_request_exception.connect(_remember_unhandled, dispatch_uid="restflow.middleware.unhandled")


def _keep_request_id_while_streaming(response: HttpResponseBase, request_id: str) -> None:
    # A streaming body is produced after the middleware has returned and
    # reset the context variable. Wrapping it lets records logged meanwhile
    # carry the id. FileResponse is left alone, because replacing its
    # content would turn off the server's sendfile path.
    if not isinstance(response, StreamingHttpResponse) or isinstance(response, FileResponse):
        return
    content: Any = response.streaming_content
    if response.is_async:
        response.streaming_content = _aiter_with_request_id(content, request_id)
    else:
        response.streaming_content = _iter_with_request_id(content, request_id)


def _iter_with_request_id(content: Iterable[bytes], request_id: str) -> Iterator[bytes]:
    token = set_request_id(request_id)
    try:
        yield from content
    finally:
        _reset_if_same_context(token)


async def _aiter_with_request_id(
    content: AsyncIterable[bytes], request_id: str
) -> AsyncIterator[bytes]:
    token = set_request_id(request_id)
    try:
        async for chunk in content:
            yield chunk
    finally:
        _reset_if_same_context(token)


def _reset_if_same_context(token: Token[str | None]) -> None:
    # A generator that is closed by the garbage collector runs this in
    # whatever context is current then; leave that context's id alone.
    with contextlib.suppress(ValueError):
        reset_request_id(token)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Return a 403 ``csrf_failed`` envelope for a failed CSRF check on envelope paths.

    Point Django at it with ``CSRF_FAILURE_VIEW = "restflow.middleware.csrf_failure"``.
    Outside ``ERROR_ENVELOPE_PATHS`` Django's own CSRF failure page is returned.
    """
    if not envelope_applies(request):
        from django.views.csrf import csrf_failure as django_csrf_failure

        return django_csrf_failure(request, reason)
    message = f"CSRF verification failed. {reason}".strip()
    return _envelope_response(ErrorInfo(403, ErrorCode.CSRF_FAILED.value, message), request)


class RestflowMiddleware:
    """Give each request an id and put errors raised outside DRF in the envelope.

    Steps, in order:

    1. request id: reuse a valid ``MIDDLEWARE.REQUEST_ID_HEADER`` when
       ``TRUST_REQUEST_ID_HEADER`` is set, else generate a uuid4 hex; store
       it on ``request.request_id`` and in the context variable read by
       :class:`restflow.logging.RequestIdFilter` (also while a streaming
       body is produced), and echo it on the response;
    2. a 404 envelope for a non-GET request to an envelope path that only
       resolves with a trailing slash (:meth:`reject_missing_slash`), else
       the rest of the middleware chain and the view, or a cached response
       when a ``MIDDLEWARE.CACHE_RULES`` route rule matches
       (:meth:`get_view_response`);
    3. the envelope, on ``ERROR_ENVELOPE_PATHS``, for a 404 of an unknown
       URL, an exception from a plain Django view (:meth:`process_exception`)
       and an exception that Django turned into a 400, 403 or 500 page.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __repr__(self) -> str:
        return f"<RestflowMiddleware async={self.async_mode}>"

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        try:
            token = self.start_request(request)
        except SettingsError as exc:
            return settings_error_response(exc, request)
        try:
            rejected = self.reject_missing_slash(request)
            if rejected is not None:
                return self.finish_response(request, rejected)
            response = self.get_view_response(request)
            return self.finish_response(request, response)
        finally:
            if token is not None:
                reset_request_id(token)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            token = self.start_request(request)
        except SettingsError as exc:
            return settings_error_response(exc, request)
        try:
            rejected = self.reject_missing_slash(request)
            if rejected is not None:
                return self.finish_response(request, rejected)
            response = await self.aget_view_response(request)
            return self.finish_response(request, response)
        finally:
            if token is not None:
                reset_request_id(token)

    # --- request id ---------------------------------------------------------

    def get_request_id(self, request: HttpRequest) -> str:
        """Return the id for ``request``: a trusted, valid incoming header, else a new uuid4 hex."""
        config = restflow_settings.MIDDLEWARE
        if config.TRUST_REQUEST_ID_HEADER:
            incoming = request.headers.get(config.REQUEST_ID_HEADER)
            if incoming and is_valid_request_id(incoming):
                return incoming
        return new_request_id()

    def start_request(self, request: HttpRequest) -> Token[str | None] | None:
        """Assign the request id, when enabled, and make it current for log records.

        This is the first read of ``RESTFLOW_SETTINGS`` in a request, so an
        invalid value raises :class:`~restflow.settings.SettingsError` here,
        and the caller returns :func:`settings_error_response` for it.
        """
        if not restflow_settings.MIDDLEWARE.REQUEST_ID_ENABLED:
            return None
        request_id = self.get_request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        return set_request_id(request_id)

    # --- response caching ---------------------------------------------------

    def get_view_response(self, request: HttpRequest) -> HttpResponseBase:
        """Return the response of the rest of the chain, through route-rule caching.

        With ``MIDDLEWARE.CACHE_RULES`` set, a matching GET or HEAD request is
        served from the cache, or its response stored there, by
        :func:`restflow.caching.middleware.route_cache_response`. Otherwise
        the chain is called directly.
        """
        if not restflow_settings.MIDDLEWARE.CACHE_RULES:
            return self.get_response(request)  # type: ignore[no-any-return]
        # Imported here so projects without cache rules never load restflow.caching.
        from restflow.caching.middleware import route_cache_response

        return route_cache_response(request, self.get_response)  # type: ignore[no-any-return]

    async def aget_view_response(self, request: HttpRequest) -> HttpResponseBase:
        """Async twin of :meth:`get_view_response`."""
        if not restflow_settings.MIDDLEWARE.CACHE_RULES:
            return await self.get_response(request)  # type: ignore[no-any-return]
        from restflow.caching.middleware import aroute_cache_response

        return await aroute_cache_response(request, self.get_response)  # type: ignore[no-any-return]

    # --- errors -------------------------------------------------------------

    def reject_missing_slash(self, request: HttpRequest) -> HttpResponse | None:
        """Return a 404 envelope for a non-GET request that only resolves with a trailing slash.

        With ``APPEND_SLASH``, Django's ``CommonMiddleware`` redirects such a
        request with a 301, which clients follow as a GET, so a POST to
        ``/api/products`` would quietly list products instead of creating
        one (under ``DEBUG`` Django raises ``RuntimeError`` instead). On the
        envelope paths, methods other than GET and HEAD get a 404 naming the
        URL with the slash; GET and HEAD keep Django's redirect. Returns
        ``None`` when the request goes on.
        """
        if request.method in ("GET", "HEAD") or not settings.APPEND_SLASH:
            return None
        path = request.path_info
        if path.endswith("/") or not envelope_applies(request):
            return None
        urlconf = getattr(request, "urlconf", None)
        if is_valid_path(path, urlconf) or not is_valid_path(f"{path}/", urlconf):
            return None
        url = f"{request.path}/"
        query = request.META.get("QUERY_STRING", "")
        if query:
            url = f"{url}?{query}"
        message = (
            f"No route matches {request.path!r}. Send the {request.method} request to "
            f"{url!r} (with the trailing slash). It is not redirected there, because "
            f"clients repeat a redirected {request.method} as a GET."
        )
        return _envelope_response(ErrorInfo(404, ErrorCode.NOT_FOUND.value, message), request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Return the envelope for an exception from a plain Django view on an envelope path.

        DRF views never get here: their exceptions go through
        ``exception_handler`` first. Returns ``None`` off envelope paths so
        Django's own handling runs. Django calls this hook in a worker
        thread under ASGI; only the error path pays for that hop.
        """
        if not envelope_applies(request):
            return None
        error = describe_exception(exception, expose_internal=expose_internal_errors())
        report_exception(exception, error, request)
        return _envelope_response(error, request)

    def finish_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """Apply the envelope to Django's own error pages and echo the request id."""
        if not _is_enveloped(response) and envelope_applies(request):
            response = self.envelope_django_error(request, response)
        request_id = getattr(request, "request_id", None)
        if request_id is not None and restflow_settings.MIDDLEWARE.REQUEST_ID_ENABLED:
            response[restflow_settings.MIDDLEWARE.REQUEST_ID_HEADER] = request_id
            _keep_request_id_while_streaming(response, request_id)
        return response

    def envelope_django_error(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Replace a 404 for an unresolved URL, or Django's 400, 403 or 500 page, by the envelope.

        Django's 400 and 403 pages come from an exception raised in a
        middleware below this one (``DisallowedHost`` from an unknown
        ``Host`` header, ``PermissionDenied``, ``BadRequest``), and become
        ``bad_request`` and ``permission_denied``. Other responses, error
        statuses returned on purpose by a view included, pass through
        unchanged.
        """
        status = response.status_code
        if status == 404 and getattr(request, "resolver_match", None) is None:
            error = ErrorInfo(404, ErrorCode.NOT_FOUND.value, NOT_FOUND_MESSAGE)
            return _envelope_response(error, request)
        if status in _DJANGO_ERROR_PAGES and getattr(response, _DJANGO_LOGGED_ATTRIBUTE, False):
            code, message = _DJANGO_ERROR_PAGES[status]
            enveloped = _envelope_response(ErrorInfo(status, code, message), request)
            # Django logged this error when it made the page; keep its
            # handler from logging the replacement a second time.
            setattr(enveloped, _DJANGO_LOGGED_ATTRIBUTE, True)
            return enveloped
        unhandled = getattr(request, _UNHANDLED_ATTRIBUTE, None)
        if status >= 500 and unhandled is not None:
            error = describe_exception(unhandled, expose_internal=expose_internal_errors())
            return _envelope_response(error, request)
        return response
