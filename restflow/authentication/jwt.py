"""JSON Web Tokens: encoding and decoding with PyJWT, and the token classes.

An :class:`AccessToken` authenticates requests; a :class:`RefreshToken`
mints new access tokens. Both carry ``token_type``, ``iat``, ``exp``,
``jti`` and the user id claim, plus ``iss``/``aud`` when configured, the
revoke claim when ``CHECK_REVOKE_TOKEN`` is on, and the family id ``fam``
that links every token descended from one login.
"""

from __future__ import annotations

import inspect
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

import jwt
from asgiref.sync import sync_to_async
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string
from typing_extensions import Self

from restflow.authentication.errors import KeySettingsError, TokenError
from restflow.authentication.keys import (
    ALLOWED_ALGORITHMS,
    ASYMMETRIC_ALGORITHMS,
    HMAC_ALGORITHMS,
    get_key_ring,
    get_signing_key,
    get_verifying_key,
    validate_algorithm,
    validate_signing_key_shape,
)
from restflow.settings import restflow_settings, setting_path

__all__ = [
    "ACCESS_TOKEN_TYPE",
    "ALLOWED_ALGORITHMS",
    "ASYMMETRIC_ALGORITHMS",
    "BLACKLIST_CACHE_PREFIX",
    "FAMILY_CLAIM",
    "HMAC_ALGORITHMS",
    "LOCAL_CACHE_BACKEND_PATHS",
    "MAX_TOKEN_LENGTH",
    "REFRESH_TOKEN_TYPE",
    "AccessToken",
    "KeySettingsError",
    "RefreshToken",
    "Token",
    "TokenError",
    "auser_passes_rule",
    "build_jwt_payload",
    "decode_token",
    "default_user_authentication_rule",
    "encode_token",
    "get_jwt_settings",
    "get_leeway",
    "get_now_time",
    "get_password_hash",
    "get_token_blacklist_backend",
    "get_user_authentication_rule",
    "get_verifying_key",
    "password_hash_matches",
    "resolve_token_blacklist_backend",
    "user_passes_rule",
    "validate_algorithm",
    "validate_signing_key_shape",
    "validate_user_id_field",
]

ACCESS_TOKEN_TYPE = "access"
REFRESH_TOKEN_TYPE = "refresh"
BLACKLIST_CACHE_PREFIX = "restflow:jwt:bl:"
# Claim holding the id of the login a token descends from (see RefreshToken).
FAMILY_CLAIM = "fam"
LOCAL_CACHE_BACKEND_PATHS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
# Longer raw tokens are rejected before any parsing. Tokens minted here are
# well under 1 KB; the bound keeps garbage headers from costing CPU.
MAX_TOKEN_LENGTH = 4096
_REVOKE_SALT = "restflow.authentication.revoke"


def get_jwt_settings() -> Any:
    """Return the resolved ``RESTFLOW_SETTINGS["JWT"]`` section."""
    return restflow_settings.JWT


def get_now_time() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def get_leeway() -> float:
    """Return ``LEEWAY`` in seconds."""
    leeway = get_jwt_settings().LEEWAY
    return leeway.total_seconds() if isinstance(leeway, timedelta) else float(leeway)


def default_user_authentication_rule(user: Any) -> bool:
    """Allow a user who exists and is active."""
    return user is not None and bool(getattr(user, "is_active", True))


def get_user_authentication_rule() -> Callable[[Any], bool]:
    """Return the ``USER_AUTHENTICATION_RULE`` callable, importing it when given as a path."""
    rule = get_jwt_settings().USER_AUTHENTICATION_RULE
    if callable(rule):
        return rule  # type: ignore[no-any-return]
    try:
        return import_string(rule)  # type: ignore[no-any-return]
    except ImportError as exc:
        raise KeySettingsError(
            f"{setting_path('JWT', 'USER_AUTHENTICATION_RULE')} = {rule!r} cannot be imported "
            f"({exc}). Give a dotted path to a function user -> bool."
        ) from exc


def user_passes_rule(user: Any) -> bool:
    """Return ``USER_AUTHENTICATION_RULE(user)``; an async rule must be awaited instead.

    Raises ``TypeError`` naming :func:`auser_passes_rule` when the rule is
    a coroutine function, because its unawaited result would be truthy.
    """
    from restflow.helpers import require_sync

    return bool(require_sync(get_user_authentication_rule()(user), "auser_passes_rule()"))


async def auser_passes_rule(user: Any) -> bool:
    """Async twin of :func:`user_passes_rule`.

    An async rule is awaited; a sync rule other than the default runs in a
    worker thread, because it may query the database.
    """
    rule = get_user_authentication_rule()
    if rule is default_user_authentication_rule:
        return rule(user)
    if inspect.iscoroutinefunction(rule):
        return bool(await rule(user))
    result = await sync_to_async(rule, thread_sensitive=True)(user)
    if inspect.isawaitable(result):
        result = await result
    return bool(result)


def validate_user_id_field(field_name: str, allowlist: Any = None) -> str:
    """Return ``field_name`` when the allowlist has it; raise :class:`TokenError` if not.

    The allowlist keeps a token from naming an arbitrary user attribute
    (a password hash, say) as its lookup field.
    """
    allowed = tuple(get_jwt_settings().USER_ID_FIELD_ALLOWLIST if allowlist is None else allowlist)
    if field_name not in allowed:
        raise KeySettingsError(
            f"{setting_path('JWT', 'USER_ID_FIELD')} = {field_name!r} is not in "
            f"{setting_path('JWT', 'USER_ID_FIELD_ALLOWLIST')} {allowed!r}. "
            "Use one of those fields, or add it to the allowlist if it is a unique, public id."
        )
    return field_name


def get_password_hash(password_hash: str) -> str:
    """Return the revoke fingerprint of a stored password hash.

    The fingerprint is an HMAC keyed with ``SECRET_KEY``, so a token that
    carries it reveals nothing about the hash, and a password change
    produces a different value.
    """
    return salted_hmac(_REVOKE_SALT, password_hash or "", algorithm="sha256").hexdigest()[:32]


def password_hash_matches(user: Any, fingerprint: Any) -> bool:
    """Return True when ``fingerprint`` matches the user's current password hash."""
    if not isinstance(fingerprint, str):
        return False
    return constant_time_compare(fingerprint, get_password_hash(getattr(user, "password", "")))


def build_jwt_payload(
    user: Any,
    *,
    token_type: str,
    lifetime: timedelta,
    family: str | None = None,
) -> dict[str, Any]:
    """Return the claims of a new token of ``token_type`` for ``user``."""
    jwt_settings = get_jwt_settings()
    id_field = validate_user_id_field(jwt_settings.USER_ID_FIELD)
    user_id = getattr(user, id_field, None)
    if user_id is None:
        raise TokenError(f"The user has no value for {id_field!r}, so no token can name them.")
    now = get_now_time()
    issued_at = int(now.timestamp())
    payload: dict[str, Any] = {
        "token_type": token_type,
        "iat": issued_at,
        "exp": issued_at + int(lifetime.total_seconds()),
        "jti": secrets.token_urlsafe(16),
        jwt_settings.USER_ID_CLAIM: user_id if isinstance(user_id, (int, str)) else str(user_id),
    }
    if jwt_settings.ISSUER:
        payload["iss"] = jwt_settings.ISSUER
    if jwt_settings.AUDIENCE:
        audience = jwt_settings.AUDIENCE
        payload["aud"] = audience if isinstance(audience, str) else list(audience)
    if jwt_settings.CHECK_REVOKE_TOKEN:
        payload[jwt_settings.REVOKE_TOKEN_CLAIM] = get_password_hash(getattr(user, "password", ""))
    if family:
        payload[FAMILY_CLAIM] = family
    return payload


def encode_token(payload: Mapping[str, Any]) -> str:
    """Sign ``payload`` with ``SIGNING_KEY`` and return the compact JWT.

    Raises :class:`TokenError` when the algorithm or key settings are unusable.
    """
    jwt_settings = get_jwt_settings()
    algorithm = validate_algorithm(jwt_settings.ALGORITHM)
    key = get_signing_key()
    headers = {"kid": jwt_settings.SIGNING_KEY_ID} if jwt_settings.SIGNING_KEY_ID else None
    try:
        return jwt.encode(dict(payload), key, algorithm=algorithm, headers=headers)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise KeySettingsError(
            f"Signing a token with {setting_path('JWT', 'ALGORITHM')} = {algorithm!r} failed "
            f"({type(exc).__name__}). Check that {setting_path('JWT', 'SIGNING_KEY')} is a key "
            "for that algorithm."
        ) from exc


@dataclass(frozen=True)
class _DecodePlan:
    """Settings that token verification needs, resolved once per settings generation."""

    algorithm: str
    algorithms: list[str]
    ring: Any
    # The current verifying key: the first one tried for a token without a
    # ``kid`` or with the current ``SIGNING_KEY_ID``.
    primary: Any
    issuer: Any
    audience: Any
    leeway: float


def _build_decode_plan() -> _DecodePlan:
    jwt_settings = get_jwt_settings()
    algorithm = validate_algorithm(jwt_settings.ALGORITHM)
    ring = get_key_ring()
    return _DecodePlan(
        algorithm=algorithm,
        algorithms=[algorithm],
        ring=ring,
        primary=ring.anonymous[0],
        issuer=jwt_settings.ISSUER or None,
        audience=jwt_settings.AUDIENCE or None,
        leeway=get_leeway(),
    )


def _decode_plan() -> _DecodePlan:
    from restflow.authentication.keys import _cached

    return _cached("decode-plan", _build_decode_plan)  # type: ignore[no-any-return]


_REQUIRED_CLAIMS = ("exp", "iat", "jti")


def decode_token(raw: str | bytes) -> dict[str, Any]:
    """Verify ``raw`` and return its claims.

    Only ``ALGORITHM`` is accepted. A ``kid`` header must name a known key;
    a token without one is tried against the current key and the
    ``VERIFYING_KEYS`` that carry no id. ``exp``, ``iat`` and ``jti`` are
    required; ``iss`` and ``aud`` are checked when configured, ``nbf`` when
    present, all with ``LEEWAY``. Raises :class:`TokenError` with a
    client-safe message on any failure.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("ascii")
        except UnicodeDecodeError:
            raise TokenError("Token contains invalid characters.") from None
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise TokenError("Token is invalid.")
    # The fast path parses the token once, where the full path parses its
    # header first to pick the keys and then the whole token again. It only
    # returns a result when the full path would try the current key first and
    # so reach the same verdict. A token it does not accept goes through the
    # full path, which raises the exact error.
    try:
        plan = _decode_plan()
        decoded = jwt.decode_complete(
            raw,
            plan.primary,
            algorithms=plan.algorithms,
            options={"require": list(_REQUIRED_CLAIMS)},
            issuer=plan.issuer,
            audience=plan.audience,
            leeway=plan.leeway,
        )
    except Exception:
        return _decode_token_checked(raw)
    header = decoded["header"]
    if header.get("alg") == plan.algorithm:
        candidates = plan.ring.candidates(header.get("kid"))
        if candidates and candidates[0] is plan.primary:
            return decoded["payload"]  # type: ignore[no-any-return]
    return _decode_token_checked(raw)


def _decode_token_checked(raw: str) -> dict[str, Any]:
    """Verify ``raw`` step by step: header, key choice, then each candidate key."""
    jwt_settings = get_jwt_settings()
    algorithm = validate_algorithm(jwt_settings.ALGORITHM)
    try:
        header = jwt.get_unverified_header(raw)
    except jwt.PyJWTError:
        raise TokenError("Token is invalid.") from None
    if header.get("alg") != algorithm:
        raise TokenError("Token is invalid.")
    candidates = get_key_ring().candidates(header.get("kid"))
    if not candidates:
        raise TokenError("Token is signed with an unknown key.")

    options: Any = {"require": list(_REQUIRED_CLAIMS)}
    for key in candidates:
        try:
            return jwt.decode(
                raw,
                key,
                algorithms=[algorithm],
                options=options,
                issuer=jwt_settings.ISSUER or None,
                audience=jwt_settings.AUDIENCE or None,
                leeway=get_leeway(),
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError:
            raise TokenError("Token has expired.") from None
        except jwt.ImmatureSignatureError:
            raise TokenError("Token is not valid yet.") from None
        except (jwt.PyJWTError, ValueError, TypeError):
            raise TokenError("Token is invalid.") from None
    raise TokenError("Token is invalid.")


@dataclass(frozen=True)
class Token:
    """A verified or freshly minted JWT: its claims and its encoded form."""

    payload: dict[str, Any]
    raw: str
    token_type: str = field(default="")

    expected_type: ClassVar[str] = ""
    lifetime_setting: ClassVar[str] = ""

    def __str__(self) -> str:
        return self.raw

    @property
    def jti(self) -> str:
        value = self.payload.get("jti")
        return value if isinstance(value, str) else ""

    @property
    def exp(self) -> int:
        value = self.payload.get("exp")
        return int(value) if isinstance(value, (int, float)) else 0

    @property
    def family(self) -> str:
        """The id shared by every token descended from one login, or ``""``."""
        value = self.payload.get(FAMILY_CLAIM)
        return value if isinstance(value, str) else ""

    @property
    def user_id(self) -> Any:
        """The user id claim, or None when absent."""
        return self.payload.get(get_jwt_settings().USER_ID_CLAIM)

    @classmethod
    def lifetime(cls) -> timedelta:
        return getattr(get_jwt_settings(), cls.lifetime_setting)  # type: ignore[no-any-return]

    @classmethod
    def for_user(cls, user: Any, *, family: str | None = None) -> Self:
        """Mint a token of this type for ``user``; ``family`` links it to an earlier login."""
        payload = build_jwt_payload(
            user, token_type=cls.expected_type, lifetime=cls.lifetime(), family=family
        )
        return cls(payload=payload, raw=encode_token(payload), token_type=cls.expected_type)

    @classmethod
    def verify(cls, raw: str | bytes) -> Self:
        """Decode ``raw`` and check that it is a token of this type.

        Raises :class:`TokenError` when it is invalid, expired or of another type.
        """
        payload = decode_token(raw)
        if payload.get("token_type") != cls.expected_type:
            raise TokenError(f"Wrong token type, expected {cls.expected_type!r}.")
        text = raw.decode("ascii") if isinstance(raw, bytes) else raw
        return cls(payload=payload, raw=text, token_type=cls.expected_type)

    def blacklist(self) -> bool:
        """Record this token as revoked until it expires; return True when this call added it."""
        from restflow.authentication.revocation import revoke_token

        return revoke_token(self)

    async def ablacklist(self) -> bool:
        """Async twin of :meth:`blacklist`."""
        from restflow.authentication.revocation import arevoke_token

        return await arevoke_token(self)

    def blacklist_family(self) -> None:
        """Revoke every token of this token's login: the code form of a logout.

        :meth:`blacklist` revokes only this token; access tokens minted from
        it, and refresh tokens rotated from it, keep working until they
        expire. This revokes them all, as ``TokenBlacklistView`` does. A
        token without a family (minted before families existed) revokes
        nothing.
        """
        from restflow.authentication.revocation import revoke_family

        revoke_family(self, reason="logout")

    async def ablacklist_family(self) -> None:
        """Async twin of :meth:`blacklist_family`."""
        from restflow.authentication.revocation import arevoke_family

        await arevoke_family(self, reason="logout")


class AccessToken(Token):
    """A short-lived token that authenticates requests (``ACCESS_TOKEN_LIFETIME``)."""

    expected_type = ACCESS_TOKEN_TYPE
    lifetime_setting = "ACCESS_TOKEN_LIFETIME"


class RefreshToken(Token):
    """A long-lived token that mints access tokens (``REFRESH_TOKEN_LIFETIME``).

    A refresh token minted at login starts a family: its ``fam`` claim is
    its own ``jti``. Every token minted from it, rotated refresh tokens
    included, carries the same family id, so the whole family can be
    revoked when a rotated refresh token is reused.
    """

    expected_type = REFRESH_TOKEN_TYPE
    lifetime_setting = "REFRESH_TOKEN_LIFETIME"

    @classmethod
    def for_user(cls, user: Any, *, family: str | None = None) -> Self:
        if family:
            return super().for_user(user, family=family)
        payload = build_jwt_payload(user, token_type=cls.expected_type, lifetime=cls.lifetime())
        payload[FAMILY_CLAIM] = payload["jti"]
        return cls(payload=payload, raw=encode_token(payload), token_type=cls.expected_type)

    def _derive(self, token_type: str, lifetime: timedelta) -> dict[str, Any]:
        jwt_settings = get_jwt_settings()
        now = int(get_now_time().timestamp())
        payload: dict[str, Any] = {
            "token_type": token_type,
            "iat": now,
            "exp": now + int(lifetime.total_seconds()),
            "jti": secrets.token_urlsafe(16),
            jwt_settings.USER_ID_CLAIM: self.payload.get(jwt_settings.USER_ID_CLAIM),
        }
        if jwt_settings.ISSUER:
            payload["iss"] = jwt_settings.ISSUER
        if jwt_settings.AUDIENCE:
            audience = jwt_settings.AUDIENCE
            payload["aud"] = audience if isinstance(audience, str) else list(audience)
        claim = jwt_settings.REVOKE_TOKEN_CLAIM
        if jwt_settings.CHECK_REVOKE_TOKEN and claim in self.payload:
            payload[claim] = self.payload[claim]
        payload[FAMILY_CLAIM] = self.family or self.jti
        return payload

    @property
    def access_token(self) -> AccessToken:
        """Mint an access token for the same user and family, without a user lookup.

        The token views look the user up before they call this; code that
        calls it directly decides itself whether the user may still log in.
        """
        payload = self._derive(ACCESS_TOKEN_TYPE, AccessToken.lifetime())
        return AccessToken(payload=payload, raw=encode_token(payload), token_type=ACCESS_TOKEN_TYPE)

    def rotate(self) -> RefreshToken:
        """Mint the successor of this refresh token: a new ``jti`` in the same family.

        Rotation does not revoke this token; :meth:`blacklist` does.
        """
        payload = self._derive(REFRESH_TOKEN_TYPE, RefreshToken.lifetime())
        return RefreshToken(
            payload=payload, raw=encode_token(payload), token_type=REFRESH_TOKEN_TYPE
        )


def resolve_token_blacklist_backend(spec: Any) -> Any:
    """Return a blacklist store for ``spec``: a registered name, dotted path, class or instance.

    Raises ``ComponentError`` (an ``ImproperlyConfigured``) naming the
    setting and the registered names when ``spec`` cannot be used.
    """
    from restflow.registry import JWT_BLACKLIST_STORES

    if not isinstance(spec, (str, type)):
        JWT_BLACKLIST_STORES.resolve(spec)
        return spec
    return JWT_BLACKLIST_STORES.resolve(spec)()


def get_token_blacklist_backend() -> Any:
    """Return the configured blacklist store (``BLACKLIST_BACKEND``)."""
    from restflow.authentication.revocation import get_blacklist_backend

    return get_blacklist_backend()


_MOVED = {
    "BlacklistBackend": "restflow.authentication.blacklist.base",
    "CacheBlacklistBackend": "restflow.authentication.blacklist.cache",
    "ModelBlacklistBackend": "restflow.authentication.blacklist.model",
}


def __getattr__(name: str) -> Any:
    # Earlier releases defined the stores here, and settings may still name
    # "restflow.authentication.jwt.CacheBlacklistBackend".
    module = _MOVED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
