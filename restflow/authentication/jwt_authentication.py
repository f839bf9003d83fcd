"""``JWTAuthentication``: bearer access tokens for sync and async DRF views."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from rest_framework.exceptions import AuthenticationFailed

from restflow.authentication.authentication import BaseAuthentication, get_authorization_header
from restflow.authentication.cookies import aenforce_csrf, enforce_csrf, get_access_cookie
from restflow.authentication.errors import KeySettingsError, TokenError
from restflow.authentication.jwt import (
    AccessToken,
    Token,
    get_jwt_settings,
    password_hash_matches,
    validate_user_id_field,
)
from restflow.authentication.keys import _cached
from restflow.authentication.revocation import ais_token_revoked, is_token_revoked
from restflow.authentication.token_user import TokenUser
from restflow.settings import setting_path

__all__ = [
    "JWTAuthentication",
    "JWTStatelessUserAuthentication",
    "check_user",
    "get_header_types",
]

logger = logging.getLogger(__name__)


def get_header_types() -> tuple[str, ...]:
    """Return ``AUTH_HEADER_TYPES`` as a tuple (the first one is named in errors and challenges)."""
    return tuple(get_jwt_settings().AUTH_HEADER_TYPES)


@dataclass(frozen=True)
class _RequestPlan:
    """The settings every request reads, resolved once per settings generation."""

    header_types: tuple[str, ...]
    schemes: frozenset[str]
    blacklist_enabled: bool


def _build_request_plan() -> _RequestPlan:
    types = get_header_types()
    return _RequestPlan(
        header_types=types,
        schemes=frozenset(header_type.lower() for header_type in types),
        blacklist_enabled=bool(get_jwt_settings().BLACKLIST_ENABLED),
    )


def _request_plan() -> _RequestPlan:
    return _cached("request-plan", _build_request_plan)  # type: ignore[no-any-return]


def _invalid(exc: TokenError) -> AuthenticationFailed:
    if isinstance(exc, KeySettingsError):
        # A server-side setting is wrong; the client learns nothing about it.
        logger.error("JWT settings cannot verify tokens: %s", exc)
        return AuthenticationFailed("Token is invalid.", code="invalid_token")
    return AuthenticationFailed(str(exc), code="invalid_token")


def user_lookup(token: Token) -> dict[str, Any]:
    """Return the ORM lookup for the user named by ``token``.

    Raises ``AuthenticationFailed`` (``invalid_token``) when the claim is
    missing or ``USER_ID_FIELD`` is not allowed.
    """
    jwt_settings = get_jwt_settings()
    try:
        field = validate_user_id_field(jwt_settings.USER_ID_FIELD)
    except TokenError as exc:
        raise _invalid(exc) from None
    user_id = token.payload.get(jwt_settings.USER_ID_CLAIM)
    if user_id is None or not isinstance(user_id, (str, int)) or isinstance(user_id, bool):
        raise AuthenticationFailed(
            "Token contained no recognizable user identification.", code="invalid_token"
        )
    return {field: user_id}


def check_user(user: Any, token: Token | None = None) -> Any:
    """Return ``user`` when their token may still be trusted; raise ``AuthenticationFailed`` if not.

    Checks ``CHECK_USER_IS_ACTIVE`` and, with ``CHECK_REVOKE_TOKEN``, that
    the token's fingerprint matches the current password hash.
    """
    jwt_settings = get_jwt_settings()
    if jwt_settings.CHECK_USER_IS_ACTIVE and not getattr(user, "is_active", True):
        raise AuthenticationFailed("User is inactive.", code="user_inactive")
    if token is not None and jwt_settings.CHECK_REVOKE_TOKEN:
        fingerprint = token.payload.get(jwt_settings.REVOKE_TOKEN_CLAIM)
        if not password_hash_matches(user, fingerprint):
            raise AuthenticationFailed(
                "The user's password has been changed.", code="password_changed"
            )
    return user


_USER_NOT_FOUND = "User not found."
_NO_USER_ID = "Token contained no recognizable user identification."
_LOOKUP_ERRORS = (ValueError, TypeError, ValidationError)


class JWTAuthentication(BaseAuthentication):
    """Authenticate ``Authorization: Bearer <access token>`` requests.

    Returns ``(user, AccessToken)``. A header with another scheme returns
    None so the next authenticator runs. A malformed header fails with a
    401, and so does a token that is invalid, expired or blacklisted, or
    whose user is gone, inactive or has changed password; the ``code`` of
    the 401 names the reason.
    Works on plain sync DRF views (``authenticate``) and on async views
    (``aauthenticate``, with no thread hop when the blacklist store is
    async-capable).
    """

    www_authenticate_realm = "api"
    token_class: type[AccessToken] = AccessToken

    def authenticate_header(self, request: Any) -> str:
        return f'{get_header_types()[0]} realm="{self.www_authenticate_realm}"'

    def get_raw_token(self, request: Any) -> str | None:
        """Return the token from the ``Authorization`` header, or None when the header is not ours.

        Raises ``AuthenticationFailed`` when the header has our scheme but
        not exactly one token after it.
        """
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        scheme = parts[0].decode("latin-1").lower()
        plan = _request_plan()
        if scheme not in plan.schemes:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                f"Authorization header must be '{plan.header_types[0]} <token>'.",
                code="invalid_authorization_header",
            )
        try:
            return parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(
                "Token contains invalid characters.", code="invalid_token"
            ) from None

    def get_validated_token(self, raw: str) -> AccessToken:
        """Decode ``raw`` as an access token; raise ``AuthenticationFailed`` when it is not one."""
        try:
            return self.token_class.verify(raw)
        except TokenError as exc:
            raise _invalid(exc) from None

    def get_user(self, token: Token) -> Any:
        """Return the active user named by ``token``."""
        lookup = user_lookup(token)
        try:
            user = get_user_model()._default_manager.get(**lookup)
        except ObjectDoesNotExist:
            raise AuthenticationFailed(_USER_NOT_FOUND, code="user_not_found") from None
        except _LOOKUP_ERRORS:
            raise AuthenticationFailed(
                "Token contained no recognizable user identification.", code="invalid_token"
            ) from None
        return check_user(user, token)

    async def aget_user(self, token: Token) -> Any:
        """Async twin of :meth:`get_user`."""
        lookup = user_lookup(token)
        try:
            user = await get_user_model()._default_manager.aget(**lookup)
        except ObjectDoesNotExist:
            raise AuthenticationFailed(_USER_NOT_FOUND, code="user_not_found") from None
        except _LOOKUP_ERRORS:
            raise AuthenticationFailed(
                "Token contained no recognizable user identification.", code="invalid_token"
            ) from None
        return check_user(user, token)

    def _find_token(self, request: Any) -> tuple[str, bool] | None:
        raw = self.get_raw_token(request)
        if raw is not None:
            return raw, False
        cookie = get_access_cookie(request)
        return (cookie, True) if cookie else None

    def authenticate(self, request: Any) -> tuple[Any, AccessToken] | None:
        found = self._find_token(request)
        if found is None:
            return None
        raw, from_cookie = found
        token = self.get_validated_token(raw)
        if from_cookie:
            enforce_csrf(request)
        if _request_plan().blacklist_enabled and is_token_revoked(token):
            raise AuthenticationFailed("Token has been blacklisted.", code="token_blacklisted")
        return self.get_user(token), token

    async def aauthenticate(self, request: Any) -> tuple[Any, AccessToken] | None:
        found = self._find_token(request)
        if found is None:
            return None
        raw, from_cookie = found
        token = self.get_validated_token(raw)
        if from_cookie:
            await aenforce_csrf(request)
        if _request_plan().blacklist_enabled and await ais_token_revoked(token):
            raise AuthenticationFailed("Token has been blacklisted.", code="token_blacklisted")
        return await self.aget_user(token), token


@dataclass(frozen=True)
class _StatelessPlan:
    """Settings that building a :class:`TokenUser` needs, resolved once per settings generation."""

    claim: str
    pk_field: Any
    # The fingerprint claim a token must carry, or None when CHECK_REVOKE_TOKEN is off.
    revoke_claim: str | None


def _build_stateless_plan() -> _StatelessPlan:
    """Resolve the plan; raise when ``USER_ID_FIELD`` is not the user model's primary key.

    A claim that contains, for example, a username must not become ``pk``,
    because code that filters on ``request.user.pk`` would then match
    another user's rows.
    """
    jwt_settings = get_jwt_settings()
    field_name = validate_user_id_field(jwt_settings.USER_ID_FIELD)
    model = get_user_model()
    pk_field = model._meta.pk
    if field_name not in ("pk", pk_field.name, pk_field.attname):
        raise KeySettingsError(
            f"{setting_path('JWT', 'USER_ID_FIELD')} = {field_name!r} is not the primary key of "
            f"{model._meta.label}, so JWTStatelessUserAuthentication cannot tell the user's pk "
            "from the token. Use JWTAuthentication, or name the primary key."
        )
    return _StatelessPlan(
        claim=jwt_settings.USER_ID_CLAIM,
        pk_field=pk_field,
        revoke_claim=jwt_settings.REVOKE_TOKEN_CLAIM if jwt_settings.CHECK_REVOKE_TOKEN else None,
    )


def _stateless_plan() -> _StatelessPlan:
    # Keyed by the user model too: overriding AUTH_USER_MODEL does not reload restflow's settings.
    key = "stateless-plan:" + settings.AUTH_USER_MODEL
    return _cached(key, _build_stateless_plan)  # type: ignore[no-any-return]


class JWTStatelessUserAuthentication(JWTAuthentication):
    """Like :class:`JWTAuthentication`, but the user comes from the token, not the database.

    The header, the token (signature, expiry, type and every claim) and
    the blacklist (the token's ``jti`` and its family) are checked exactly
    as :class:`JWTAuthentication` checks them. Only the user query is
    skipped. Returns ``(TokenUser, AccessToken)``.

    Without the user row, a user who was deleted, deactivated or changed
    password keeps access until the token expires, unless the token or its
    family is blacklisted. ``USER_ID_FIELD`` must name the user model's
    primary key.
    """

    user_class: type[TokenUser] = TokenUser

    def get_user(self, token: Token) -> Any:
        """Return a :class:`TokenUser` for the user named by ``token``, without a query."""
        try:
            plan = _stateless_plan()
        except TokenError as exc:
            raise _invalid(exc) from None
        user_id = token.payload.get(plan.claim)
        if user_id is None or not isinstance(user_id, (str, int)) or isinstance(user_id, bool):
            raise AuthenticationFailed(_NO_USER_ID, code="invalid_token")
        try:
            pk = plan.pk_field.to_python(user_id)
        except _LOOKUP_ERRORS:
            raise AuthenticationFailed(_NO_USER_ID, code="invalid_token") from None
        if pk is None or pk == "":
            raise AuthenticationFailed(_NO_USER_ID, code="invalid_token")
        if plan.revoke_claim is not None and not isinstance(
            token.payload.get(plan.revoke_claim), str
        ):
            # The fingerprint cannot be compared without the user row, but a
            # token that lacks it is refused as JWTAuthentication refuses it.
            raise AuthenticationFailed(
                "The user's password has been changed.", code="password_changed"
            )
        return self.user_class(pk, token)

    async def aget_user(self, token: Token) -> Any:
        """Async twin of :meth:`get_user` (it does no I/O)."""
        return self.get_user(token)
