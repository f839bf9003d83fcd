"""Cookie transport for browser clients: tokens in HttpOnly cookies, guarded by CSRF.

With ``AUTH_COOKIE_ENABLED`` the token views also set the access and
refresh tokens as HttpOnly cookies, with ``Secure`` and ``SameSite`` from
the settings. The refresh and logout views accept the refresh cookie in
place of a body field, and ``JWTAuthentication`` accepts the access cookie
when no ``Authorization`` header is sent. Any request authenticated by a cookie
must pass Django's CSRF check on unsafe methods, because browsers attach
cookies to cross-site requests.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck

from restflow.authentication.jwt import AccessToken, RefreshToken, get_jwt_settings

__all__ = [
    "aenforce_csrf",
    "cookies_enabled",
    "delete_token_cookies",
    "enforce_csrf",
    "get_access_cookie",
    "get_refresh_cookie",
    "set_token_cookies",
]


def cookies_enabled() -> bool:
    """Return True when ``AUTH_COOKIE_ENABLED`` is on."""
    return bool(get_jwt_settings().AUTH_COOKIE_ENABLED)


def get_access_cookie(request: Any) -> str | None:
    """Return the access token cookie, or None when cookies are off or it is absent."""
    if not cookies_enabled():
        return None
    return request.COOKIES.get(get_jwt_settings().AUTH_COOKIE_ACCESS_NAME) or None


def get_refresh_cookie(request: Any) -> str | None:
    """Return the refresh token cookie, or None when cookies are off or it is absent."""
    if not cookies_enabled():
        return None
    return request.COOKIES.get(get_jwt_settings().AUTH_COOKIE_REFRESH_NAME) or None


def enforce_csrf(request: Any) -> None:
    """Raise ``PermissionDenied`` (403) when an unsafe request fails Django's CSRF check."""
    django_request = getattr(request, "_request", request)

    def no_response(_: Any) -> Any:
        return None

    check = CSRFCheck(no_response)
    check.process_request(django_request)
    # No view callback: the check must run even though DRF views are csrf_exempt.
    reason = check.process_view(django_request, None, (), {})  # type: ignore[arg-type]
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


async def aenforce_csrf(request: Any) -> None:
    """Async twin of :func:`enforce_csrf`.

    With ``CSRF_USE_SESSIONS`` the check reads the session, a sync query, so
    it runs in a worker thread; the cookie-based check runs on the loop.
    """
    if getattr(settings, "CSRF_USE_SESSIONS", False):
        await sync_to_async(enforce_csrf, thread_sensitive=True)(request)
    else:
        enforce_csrf(request)


def _cookie_options(max_age: int) -> dict[str, Any]:
    jwt_settings = get_jwt_settings()
    return {
        "max_age": max_age,
        "domain": jwt_settings.AUTH_COOKIE_DOMAIN,
        "path": jwt_settings.AUTH_COOKIE_PATH,
        "secure": jwt_settings.AUTH_COOKIE_SECURE,
        "httponly": True,
        "samesite": jwt_settings.AUTH_COOKIE_SAMESITE,
    }


def set_token_cookies(
    response: Any, access: AccessToken, refresh: RefreshToken | None = None
) -> None:
    """Set the access (and refresh) token cookies on ``response``, each expiring with its token."""
    jwt_settings = get_jwt_settings()
    response.set_cookie(
        jwt_settings.AUTH_COOKIE_ACCESS_NAME,
        access.raw,
        **_cookie_options(int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds())),
    )
    if refresh is not None:
        response.set_cookie(
            jwt_settings.AUTH_COOKIE_REFRESH_NAME,
            refresh.raw,
            **_cookie_options(int(jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds())),
        )


def delete_token_cookies(response: Any) -> None:
    """Expire both token cookies on ``response``."""
    jwt_settings = get_jwt_settings()
    for name in (jwt_settings.AUTH_COOKIE_ACCESS_NAME, jwt_settings.AUTH_COOKIE_REFRESH_NAME):
        response.delete_cookie(
            name,
            path=jwt_settings.AUTH_COOKIE_PATH,
            domain=jwt_settings.AUTH_COOKIE_DOMAIN,
            samesite=jwt_settings.AUTH_COOKIE_SAMESITE,
        )
