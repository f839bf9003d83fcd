"""Tokens: claims, encoding, key ids and key rotation."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt as pyjwt
import pytest

from restflow.authentication.errors import KeySettingsError, TokenError
from restflow.authentication.jwt import (
    FAMILY_CLAIM,
    AccessToken,
    RefreshToken,
    decode_token,
    get_password_hash,
    validate_algorithm,
    validate_signing_key_shape,
)
from tests.unit.authentication.conftest import HMAC_SECRET


def test_refresh_token_claims(jwt_settings, user):
    token = RefreshToken.for_user(user)
    claims = token.payload
    assert claims["token_type"] == "refresh"
    assert claims["user_id"] == user.id
    assert claims["exp"] - claims["iat"] == 86400
    assert claims[FAMILY_CLAIM] == claims["jti"]
    assert "iss" not in claims
    assert "aud" not in claims
    assert str(token) == token.raw


def test_access_token_from_refresh_keeps_family(jwt_settings, user):
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    assert access.payload["token_type"] == "access"
    assert access.family == refresh.family
    assert access.jti != refresh.jti
    assert access.exp - access.payload["iat"] == 300


def test_rotate_gives_new_jti_same_family(jwt_settings, user):
    refresh = RefreshToken.for_user(user)
    rotated = refresh.rotate()
    assert rotated.jti != refresh.jti
    assert rotated.family == refresh.family
    assert RefreshToken.verify(rotated.raw).payload["user_id"] == user.id


def test_issuer_and_audience_claims(jwt_settings, user):
    jwt_settings(ISSUER="https://issuer.test", AUDIENCE=["api", "web"])
    token = AccessToken.for_user(user)
    assert token.payload["iss"] == "https://issuer.test"
    assert token.payload["aud"] == ["api", "web"]
    assert AccessToken.verify(token.raw).jti == token.jti


def test_verify_rejects_wrong_type(jwt_settings, user):
    with pytest.raises(TokenError, match="expected 'access'"):
        AccessToken.verify(RefreshToken.for_user(user).raw)
    with pytest.raises(TokenError, match="expected 'refresh'"):
        RefreshToken.verify(AccessToken.for_user(user).raw)


def test_missing_signing_key_fails_issue(jwt_settings, user):
    jwt_settings(SIGNING_KEY=None)
    with pytest.raises(KeySettingsError, match="SIGNING_KEY"):
        AccessToken.for_user(user)


@pytest.mark.parametrize("algorithm", ["none", "None", "NONE", "HS1", "", None])
def test_validate_algorithm_rejects(algorithm):
    with pytest.raises(KeySettingsError):
        validate_algorithm(algorithm)


def test_pem_key_with_hmac_is_rejected(rsa_keys):
    with pytest.raises(KeySettingsError, match="PEM"):
        validate_signing_key_shape("HS256", rsa_keys[1])


def test_user_id_field_outside_allowlist(jwt_settings, user):
    jwt_settings(USER_ID_FIELD="password")
    with pytest.raises(TokenError, match="USER_ID_FIELD_ALLOWLIST"):
        AccessToken.for_user(user)


def test_user_id_field_username(jwt_settings, user):
    jwt_settings(USER_ID_FIELD="username", USER_ID_CLAIM="sub")
    token = AccessToken.for_user(user)
    assert token.payload["sub"] == "alice"
    assert "user_id" not in token.payload


def test_revoke_claim_is_keyed_hmac(jwt_settings, user, settings):
    jwt_settings(CHECK_REVOKE_TOKEN=True)
    token = AccessToken.for_user(user)
    fingerprint = token.payload["hash_password"]
    assert fingerprint == get_password_hash(user.password)
    import hashlib

    assert fingerprint != hashlib.md5(user.password.encode()).hexdigest()
    settings.SECRET_KEY = "another-secret-key"
    assert get_password_hash(user.password) != fingerprint


def test_rs256_round_trip(jwt_settings, user, rsa_keys):
    private, public = rsa_keys
    jwt_settings(ALGORITHM="RS256", SIGNING_KEY=private, VERIFYING_KEY=public)
    token = AccessToken.for_user(user)
    assert pyjwt.get_unverified_header(token.raw)["alg"] == "RS256"
    assert AccessToken.verify(token.raw).jti == token.jti


def test_rs256_public_key_derived_from_private(jwt_settings, user, rsa_keys):
    jwt_settings(ALGORITHM="RS256", SIGNING_KEY=rsa_keys[0])
    token = AccessToken.for_user(user)
    assert AccessToken.verify(token.raw).jti == token.jti


def test_kid_header_from_signing_key_id(jwt_settings, user):
    jwt_settings(SIGNING_KEY_ID="2026-12")
    token = AccessToken.for_user(user)
    assert pyjwt.get_unverified_header(token.raw)["kid"] == "2026-12"
    assert AccessToken.verify(token.raw).jti == token.jti


def test_rotation_with_verifying_keys_dict(jwt_settings, user):
    jwt_settings(SIGNING_KEY_ID="old")
    old_token = AccessToken.for_user(user)
    new_secret = "new-signing-secret-" + "y" * 48
    jwt_settings(SIGNING_KEY=new_secret, SIGNING_KEY_ID="new", VERIFYING_KEYS={"old": HMAC_SECRET})
    assert AccessToken.verify(old_token.raw).jti == old_token.jti
    new_token = AccessToken.for_user(user)
    assert pyjwt.get_unverified_header(new_token.raw)["kid"] == "new"
    assert AccessToken.verify(new_token.raw).jti == new_token.jti
    # Once the old key is retired, its tokens are rejected.
    jwt_settings(SIGNING_KEY=new_secret, SIGNING_KEY_ID="new")
    with pytest.raises(TokenError, match="unknown key"):
        AccessToken.verify(old_token.raw)


def test_rotation_with_verifying_keys_list(jwt_settings, user):
    old_token = AccessToken.for_user(user)
    new_secret = "new-signing-secret-" + "y" * 48
    jwt_settings(SIGNING_KEY=new_secret, VERIFYING_KEYS=[HMAC_SECRET])
    assert AccessToken.verify(old_token.raw).jti == old_token.jti
    jwt_settings(SIGNING_KEY=new_secret)
    with pytest.raises(TokenError, match="invalid"):
        AccessToken.verify(old_token.raw)


def test_rotation_with_jwks(jwt_settings, user, rsa_keys, other_rsa_keys):
    jwt_settings(ALGORITHM="RS256", SIGNING_KEY=other_rsa_keys[0], SIGNING_KEY_ID="k1")
    old_token = AccessToken.for_user(user)
    public = pyjwt.algorithms.RSAAlgorithm.from_jwk(
        pyjwt.algorithms.RSAAlgorithm.to_jwk(
            pyjwt.algorithms.RSAAlgorithm(pyjwt.algorithms.RSAAlgorithm.SHA256).prepare_key(
                other_rsa_keys[1]
            )
        )
    )
    jwk = pyjwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
    jwk.update({"kid": "k1", "alg": "RS256", "use": "sig"})
    jwt_settings(
        ALGORITHM="RS256",
        SIGNING_KEY=rsa_keys[0],
        SIGNING_KEY_ID="k2",
        VERIFYING_KEYS={"keys": [jwk]},
    )
    assert AccessToken.verify(old_token.raw).jti == old_token.jti
    assert AccessToken.verify(AccessToken.for_user(user).raw)


def test_token_too_long_rejected(jwt_settings):
    with pytest.raises(TokenError):
        decode_token("a" * 5000)


def test_expired_message(jwt_settings, user):
    jwt_settings(ACCESS_TOKEN_LIFETIME=timedelta(seconds=1))
    token = AccessToken.for_user(user)
    payload = dict(token.payload, exp=int(time.time()) - 10, iat=int(time.time()) - 20)
    raw = pyjwt.encode(payload, HMAC_SECRET, algorithm="HS256")
    with pytest.raises(TokenError, match="expired"):
        AccessToken.verify(raw)


def test_sync_rule_check_rejects_async_rule(jwt_settings, user):
    from restflow.authentication.jwt import user_passes_rule

    jwt_settings(USER_AUTHENTICATION_RULE="tests.unit.authentication.urls.async_allow_everyone")
    with pytest.raises(TypeError, match="auser_passes_rule"):
        user_passes_rule(user)
    jwt_settings()
    assert user_passes_rule(user) is True


def test_old_store_paths_still_import():
    from restflow.authentication import jwt as jwt_module
    from restflow.authentication.blacklist.cache import CacheBlacklistBackend

    assert jwt_module.CacheBlacklistBackend is CacheBlacklistBackend
    with pytest.raises(AttributeError):
        jwt_module.NoSuchThing  # noqa: B018


def test_resolve_token_blacklist_backend(jwt_settings):
    from restflow.authentication.blacklist.model import ModelBlacklistBackend
    from restflow.authentication.jwt import resolve_token_blacklist_backend
    from restflow.registry import ComponentError

    assert isinstance(resolve_token_blacklist_backend("model"), ModelBlacklistBackend)
    instance = ModelBlacklistBackend()
    assert resolve_token_blacklist_backend(instance) is instance
    with pytest.raises(ComponentError, match="BLACKLIST_BACKEND"):
        resolve_token_blacklist_backend("nowhere")


def test_unreadable_asymmetric_key(jwt_settings, user, make_request, rsa_keys):
    from rest_framework.exceptions import AuthenticationFailed

    from restflow.authentication.jwt_authentication import JWTAuthentication

    jwt_settings(ALGORITHM="RS256", SIGNING_KEY=rsa_keys[0])
    raw = AccessToken.for_user(user).raw
    jwt_settings(ALGORITHM="RS256", SIGNING_KEY="not a PEM key")
    with pytest.raises(KeySettingsError, match="cannot be loaded"):
        AccessToken.for_user(user)
    with pytest.raises(KeySettingsError):
        decode_token(raw)
    # A server-side key problem is never a 500 for the client.
    with pytest.raises(AuthenticationFailed) as info:
        JWTAuthentication().authenticate(make_request(f"Bearer {raw}"))
    assert info.value.get_codes() == "invalid_token"


def test_parsed_keys_are_reused(jwt_settings, rsa_keys):
    from restflow.authentication.keys import get_key_ring, get_signing_key

    jwt_settings(ALGORITHM="RS256", SIGNING_KEY=rsa_keys[0])
    assert get_signing_key() is get_signing_key()
    ring = get_key_ring()
    assert get_key_ring() is ring
    jwt_settings(ALGORITHM="RS256", SIGNING_KEY=rsa_keys[0], SIGNING_KEY_ID="k")
    assert get_key_ring() is not ring


def _private_pem(private_key) -> str:
    from cryptography.hazmat.primitives import serialization

    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize("algorithm", ["ES256", "EdDSA", "PS256"])
def test_other_asymmetric_algorithms(jwt_settings, user, algorithm, rsa_keys):
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    if algorithm == "ES256":
        private = _private_pem(ec.generate_private_key(ec.SECP256R1()))
    elif algorithm == "EdDSA":
        private = _private_pem(ed25519.Ed25519PrivateKey.generate())
    else:
        private = rsa_keys[0]
    jwt_settings(ALGORITHM=algorithm, SIGNING_KEY=private)
    token = AccessToken.for_user(user)
    assert pyjwt.get_unverified_header(token.raw)["alg"] == algorithm
    assert AccessToken.verify(token.raw).jti == token.jti
