"""Signing and verifying keys for JWTs, with key ids for rotation.

``SIGNING_KEY`` (tagged with ``SIGNING_KEY_ID``) signs new tokens. Tokens
are verified against the current key plus ``VERIFYING_KEYS``, which may be
a list of keys, a dict of key id -> key, or a JWKS dict ``{"keys": [...]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from restflow.authentication.errors import KeySettingsError
from restflow.settings import restflow_settings, setting_path

__all__ = [
    "ALLOWED_ALGORITHMS",
    "ASYMMETRIC_ALGORITHMS",
    "HMAC_ALGORITHMS",
    "KeyRing",
    "get_key_ring",
    "get_signing_key",
    "get_verifying_key",
    "validate_algorithm",
    "validate_signing_key_shape",
]

HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
ASYMMETRIC_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES256K",
    "ES384",
    "ES512",
    "EdDSA",
)
ALLOWED_ALGORITHMS = HMAC_ALGORITHMS + ASYMMETRIC_ALGORITHMS


def validate_algorithm(algorithm: Any) -> str:
    """Return ``algorithm`` when it is allowed; raise :class:`KeySettingsError` otherwise.

    ``"none"`` (unsigned tokens) is never accepted, in any spelling.
    """
    if not isinstance(algorithm, str) or algorithm not in ALLOWED_ALGORITHMS:
        raise KeySettingsError(
            f"{setting_path('JWT', 'ALGORITHM')} = {algorithm!r} is not an accepted JWT "
            f"algorithm. Use one of: {', '.join(ALLOWED_ALGORITHMS)}."
        )
    return algorithm


def _as_text(key: str | bytes) -> str:
    return key.decode("utf-8", "replace") if isinstance(key, bytes) else key


def validate_signing_key_shape(algorithm: str, key: Any) -> None:
    """Raise :class:`KeySettingsError` when ``key`` cannot be the key for ``algorithm``.

    A PEM key with an HMAC algorithm is the shape behind algorithm-confusion
    attacks (a public key used as an HMAC secret), so it is rejected.
    """
    if key is None or (isinstance(key, (str, bytes)) and not key):
        raise KeySettingsError(
            f"{setting_path('JWT', 'SIGNING_KEY')} is not set, so no JWT can be issued. "
            "Set it to a long random secret (HS*) or a PEM private key (RS*, PS*, ES*, EdDSA)."
        )
    is_text = isinstance(key, (str, bytes))
    if algorithm in HMAC_ALGORITHMS and is_text and "-----BEGIN " in _as_text(key):
        raise KeySettingsError(
            f"{setting_path('JWT', 'SIGNING_KEY')} holds a PEM key, but "
            f"{setting_path('JWT', 'ALGORITHM')} = {algorithm!r} is an HMAC algorithm. "
            "Use a random secret for HS*, or switch to an asymmetric algorithm such as RS256."
        )


def _public_from_private(key: str | bytes) -> Any:
    """Return the public key matching a PEM private key, or ``key`` when it is not one."""
    text = _as_text(key)
    if "PRIVATE KEY-----" not in text:
        return key
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key(text.encode("utf-8"), password=None)
    return private.public_key()


def get_signing_key() -> Any:
    """Return ``SIGNING_KEY``; raise :class:`KeySettingsError` when it is missing or misshapen."""
    jwt_settings = restflow_settings.JWT
    algorithm = validate_algorithm(jwt_settings.ALGORITHM)
    key = jwt_settings.SIGNING_KEY
    validate_signing_key_shape(algorithm, key)
    return key


def get_verifying_key() -> Any:
    """Return the key that verifies tokens signed with the current ``SIGNING_KEY``.

    ``VERIFYING_KEY`` when set; for HMAC the signing secret; for asymmetric
    algorithms the public half of the private ``SIGNING_KEY``.
    """
    jwt_settings = restflow_settings.JWT
    algorithm = validate_algorithm(jwt_settings.ALGORITHM)
    if jwt_settings.VERIFYING_KEY:
        return jwt_settings.VERIFYING_KEY
    key = jwt_settings.SIGNING_KEY
    validate_signing_key_shape(algorithm, key)
    if algorithm in HMAC_ALGORITHMS:
        return key
    return _public_from_private(key)


@dataclass
class KeyRing:
    """Every key a token may be verified with: by key id, and without one."""

    by_id: dict[str, Any] = field(default_factory=dict)
    # Keys without an id, tried in order for tokens whose header has no ``kid``.
    anonymous: list[Any] = field(default_factory=list)

    def candidates(self, kid: Any) -> list[Any]:
        """Return the keys to try for a token whose header carries ``kid`` (None when absent).

        A ``kid`` that names no known key returns no candidates, so the
        token is rejected rather than checked against every key.
        """
        if kid is None:
            return list(self.anonymous)
        if not isinstance(kid, str):
            return []
        key = self.by_id.get(kid)
        return [] if key is None else [key]


def _jwk_key(jwk: Mapping[str, Any], algorithm: str) -> Any:
    try:
        return jwt.PyJWK(dict(jwk), algorithm=jwk.get("alg", algorithm)).key
    except jwt.PyJWTError as exc:
        raise KeySettingsError(
            f"{setting_path('JWT', 'VERIFYING_KEYS')} contains a JWK that cannot be loaded "
            f"(kid {jwk.get('kid')!r}): {exc}. Check its 'kty', 'alg' and key fields."
        ) from exc


def get_key_ring() -> KeyRing:
    """Build the :class:`KeyRing` from the current settings.

    Raises :class:`KeySettingsError` when the settings hold no usable key.
    """
    jwt_settings = restflow_settings.JWT
    algorithm = validate_algorithm(jwt_settings.ALGORITHM)
    ring = KeyRing()
    current = get_verifying_key()
    if jwt_settings.SIGNING_KEY_ID:
        ring.by_id[jwt_settings.SIGNING_KEY_ID] = current
    ring.anonymous.append(current)

    extra = jwt_settings.VERIFYING_KEYS
    if isinstance(extra, Mapping) and isinstance(extra.get("keys"), list):
        for jwk in extra["keys"]:
            if not isinstance(jwk, Mapping):
                raise KeySettingsError(
                    f"{setting_path('JWT', 'VERIFYING_KEYS')} is a JWKS whose 'keys' list holds "
                    f"{jwk!r}; each entry must be a JWK dict."
                )
            key = _jwk_key(jwk, algorithm)
            kid = jwk.get("kid")
            if isinstance(kid, str) and kid:
                ring.by_id.setdefault(kid, key)
            else:
                ring.anonymous.append(key)
    elif isinstance(extra, Mapping):
        for kid, key in extra.items():
            ring.by_id.setdefault(str(kid), _public_from_private(key) if key else key)
    else:
        for key in extra or ():
            ring.anonymous.append(_public_from_private(key))
    return ring
