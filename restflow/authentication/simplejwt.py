"""``SimpleJWTAuthentication``: an async adapter for djangorestframework-simplejwt tokens.

For projects moving from simplejwt, tokens it issued keep working in async
views, with simplejwt's own settings (``SIMPLE_JWT``), messages and error
codes. ``RESTFLOW_SETTINGS["JWT"]`` is not read here.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist

from restflow.authentication.authentication import BaseAuthentication

try:
    from rest_framework_simplejwt import settings as simplejwt_settings_module
    from rest_framework_simplejwt.authentication import JWTAuthentication as _SimpleJWTBase
    from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
    from rest_framework_simplejwt.tokens import BlacklistMixin
    from rest_framework_simplejwt.utils import get_md5_hash_password
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "restflow.authentication.simplejwt needs djangorestframework-simplejwt: "
        'pip install "drf-restflow[simplejwt]"'
    ) from exc

__all__ = ["SimpleJWTAuthentication", "validation_uses_database"]


def _settings() -> Any:
    # simplejwt replaces its module-level api_settings when SIMPLE_JWT changes.
    return simplejwt_settings_module.api_settings


_BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"


def validation_uses_database() -> bool:
    """Return True when validating a token may query the database.

    That is the case when simplejwt's blacklist app is installed and one of
    ``AUTH_TOKEN_CLASSES`` checks it (sliding and refresh tokens do).
    """
    if not apps.is_installed(_BLACKLIST_APP):
        return False
    return any(
        isinstance(cls, type) and issubclass(cls, BlacklistMixin)
        for cls in _settings().AUTH_TOKEN_CLASSES
    )


class SimpleJWTAuthentication(BaseAuthentication, _SimpleJWTBase):
    """simplejwt's ``JWTAuthentication`` with an async ``aauthenticate``.

    The sync path is simplejwt's own. The async path validates the token on
    the event loop when that is pure computation, and in a worker thread when
    simplejwt's blacklist app would query the database. It loads the user
    with the async ORM. Both paths raise the same simplejwt errors.
    """

    async def aauthenticate(self, request: Any) -> tuple[Any, Any] | None:
        header = self.get_header(request)
        if header is None:
            return None
        raw = self.get_raw_token(header)
        if raw is None:
            return None
        if validation_uses_database():
            token = await sync_to_async(self.get_validated_token, thread_sensitive=True)(raw)
        else:
            token = self.get_validated_token(raw)
        return await self.aget_user(token), token

    async def aget_user(self, validated_token: Any) -> Any:
        """Async twin of simplejwt's ``get_user``."""
        simplejwt_settings = _settings()
        try:
            user_id = validated_token[simplejwt_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken("Token contained no recognizable user identification") from None
        lookup = {simplejwt_settings.USER_ID_FIELD: user_id}
        try:
            user = await self.user_model._default_manager.aget(**lookup)
        except ObjectDoesNotExist:
            raise AuthenticationFailed("User not found", code="user_not_found") from None
        if simplejwt_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if simplejwt_settings.CHECK_REVOKE_TOKEN:
            fingerprint = validated_token.get(simplejwt_settings.REVOKE_TOKEN_CLAIM)
            if fingerprint != get_md5_hash_password(user.password):
                raise AuthenticationFailed(
                    "The user's password has been changed.", code="password_changed"
                )
        return user
