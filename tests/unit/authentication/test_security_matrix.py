"""The JWT security matrix: each forged, stale or misused token is a 401, on both paths.

Every test first builds a token that differs from a valid one in exactly
one way, so it fails if the check that catches that one difference is
removed. Each runs through ``authenticate`` and ``aauthenticate``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta

import jwt as pyjwt
import pytest
from rest_framework.exceptions import AuthenticationFailed

from restflow.authentication.jwt import AccessToken, RefreshToken
from restflow.authentication.jwt_authentication import JWTAuthentication
from tests.unit.authentication.conftest import HMAC_SECRET, run

pytestmark = pytest.mark.django_db

MODES = ["sync", "async"]


def authenticate(request, mode):
    backend = JWTAuthentication()
    if mode == "sync":
        return backend.authenticate(request)
    return run(backend.aauthenticate, request)


def rejected(make_request, header, mode):
    """Return the ``AuthenticationFailed`` raised for ``header``; fail if it is accepted."""
    with pytest.raises(AuthenticationFailed) as info:
        authenticate(make_request(header), mode)
    return info.value


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def valid_claims(user) -> dict:
    return dict(AccessToken.for_user(user).payload)


def sign(claims: dict, key=HMAC_SECRET, algorithm="HS256", headers=None) -> str:
    return pyjwt.encode(claims, key, algorithm=algorithm, headers=headers)


@pytest.mark.parametrize("mode", MODES)
def test_valid_token_accepted(jwt_settings, user, make_request, mode):
    token = sign(valid_claims(user))
    found_user, found_token = authenticate(make_request(f"Bearer {token}"), mode)
    assert found_user == user
    assert found_token.raw == token


@pytest.mark.parametrize("mode", MODES)
def test_alg_none(jwt_settings, user, make_request, mode):
    token = pyjwt.encode(valid_claims(user), None, algorithm="none")
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_hs256_signed_with_rs256_public_key(jwt_settings, user, make_request, mode, rsa_keys):
    private, public = rsa_keys
    jwt_settings(ALGORITHM="RS256", SIGNING_KEY=private, VERIFYING_KEY=public)
    # PyJWT refuses to sign HMAC with a PEM key, so forge the token by hand.
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(valid_claims(user)).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = b64(hmac.new(public.encode(), signing_input, hashlib.sha256).digest())
    error = rejected(make_request, f"Bearer {header}.{payload}.{signature}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_other_algorithm(jwt_settings, user, make_request, mode):
    token = sign(valid_claims(user), algorithm="HS512")
    assert pyjwt.decode(token, HMAC_SECRET, algorithms=["HS512"])
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_tampered_payload(jwt_settings, user, django_user_model, make_request, mode):
    other = django_user_model.objects.create_user(username="mallory", password="x")
    header, _, signature = sign(valid_claims(user)).split(".")
    forged = b64(json.dumps(dict(valid_claims(user), user_id=other.id)).encode())
    error = rejected(make_request, f"Bearer {header}.{forged}.{signature}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_tampered_signature(jwt_settings, user, make_request, mode):
    header, payload, signature = sign(valid_claims(user)).split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    error = rejected(make_request, f"Bearer {header}.{payload}.{flipped}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_expired(jwt_settings, user, make_request, mode):
    now = int(time.time())
    token = sign(dict(valid_claims(user), iat=now - 100, exp=now - 30))
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"
    assert "expired" in str(error.detail)


@pytest.mark.parametrize("mode", MODES)
def test_expired_within_leeway_accepted(jwt_settings, user, make_request, mode):
    jwt_settings(LEEWAY=timedelta(seconds=60))
    now = int(time.time())
    token = sign(dict(valid_claims(user), iat=now - 100, exp=now - 30))
    found_user, _ = authenticate(make_request(f"Bearer {token}"), mode)
    assert found_user == user


@pytest.mark.parametrize("mode", MODES)
def test_nbf_in_future(jwt_settings, user, make_request, mode):
    token = sign(dict(valid_claims(user), nbf=int(time.time()) + 600))
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_wrong_issuer(jwt_settings, user, make_request, mode):
    jwt_settings(ISSUER="https://good.test")
    token = sign(dict(valid_claims(user), iss="https://evil.test"))
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_missing_issuer(jwt_settings, user, make_request, mode):
    claims = valid_claims(user)
    jwt_settings(ISSUER="https://good.test")
    error = rejected(make_request, f"Bearer {sign(claims)}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_wrong_audience(jwt_settings, user, make_request, mode):
    jwt_settings(AUDIENCE="api")
    token = sign(dict(valid_claims(user), aud="other-service"))
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_refresh_token_as_access(jwt_settings, user, make_request, mode):
    token = RefreshToken.for_user(user)
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"
    assert "expected 'access'" in str(error.detail)


@pytest.mark.parametrize("mode", MODES)
def test_blacklisted_token(jwt_settings, user, make_request, mode):
    token = AccessToken.for_user(user)
    assert authenticate(make_request(f"Bearer {token}"), mode)[0] == user
    token.blacklist() if mode == "sync" else run(token.ablacklist)
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "token_blacklisted"


@pytest.mark.parametrize("mode", MODES)
def test_blacklisted_token_accepted_when_blacklist_disabled(jwt_settings, user, make_request, mode):
    token = AccessToken.for_user(user)
    token.blacklist()
    jwt_settings(BLACKLIST_ENABLED=False)
    assert authenticate(make_request(f"Bearer {token}"), mode)[0] == user


@pytest.mark.parametrize("mode", MODES)
def test_deleted_user(jwt_settings, user, make_request, mode):
    token = AccessToken.for_user(user)
    user.delete()
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "user_not_found"


@pytest.mark.parametrize("mode", MODES)
def test_inactive_user(jwt_settings, user, make_request, mode):
    token = AccessToken.for_user(user)
    user.is_active = False
    user.save()
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "user_inactive"


@pytest.mark.parametrize("mode", MODES)
def test_inactive_user_allowed_without_check(jwt_settings, user, make_request, mode):
    jwt_settings(CHECK_USER_IS_ACTIVE=False)
    token = AccessToken.for_user(user)
    user.is_active = False
    user.save()
    assert authenticate(make_request(f"Bearer {token}"), mode)[0] == user


@pytest.mark.parametrize("mode", MODES)
def test_issued_before_password_change(jwt_settings, user, make_request, mode):
    jwt_settings(CHECK_REVOKE_TOKEN=True)
    token = AccessToken.for_user(user)
    assert authenticate(make_request(f"Bearer {token}"), mode)[0] == user
    user.set_password("a brand new password")
    user.save()
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "password_changed"


@pytest.mark.parametrize("mode", MODES)
def test_unknown_kid(jwt_settings, user, make_request, mode):
    jwt_settings(SIGNING_KEY_ID="current")
    good = sign(valid_claims(user), headers={"kid": "current"})
    assert authenticate(make_request(f"Bearer {good}"), mode)[0] == user
    token = sign(valid_claims(user), headers={"kid": "retired"})
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_two_tokens_in_header(jwt_settings, user, make_request, mode):
    token = AccessToken.for_user(user)
    error = rejected(make_request, f"Bearer {token} {token}", mode)
    assert error.get_codes() == "invalid_authorization_header"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "bearer   "])
def test_empty_token(jwt_settings, user, make_request, mode, header):
    error = rejected(make_request, header, mode)
    assert error.get_codes() == "invalid_authorization_header"


@pytest.mark.parametrize("mode", MODES)
def test_ten_kilobytes_of_garbage(jwt_settings, user, make_request, mode):
    garbage = "A" * 10_240
    error = rejected(make_request, f"Bearer {garbage}", mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_non_ascii_token(jwt_settings, user, make_request, mode):
    error = rejected(make_request, "Bearer caf\u00e9".encode("latin-1"), mode)
    assert error.get_codes() == "invalid_token"


@pytest.mark.parametrize("mode", MODES)
def test_other_scheme_is_skipped(jwt_settings, user, make_request, mode):
    assert authenticate(make_request("Basic YWxpY2U6eA=="), mode) is None
    assert authenticate(make_request(), mode) is None


@pytest.mark.parametrize("mode", MODES)
def test_custom_header_type(jwt_settings, user, make_request, mode):
    jwt_settings(AUTH_HEADER_TYPES=("JWT",))
    token = AccessToken.for_user(user)
    assert authenticate(make_request(f"JWT {token}"), mode)[0] == user
    assert authenticate(make_request(f"Bearer {token}"), mode) is None
    error = rejected(make_request, "JWT", mode)
    assert "'JWT <token>'" in str(error.detail)
    assert JWTAuthentication().authenticate_header(make_request()) == 'JWT realm="api"'


@pytest.mark.parametrize("mode", MODES)
def test_claim_of_wrong_type(jwt_settings, user, make_request, mode):
    token = sign(dict(valid_claims(user), user_id="not-a-number"))
    error = rejected(make_request, f"Bearer {token}", mode)
    assert error.get_codes() == "invalid_token"
