"""``AsyncAPIRequestFactory`` and ``AsyncAPIClient``: ASGI requests with DRF-style bodies.

Bodies are rendered with ``REST_FRAMEWORK["TEST_REQUEST_RENDERER_CLASSES"]``,
JSON unless ``format=`` names another renderer. ``force_authenticate``
makes every request arrive as a given user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test.client import AsyncClient, AsyncClientHandler, AsyncRequestFactory
from django.utils.encoding import force_bytes
from rest_framework.settings import api_settings

__all__ = ["AsyncAPIClient", "AsyncAPIRequestFactory", "force_authenticate"]

_OCTET_STREAM = "application/octet-stream"


def force_authenticate(request: Any, user: Any = None, token: Any = None) -> None:
    """Make DRF treat ``request`` as authenticated as ``user`` with ``token``.

    DRF's ``Request`` then skips the view's authenticators.
    """
    request._force_auth_user = user
    request._force_auth_token = token


def _header_name(key: str) -> str:
    # Django 6.1's ASGI test requests drop header names with underscores, so
    # WSGI-style keys (HTTP_AUTHORIZATION, CONTENT_TYPE) become real header names.
    if key.startswith("HTTP_"):
        return key[5:].lower().replace("_", "-")
    if key.startswith("CONTENT_"):
        return key.lower().replace("_", "-")
    return key


def _as_headers(extra: dict[str, Any]) -> dict[str, Any]:
    return {_header_name(key): value for key, value in extra.items()}


def _named(function: Callable[..., Any], method: str, owner: str) -> Callable[..., Any]:
    function.__name__ = method.lower()
    function.__qualname__ = f"{owner}.{method.lower()}"
    return function


def _build_method(method: str) -> Callable[..., Any]:
    """Return the factory method that builds a ``method`` request with an encoded body."""

    def build(
        self: AsyncAPIRequestFactory,
        path: str,
        data: Any = None,
        format: str | None = None,
        content_type: str | None = None,
        **extra: Any,
    ) -> Any:
        body, media_type = self._encode_data(data, format, content_type)
        return self.generic(method, path, body, media_type, **extra)

    return _named(build, method, "AsyncAPIRequestFactory")


def _send_method(method: str) -> Callable[..., Any]:
    """Return the client coroutine method that sends a ``method`` request with an encoded body."""

    async def send(
        self: AsyncAPIClient,
        path: str,
        data: Any = None,
        format: str | None = None,
        content_type: str | None = None,
        follow: bool = False,
        secure: bool = False,
        **extra: Any,
    ) -> Any:
        return await self._send(method, path, data, format, content_type, follow, secure, extra)

    return _named(send, method, "AsyncAPIClient")


class _BodyEncoding:
    """Render request data the way the DRF test client does, JSON by default."""

    default_format = "json"

    def _encode_data(
        self, data: Any, format: str | None = None, content_type: str | None = None
    ) -> tuple[bytes, str]:
        if data is None:
            return b"", content_type or _OCTET_STREAM
        assert format is None or content_type is None, (
            "Pass either `format` or `content_type`, not both: `format` picks a renderer "
            "from TEST_REQUEST_RENDERER_CLASSES, `content_type` sends the data unchanged."
        )
        if content_type is not None:
            return force_bytes(data, settings.DEFAULT_CHARSET), content_type

        format = format or self.default_format
        renderer_classes: list[Any] = list(api_settings.TEST_REQUEST_RENDERER_CLASSES)
        renderers = {renderer.format: renderer for renderer in renderer_classes}
        assert format in renderers, (
            f"Unknown request format {format!r}. Formats from "
            f"TEST_REQUEST_RENDERER_CLASSES: {', '.join(sorted(renderers))}."
        )
        renderer = renderers[format]()
        body = renderer.render(data)
        media_type = renderer.media_type
        if renderer.charset:
            media_type = f"{media_type}; charset={renderer.charset}"
        if isinstance(body, str):
            body = body.encode(renderer.charset or settings.DEFAULT_CHARSET)
        return body, media_type


class AsyncAPIRequestFactory(_BodyEncoding, AsyncRequestFactory):
    """Build ASGI requests for calling async views directly: ``await view(request)``.

    CSRF checks are off unless ``enforce_csrf_checks=True``, as with DRF's factory.
    """

    def __init__(self, enforce_csrf_checks: bool = False, **defaults: Any) -> None:
        self.enforce_csrf_checks = enforce_csrf_checks
        super().__init__(**defaults)

    def generic(  # type: ignore[override]
        self,
        method: str,
        path: str,
        data: Any = "",
        content_type: str | None = _OCTET_STREAM,
        secure: bool = False,
        **extra: Any,
    ) -> Any:
        request: Any = super().generic(
            method, path, data, content_type or _OCTET_STREAM, secure, **_as_headers(extra)
        )
        request._dont_enforce_csrf_checks = not self.enforce_csrf_checks
        return request

    post = _build_method("POST")
    put = _build_method("PUT")
    patch = _build_method("PATCH")
    delete = _build_method("DELETE")
    options = _build_method("OPTIONS")


class _ForceAuthHandler(AsyncClientHandler):
    """Client handler that applies the client's forced user to each request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.force_user: Any = None
        self.force_token: Any = None
        super().__init__(*args, **kwargs)

    async def get_response_async(self, request: Any) -> Any:
        force_authenticate(request, self.force_user, self.force_token)
        return await super().get_response_async(request)


class AsyncAPIClient(_BodyEncoding, AsyncClient):
    """Django's ``AsyncClient`` with JSON bodies, ``credentials()`` and ``force_authenticate()``.

    Every request method is a coroutine::

        client = AsyncAPIClient()
        client.force_authenticate(user)
        response = await client.post("/api/products/", {"name": "Lamp"})
    """

    def __init__(self, enforce_csrf_checks: bool = False, **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks=enforce_csrf_checks, **defaults)
        self._auth_handler = _ForceAuthHandler(enforce_csrf_checks)
        self.handler = self._auth_handler
        self._credentials: dict[str, Any] = {}

    def credentials(self, **kwargs: Any) -> None:
        """Send these headers on every later request; ``credentials()`` clears them.

        Keys are WSGI-style names such as ``HTTP_AUTHORIZATION="Bearer ..."``.
        Raises ``ValueError`` for a key that starts with neither ``HTTP_`` nor ``CONTENT_``.
        """
        for key in kwargs:
            if not key.startswith(("HTTP_", "CONTENT_")):
                raise ValueError(
                    f"credentials() key {key!r} is not a header name; use a WSGI-style name "
                    "that starts with HTTP_ or CONTENT_, such as HTTP_AUTHORIZATION."
                )
        self._credentials = dict(kwargs)

    def force_authenticate(self, user: Any = None, token: Any = None) -> None:
        """Authenticate every later request as ``user``; call with no arguments to stop."""
        self._auth_handler.force_user = user
        self._auth_handler.force_token = token

    def logout(self) -> None:
        """Clear credentials, the forced user and the session."""
        self._credentials = {}
        self._auth_handler.force_user = None
        self._auth_handler.force_token = None
        super().logout()

    async def alogout(self) -> None:
        """Async twin of :meth:`logout`."""
        self._credentials = {}
        self._auth_handler.force_user = None
        self._auth_handler.force_token = None
        await super().alogout()

    def generic(  # type: ignore[override]
        self,
        method: str,
        path: str,
        data: Any = "",
        content_type: str | None = _OCTET_STREAM,
        secure: bool = False,
        **extra: Any,
    ) -> Any:
        merged = {**_as_headers(self._credentials), **_as_headers(extra)}
        return super().generic(method, path, data, content_type or _OCTET_STREAM, secure, **merged)

    async def _send(
        self,
        method: str,
        path: str,
        data: Any,
        format: str | None,
        content_type: str | None,
        follow: bool,
        secure: bool,
        extra: dict[str, Any],
    ) -> Any:
        body, media_type = self._encode_data(data, format, content_type)
        response = await self.generic(method, path, body, media_type, secure=secure, **extra)
        if follow:
            response = await self._ahandle_redirects(  # type: ignore[attr-defined]
                response, data=body, content_type=media_type, **_as_headers(extra)
            )
        return response

    post = _send_method("POST")
    put = _send_method("PUT")
    patch = _send_method("PATCH")
    delete = _send_method("DELETE")
    options = _send_method("OPTIONS")
