"""DRF's authenticators with an async ``aauthenticate`` next to their sync ``authenticate``.

Each class subclasses the DRF class of the same name, so the sync path and
every message are DRF's. Async views call ``aauthenticate``, which does its
I/O through Django's async auth and ORM APIs.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import aauthenticate, get_user_model
from rest_framework import HTTP_HEADER_ENCODING, authentication, exceptions
from rest_framework.authentication import get_authorization_header

__all__ = [
    "BaseAuthentication",
    "BasicAuthentication",
    "RemoteUserAuthentication",
    "SessionAuthentication",
    "TokenAuthentication",
    "get_authorization_header",
]

AuthResult = tuple[Any, Any] | None


class BaseAuthentication(authentication.BaseAuthentication):
    """DRF's base authenticator plus ``aauthenticate``.

    The default ``aauthenticate`` runs the sync :meth:`authenticate` in a
    thread, so a subclass that only implements the sync method keeps
    working in async views. Override ``aauthenticate`` to avoid the hop.
    """

    async def aauthenticate(self, request: Any) -> AuthResult:
        """Async twin of ``authenticate``: return ``(user, auth)`` or None."""
        return await sync_to_async(self.authenticate, thread_sensitive=True)(request)  # type: ignore[no-any-return]


def _split_header(request: Any, keyword: bytes) -> list[bytes] | None:
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() != keyword.lower():
        return None
    return parts


class BasicAuthentication(BaseAuthentication, authentication.BasicAuthentication):
    """HTTP Basic authentication; the async path checks credentials with ``aauthenticate``."""

    async def aauthenticate(self, request: Any) -> AuthResult:
        parts = _split_header(request, b"basic")
        if parts is None:
            return None
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed("Invalid basic header. No credentials provided.")
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed(
                "Invalid basic header. Credentials string should not contain spaces."
            )
        try:
            decoded = base64.b64decode(parts[1], validate=False)
            try:
                text = decoded.decode("utf-8")
            except UnicodeDecodeError:
                text = decoded.decode("latin-1")
            userid, password = text.split(":", 1)
        except (TypeError, ValueError, UnicodeDecodeError, binascii.Error):
            raise exceptions.AuthenticationFailed(
                "Invalid basic header. Credentials not correctly base64 encoded."
            )
        return await self.aauthenticate_credentials(userid, password, request)

    async def aauthenticate_credentials(
        self, userid: str, password: str, request: Any = None
    ) -> tuple[Any, None]:
        """Async twin of ``authenticate_credentials``: check the pair against the auth backends."""
        credentials = {get_user_model().USERNAME_FIELD: userid, "password": password}
        user = await aauthenticate(request=request, **credentials)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid username/password.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (user, None)


class SessionAuthentication(BaseAuthentication, authentication.SessionAuthentication):
    """Django session authentication; unsafe methods must pass the CSRF check, as in DRF."""

    async def aauthenticate(self, request: Any) -> AuthResult:
        django_request = request._request
        auser = getattr(django_request, "auser", None)
        if auser is not None:
            user = await auser()
        else:
            user = getattr(django_request, "user", None)
        if not user or not getattr(user, "is_active", False):
            return None
        if getattr(settings, "CSRF_USE_SESSIONS", False):
            # The CSRF token lives in the session, whose first read is a sync query.
            await sync_to_async(self.enforce_csrf, thread_sensitive=True)(request)
        else:
            # Cookie-based CSRF is pure computation over data already in memory.
            self.enforce_csrf(request)
        return (user, None)


class TokenAuthentication(BaseAuthentication, authentication.TokenAuthentication):
    """DRF's ``Token <key>`` authentication with an async ORM lookup."""

    async def aauthenticate(self, request: Any) -> AuthResult:
        parts = _split_header(request, self.keyword.encode(HTTP_HEADER_ENCODING))
        if parts is None:
            return None
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed("Invalid token header. No credentials provided.")
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header. Token string should not contain spaces."
            )
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                "Invalid token header. Token string should not contain invalid characters."
            )
        return await self.aauthenticate_credentials(key)

    async def aauthenticate_credentials(self, key: str) -> tuple[Any, Any]:
        """Async twin of ``authenticate_credentials``: look the key up with its user."""
        model: Any = self.get_model()
        try:
            token = await model.objects.select_related("user").aget(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return (token.user, token)


class RemoteUserAuthentication(BaseAuthentication, authentication.RemoteUserAuthentication):
    """Trust the user name a front server put in ``header`` (``REMOTE_USER`` by default)."""

    async def aauthenticate(self, request: Any) -> AuthResult:
        user = await aauthenticate(request=request, remote_user=request.META.get(self.header))
        if user and user.is_active:
            return (user, None)
        return None
