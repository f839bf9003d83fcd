"""Token views: obtain a pair, refresh (with rotation), and blacklist at logout.

Mount them with::

    path("api/auth/token/", TokenObtainView.as_view()),
    path("api/auth/token/refresh/", TokenRefreshView.as_view()),
    path("api/auth/token/blacklist/", TokenBlacklistView.as_view()),

Every failure is a 401 whose code names the reason. Wrong credentials,
unknown users and inactive users get the same response.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import aauthenticate
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.response import Response

from restflow.authentication.cookies import (
    aenforce_csrf,
    cookies_enabled,
    delete_token_cookies,
    get_refresh_cookie,
    set_token_cookies,
)
from restflow.authentication.errors import KeySettingsError, TokenError
from restflow.authentication.grace import agrace_pair, amark_rotating, aremember_pair
from restflow.authentication.jwt import (
    AccessToken,
    RefreshToken,
    auser_passes_rule,
    get_jwt_settings,
)
from restflow.authentication.jwt_authentication import JWTAuthentication, get_header_types
from restflow.authentication.revocation import (
    aclaim_rotation,
    ais_family_revoked,
    ais_token_revoked,
    arevoke_family,
    arevoke_token,
)
from restflow.authentication.serializers import (
    TokenBlacklistSerializer,
    TokenObtainSerializer,
    TokenRefreshSerializer,
)
from restflow.views import AsyncAPIView

__all__ = ["TokenBlacklistView", "TokenObtainView", "TokenRefreshView", "TokenViewBase"]

_NO_ACCOUNT = "No active account found with the given credentials."


def _no_account() -> AuthenticationFailed:
    return AuthenticationFailed(_NO_ACCOUNT, code="no_active_account")


def _blacklisted() -> AuthenticationFailed:
    return AuthenticationFailed("Token has been blacklisted.", code="token_blacklisted")


def _verify_refresh(raw: str) -> RefreshToken:
    try:
        return RefreshToken.verify(raw)
    except KeySettingsError:
        raise AuthenticationFailed("Token is invalid.", code="invalid_token") from None
    except TokenError as exc:
        raise AuthenticationFailed(str(exc), code="invalid_token") from None


class TokenViewBase(AsyncAPIView):
    """Shared parts of the token views: no authentication, 401 challenges, POST only."""

    authentication_classes: Any = ()
    permission_classes: Any = ()
    http_method_names = ["post", "options"]

    def get_authenticate_header(self, request: Any) -> str:
        return f'{get_header_types()[0]} realm="api"'

    async def validated_body(self) -> dict[str, Any]:
        """Validate the body with ``serializer_class``; raise a 400 naming the bad fields."""
        serializer = await self.avalidated_serializer()
        return dict(serializer.validated_data)

    async def refresh_from(self, request: Any, body: dict[str, Any]) -> str:
        """Return the refresh token from the body, or from the cookie after a CSRF check."""
        raw = body.get("refresh")
        if raw:
            return str(raw)
        cookie = get_refresh_cookie(request)
        if cookie:
            # Browsers attach cookies to cross-site requests, so a cookie alone needs CSRF.
            await aenforce_csrf(request)
            return cookie
        raise ValidationError({"refresh": ["This field is required."]}, code="required")

    def pair_response(
        self, access: AccessToken, refresh: RefreshToken | None, status_code: int = 200
    ) -> Response:
        data = {"access": access.raw}
        if refresh is not None:
            data["refresh"] = refresh.raw
        response = Response(data, status=status_code)
        if cookies_enabled():
            set_token_cookies(response, access, refresh)
        return response


class TokenObtainView(TokenViewBase):
    """Exchange ``{"username", "password"}`` for ``{"access", "refresh"}``."""

    serializer_class = TokenObtainSerializer

    async def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        body = await self.validated_body()
        # Django's ModelBackend hashes the password even for an unknown user, so
        # the time taken does not reveal whether the account exists.
        user = await aauthenticate(
            request=request._request, username=body["username"], password=body["password"]
        )
        if user is None or not await auser_passes_rule(user):
            raise _no_account()
        # A TokenError here is a server-side key problem (restflow.E051/E052), hence a 500.
        refresh = RefreshToken.for_user(user)
        return self.pair_response(refresh.access_token, refresh)


class TokenRefreshView(TokenViewBase):
    """Exchange ``{"refresh"}`` for a new access token, and a new refresh token with rotation.

    The user is looked up again: a deleted, inactive or rule-failing user,
    or a password changed since the token was issued (``CHECK_REVOKE_TOKEN``),
    ends the session. With ``ROTATE_REFRESH_TOKENS`` and the blacklist on,
    the old token is blacklisted first (atomically) and only then is a new
    pair minted, so a refresh token works once. Presenting it again revokes
    every token of its family. Within ``REFRESH_REUSE_GRACE_PERIOD`` it
    returns the pair already minted for it instead.
    """

    serializer_class = TokenRefreshSerializer

    async def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        body = await self.validated_body()
        token = _verify_refresh(await self.refresh_from(request, body))
        jwt_settings = get_jwt_settings()
        blacklist_on = bool(jwt_settings.BLACKLIST_ENABLED)

        if blacklist_on and await ais_token_revoked(token):
            return await self._reused(token)

        user = await JWTAuthentication().aget_user(token)
        if not await auser_passes_rule(user):
            raise _no_account()

        if not jwt_settings.ROTATE_REFRESH_TOKENS:
            return self.pair_response(AccessToken.for_user(user, family=token.family), None)

        if blacklist_on and not await aclaim_rotation(token):
            # Another request rotated this token between our check and our claim.
            return await self._reused(token)
        await amark_rotating(token.jti)
        refresh = RefreshToken.for_user(user, family=token.family or token.jti)
        access = refresh.access_token
        await aremember_pair(token.jti, {"access": access.raw, "refresh": refresh.raw})
        return self.pair_response(access, refresh)

    async def _reused(self, token: RefreshToken) -> Response:
        if await ais_family_revoked(token):
            # Logged out, or revoked by an earlier reuse: nothing to hand out.
            raise _blacklisted()
        pair = await agrace_pair(token.jti)
        if pair is not None:
            # The pair was minted by this view moments ago; only its encoded form is needed.
            access = AccessToken(payload={}, raw=pair["access"], token_type="access")
            refresh = RefreshToken(payload={}, raw=pair["refresh"], token_type="refresh")
            return self.pair_response(access, refresh)
        await arevoke_family(token, reason="reused")
        raise _blacklisted()


class TokenBlacklistView(TokenViewBase):
    """Revoke ``{"refresh"}`` and every token of its login (logout), then return 204.

    Works whether or not ``BLACKLIST_ENABLED`` is on, and repeating it is
    harmless. A store that cannot record the logout makes it a 503.
    """

    serializer_class = TokenBlacklistSerializer

    async def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        body = await self.validated_body()
        token = _verify_refresh(await self.refresh_from(request, body))
        await arevoke_token(token)
        await arevoke_family(token, reason="logout")
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if cookies_enabled():
            delete_token_cookies(response)
        return response
