"""``APIView`` and ``AsyncAPIView``: DRF's view with restflow helpers, sync and async.

``AsyncAPIView.dispatch`` runs authentication, permissions, throttles, the
handler and the exception handler on the event loop. A component with an
async hook (``aauthenticate``, ``ahas_permission``, ``aallow_request``) is
awaited. A sync-only one runs in a worker thread through ``sync_to_async``,
and neighbouring sync-only permissions or throttles share one hop.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponseBase
from rest_framework import exceptions
from rest_framework import views as drf_views
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import ForcedAuthentication, Request

from restflow.permissions.hooks import is_async_permission, is_inline_permission
from restflow.views.async_helpers import AsyncHelpersMixin
from restflow.views.helpers import APIViewHelpersMixin
from restflow.views.postfetch import aperform_post_fetches, perform_post_fetches

logger = logging.getLogger(__name__)

# Component classes already reported as running in a worker thread.
_REPORTED_FALLBACKS: set[type] = set()


def _report_thread_fallback(component: Any, hook: str) -> None:
    """Log once per class that a sync-only component runs in a worker thread."""
    cls = type(component)
    if cls in _REPORTED_FALLBACKS:
        return
    _REPORTED_FALLBACKS.add(cls)
    logger.debug(
        "%s.%s has no async twin; async views call it in a worker thread",
        cls.__qualname__,
        hook,
    )


__all__ = [
    "APIView",
    "APIViewHelpersMixin",
    "AsyncAPIView",
    "aperform_post_fetches",
    "perform_post_fetches",
]


def _denied_permission(permissions: list[Any], request: Request, view: Any) -> Any:
    for permission in permissions:
        if not permission.has_permission(request, view):
            return permission
    return None


def _denied_object_permission(permissions: list[Any], request: Request, view: Any, obj: Any) -> Any:
    for permission in permissions:
        if not permission.has_object_permission(request, view, obj):
            return permission
    return None


_STOCK_NEGOTIATION: dict[type, bool] = {}


def _stock_negotiation(cls: type) -> bool:
    # A view that overrides perform_content_negotiation decides for itself.
    known = _STOCK_NEGOTIATION.get(cls)
    if known is None:
        known = _STOCK_NEGOTIATION[cls] = (
            getattr(cls, "perform_content_negotiation", None)
            is drf_views.APIView.perform_content_negotiation
        )
    return known


def _throttle_waits(throttles: list[Any], request: Request, view: Any) -> list[Any]:
    return [throttle.wait() for throttle in throttles if not throttle.allow_request(request, view)]


class APIView(APIViewHelpersMixin, drf_views.APIView):
    """DRF's ``APIView`` (sync dispatch unchanged) with the restflow helpers."""


class AsyncAPIView(AsyncHelpersMixin, APIView):
    """An ``APIView`` whose ``dispatch`` is a coroutine; handlers may be ``async def``.

    Runs under ASGI natively and under WSGI through Django's async adapter.
    A sync handler (``def get``) runs in a worker thread, so it may use the
    sync ORM.
    """

    # Django reads this to mark the view function as a coroutine function.
    view_is_async = True

    async def dispatch(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        self.args = args
        self.kwargs = kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers

        try:
            await self.ainitial(drf_request, *args, **kwargs)
            method = drf_request.method.lower() if drf_request.method else ""
            if method in self.http_method_names and hasattr(self, method):
                response = await self._acall_handler(method, drf_request, *args, **kwargs)
            else:
                response = self.http_method_not_allowed(drf_request, *args, **kwargs)
        except Exception as exc:
            response = await self.ahandle_exception(exc)

        self.response = await self.afinalize_response(drf_request, response, *args, **kwargs)  # type: ignore[assignment]
        return self.response

    async def _acall_handler(self, method: str, request: Request, *args: Any, **kwargs: Any) -> Any:
        handler: Callable[..., Any] = getattr(self, method)
        if inspect.iscoroutinefunction(handler):
            return await handler(request, *args, **kwargs)
        result = await sync_to_async(handler)(request, *args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def ainitial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Negotiate content and version, then authenticate, check permissions and throttle."""
        self.format_kwarg = self.get_format_suffix(**kwargs)
        negotiated = None
        if _stock_negotiation(type(self)):
            negotiated = self._aobvious_renderer(request)
        if negotiated is None:
            negotiated = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = negotiated
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme

        await self.aperform_authentication(request)
        await self.acheck_permissions(request)
        await self.acheck_throttles(request)

    def _aobvious_renderer(self, request: Request) -> tuple[Any, str] | None:
        """Return DRF's negotiation result when the request leaves no choice, else None.

        With no format suffix or ``?format=``, and an ``Accept`` header that
        is absent, ``*/*`` or exactly the first renderer's media type, DRF's
        ``DefaultContentNegotiation`` picks the first renderer. Parsing the
        header and ranking media types would only confirm that.
        """
        if self.format_kwarg:
            return None
        negotiator = self.get_content_negotiator()
        if type(negotiator) is not DefaultContentNegotiation:
            return None
        django_request = request._request
        override = negotiator.settings.URL_FORMAT_OVERRIDE
        if override and override in django_request.GET:
            return None
        renderers = self.get_renderers()
        if not renderers:
            return None
        first = renderers[0]
        media_type = first.media_type
        if not isinstance(media_type, str) or ";" in media_type or "*" in media_type:
            return None
        accept = django_request.META.get("HTTP_ACCEPT")
        if accept is None or accept == "*/*":
            return first, media_type
        if accept == media_type:
            return first, accept
        return None

    async def aperform_authentication(self, request: Any) -> None:
        """Set ``request.user`` and ``request.auth`` from the first authenticator that succeeds.

        Each authenticator's ``aauthenticate`` is awaited when it has one;
        otherwise ``authenticate`` runs in a worker thread. An authenticator
        that raises marks the request anonymous and the error propagates.
        """
        for authenticator in request.authenticators:
            try:
                result = await self._aauthenticate_with(authenticator, request)
            except exceptions.APIException:
                request._not_authenticated()
                raise
            if result is not None:
                request._authenticator = authenticator
                request.user, request.auth = result
                return
        request._not_authenticated()

    @staticmethod
    async def _aauthenticate_with(authenticator: Any, request: Request) -> Any:
        hook = getattr(authenticator, "aauthenticate", None)
        if hook is not None:
            return await hook(request)
        if isinstance(authenticator, ForcedAuthentication):
            # The test client's forced user: a stored tuple, no I/O.
            return authenticator.authenticate(request)
        _report_thread_fallback(authenticator, "authenticate")
        return await sync_to_async(authenticator.authenticate)(request)

    async def acheck_permissions(self, request: Request) -> None:
        """Raise ``PermissionDenied`` or ``NotAuthenticated`` unless every permission grants."""
        pending: list[Any] = []
        permission: Any
        for permission in self.get_permissions():
            inline = is_inline_permission(permission)
            if not inline and not is_async_permission(permission):
                _report_thread_fallback(permission, "has_permission")
                pending.append(permission)
                continue
            # Earlier permissions are checked first, so the first refusal names the right one.
            if pending:
                await self._acheck_sync_permissions(pending, request)
                pending = []
            if inline:
                granted = permission.has_permission(request, self)
            else:
                granted = await permission.ahas_permission(request, self)
            if not granted:
                self._deny(request, permission)
        if pending:
            await self._acheck_sync_permissions(pending, request)

    async def _acheck_sync_permissions(self, permissions: list[Any], request: Request) -> None:
        denied = await sync_to_async(_denied_permission)(permissions, request, self)
        if denied is not None:
            self._deny(request, denied)

    async def acheck_object_permissions(self, request: Request, obj: Any) -> None:
        """Raise ``PermissionDenied`` or ``NotAuthenticated`` unless every permission grants obj."""
        pending: list[Any] = []
        permission: Any
        for permission in self.get_permissions():
            inline = is_inline_permission(permission)
            if not inline and not callable(getattr(permission, "ahas_object_permission", None)):
                _report_thread_fallback(permission, "has_object_permission")
                pending.append(permission)
                continue
            if pending:
                await self._acheck_sync_object_permissions(pending, request, obj)
                pending = []
            if inline:
                granted = permission.has_object_permission(request, self, obj)
            else:
                granted = await permission.ahas_object_permission(request, self, obj)
            if not granted:
                self._deny(request, permission)
        if pending:
            await self._acheck_sync_object_permissions(pending, request, obj)

    async def _acheck_sync_object_permissions(
        self, permissions: list[Any], request: Request, obj: Any
    ) -> None:
        denied = await sync_to_async(_denied_object_permission)(permissions, request, self, obj)
        if denied is not None:
            self._deny(request, denied)

    def _deny(self, request: Request, permission: Any) -> None:
        self.permission_denied(
            request,
            message=getattr(permission, "message", None),
            code=getattr(permission, "code", None),
        )

    async def acheck_throttles(self, request: Request) -> None:
        """Raise ``Throttled`` (429) with the longest wait when any throttle denies."""
        waits: list[Any] = []
        pending: list[Any] = []
        for throttle in self.get_throttles():
            hook = getattr(throttle, "aallow_request", None)
            if hook is None:
                _report_thread_fallback(throttle, "allow_request")
                pending.append(throttle)
                continue
            if not await hook(request, self):
                wait = throttle.wait()
                waits.append(await wait if inspect.isawaitable(wait) else wait)
        if pending:
            waits.extend(await sync_to_async(_throttle_waits)(pending, request, self))
        if waits:
            durations = [wait for wait in waits if wait is not None]
            self.throttled(request, max(durations, default=None))  # type: ignore[arg-type]

    async def ahandle_exception(self, exc: Exception) -> Any:
        """Turn ``exc`` into a response with the configured exception handler.

        The handler's result is awaited when it is awaitable. An exception the
        handler does not handle is re-raised.
        """
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            auth_header = self.get_authenticate_header(self.request)
            if auth_header:
                exc.auth_header = auth_header  # type: ignore[union-attr]
            else:
                exc.status_code = 403

        handler = self.get_exception_handler()
        context = self.get_exception_handler_context()
        response = handler(exc, context)
        if inspect.isawaitable(response):
            response = await response
        if response is None:
            self.raise_uncaught_exception(exc)
        response.exception = True
        return response

    async def afinalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        """Attach the renderer and headers to ``response`` (DRF's ``finalize_response``)."""
        return self.finalize_response(request, response, *args, **kwargs)
