"""drf-spectacular extensions for restflow's authentication classes and token views.

Importing this module registers them with drf-spectacular.
``restflow.spectacular.schema`` imports it, so any project that names
``RestflowAutoSchema`` gets them; a project on drf-spectacular's own
``AutoSchema`` imports this module once, for example in an
``AppConfig.ready()``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import BasicScheme, SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiViewExtension
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers

__all__ = [
    "JWTAuthenticationScheme",
    "RestflowBasicScheme",
    "RestflowSessionScheme",
    "TokenBlacklistViewSchema",
    "TokenObtainViewSchema",
    "TokenRefreshViewSchema",
]

HEADER_SCHEME_NAME = "jwtAuth"
COOKIE_SCHEME_NAME = "jwtCookieAuth"


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Document ``JWTAuthentication`` as a bearer JWT security scheme.

    With the first of ``JWT.AUTH_HEADER_TYPES`` other than ``Bearer`` the
    scheme is an ``Authorization`` API key whose description gives the
    prefix, because OpenAPI's ``http`` scheme only allows registered
    schemes. With ``JWT.AUTH_COOKIE_ENABLED`` the access cookie is a second,
    alternative scheme.
    """

    target_class = "restflow.authentication.jwt_authentication.JWTAuthentication"
    match_subclasses = True

    @property
    def name(self) -> str | list[str]:  # type: ignore[override]
        if self._cookie_enabled():
            return [HEADER_SCHEME_NAME, COOKIE_SCHEME_NAME]
        return HEADER_SCHEME_NAME

    @staticmethod
    def _cookie_enabled() -> bool:
        from restflow.authentication.cookies import cookies_enabled

        return cookies_enabled()

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any] | list[dict[str, Any]]:
        from restflow.authentication.jwt import get_jwt_settings
        from restflow.authentication.jwt_authentication import get_header_types

        header_type = get_header_types()[0]
        if header_type.lower() == "bearer":
            header: dict[str, Any] = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
        else:
            header = {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": f'JWT access token, sent as "Authorization: {header_type} <token>".',
            }
        if not self._cookie_enabled():
            return header
        cookie = {
            "type": "apiKey",
            "in": "cookie",
            "name": get_jwt_settings().AUTH_COOKIE_ACCESS_NAME,
            "description": "JWT access token in the cookie set by the token views.",
        }
        return [header, cookie]

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]] | list[Any]:
        names = self.name
        if isinstance(names, str):
            return {names: []}
        return [{name: []} for name in names]


class RestflowSessionScheme(SessionScheme):
    """Document restflow's ``SessionAuthentication`` as drf-spectacular documents DRF's."""

    target_class = "restflow.authentication.authentication.SessionAuthentication"
    match_subclasses = True


class RestflowBasicScheme(BasicScheme):
    """Document restflow's ``BasicAuthentication`` as drf-spectacular documents DRF's."""

    target_class = "restflow.authentication.authentication.BasicAuthentication"
    match_subclasses = True


def _token_pair(name: str, refresh_required: bool) -> Any:
    return inline_serializer(
        name,
        fields={
            "access": serializers.CharField(help_text="Access token for the Authorization header."),
            "refresh": serializers.CharField(
                required=refresh_required, help_text="Refresh token for the refresh view."
            ),
        },
    )


class _TokenViewSchema(OpenApiViewExtension):  # type: ignore[no-untyped-call]
    """Document a token view's real response and its 401 failures.

    The views validate the body with their ``serializer_class`` but return
    a token pair (or no body). Every failure is a 401, which a view without
    authentication classes would not list.
    """

    #: Error statuses the view returns beyond those its policies imply.
    error_statuses: tuple[int, ...] = (401,)

    def get_responses(self) -> dict[int, Any]:
        """Return the success responses of the view, by status."""
        raise NotImplementedError

    def view_replacement(self) -> type:
        attributes = {
            "__module__": self.target.__module__,
            "openapi_error_statuses": self.error_statuses,
        }
        replacement = type(self.target.__name__, (self.target,), attributes)
        return extend_schema_view(post=extend_schema(responses=self.get_responses()))(replacement)


class TokenObtainViewSchema(_TokenViewSchema):
    """``TokenObtainView`` returns ``{"access", "refresh"}``."""

    target_class = "restflow.authentication.views.TokenObtainView"

    def get_responses(self) -> dict[int, Any]:
        return {200: _token_pair("TokenPair", refresh_required=True)}


class TokenRefreshViewSchema(_TokenViewSchema):
    """``TokenRefreshView`` returns ``{"access"}``, plus ``"refresh"`` when tokens rotate."""

    target_class = "restflow.authentication.views.TokenRefreshView"
    # 403 comes from the CSRF check on a refresh token sent as a cookie.
    error_statuses = (401, 403)

    def get_responses(self) -> dict[int, Any]:
        return {200: _token_pair("RefreshedTokenPair", refresh_required=False)}


class TokenBlacklistViewSchema(_TokenViewSchema):
    """``TokenBlacklistView`` returns 204 with no body."""

    target_class = "restflow.authentication.views.TokenBlacklistView"
    error_statuses = (401, 403)

    def get_responses(self) -> dict[int, Any]:
        return {204: None}
