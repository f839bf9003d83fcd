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
            f"{setting_path('JWT', 'SIGNING_KEY')} contains a PEM key, but "
            f"{setting_path('JWT', 'ALGORITHM')} = {algorithm!r} is an HMAC algorithm. "
            "Use a random secret for HS*, or switch to an asymmetric algorithm such as RS256."
        )


def _load(algorithm: str, key: Any, setting: str, *, public: bool) -> Any:
    """Return ``key`` ready for PyJWT: HMAC secrets as given, PEM text parsed once.

    With ``public`` a private key is replaced by its public half, because
    only the public half can verify.
    """
    if algorithm in HMAC_ALGORITHMS:
        return key
    loaded = key
    if isinstance(key, (str, bytes)):
        try:
            loaded = jwt.get_algorithm_by_name(algorithm).prepare_key(key)
        except Exception as exc:
            raise KeySettingsError(
                f"{setting_path('JWT', setting)} cannot be loaded as a key for "
                f"{algorithm!r} ({type(exc).__name__}: {exc}). Give an unencrypted PEM key "
                "of that algorithm's type."
            ) from exc
    derive = getattr(loaded, "public_key", None)
    if public and callable(derive) and not hasattr(loaded, "verify"):
        loaded = derive()
    return loaded


# Parsed keys per settings generation: parsing a PEM key costs far more than a signature.
_cache: dict[str, tuple[int, Any]] = {}


def _cached(name: str, build: Any) -> Any:
    generation = restflow_settings.generation
    hit = _cache.get(name)
    if hit is not None and hit[0] == generation:
        return hit[1]
    value = build()
    _cache[name] = (generation, value)
    return value


def get_signing_key() -> Any:
    """Return ``SIGNING_KEY`` ready to sign; raise :class:`KeySettingsError` when it is unusable."""

    def build() -> Any:
        jwt_settings = restflow_settings.JWT
        algorithm = validate_algorithm(jwt_settings.ALGORITHM)
        key = jwt_settings.SIGNING_KEY
        validate_signing_key_shape(algorithm, key)
        return _load(algorithm, key, "SIGNING_KEY", public=False)

    return _cached("signing", build)


def get_verifying_key() -> Any:
    """Return the key that verifies tokens signed with the current ``SIGNING_KEY``.

    ``VERIFYING_KEY`` when set; for HMAC the signing secret; for asymmetric
    algorithms the public half of the private ``SIGNING_KEY``.
    """
    jwt_settings = restflow_settings.JWT
    algorithm = validate_algorithm(jwt_settings.ALGORITHM)
    if jwt_settings.VERIFYING_KEY:
        return _load(algorithm, jwt_settings.VERIFYING_KEY, "VERIFYING_KEY", public=True)
    key = jwt_settings.SIGNING_KEY
    validate_signing_key_shape(algorithm, key)
    return _load(algorithm, key, "SIGNING_KEY", public=True)


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
    except Exception as exc:
        raise KeySettingsError(
            f"{setting_path('JWT', 'VERIFYING_KEYS')} contains a JWK that cannot be loaded "
            f"(kid {jwk.get('kid')!r}): {exc}. Check its 'kty', 'alg' and key fields."
        ) from exc


def get_key_ring() -> KeyRing:
    """Return the :class:`KeyRing` of the current settings, built once per settings generation.

    Raises :class:`KeySettingsError` when the settings hold no usable key.
    """
    return _cached("ring", _build_key_ring)  # type: ignore[no-any-return]


def _build_key_ring() -> KeyRing:
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
                    f"{setting_path('JWT', 'VERIFYING_KEYS')} is a JWKS whose 'keys' list contains "
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
            ring.by_id.setdefault(str(kid), _load(algorithm, key, "VERIFYING_KEYS", public=True))
    else:
        for key in extra or ():
            ring.anonymous.append(_load(algorithm, key, "VERIFYING_KEYS", public=True))
    return ring
