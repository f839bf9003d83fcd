"""JWTStatelessUserAuthentication and the token checks it shares with JWTAuthentication.

The rejection matrix runs for both classes, sync and async: the stateless
class may skip the user query, never a token check. Each bad token
differs from a valid one in one way, so removing the check that catches it
fails the test.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import jwt as pyjwt
import pytest
from django.contrib.auth import get_user_model
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import DjangoModelPermissions, IsAdminUser, IsAuthenticated

import restflow.authentication as package
from restflow.authentication.errors import BlacklistUnavailable
from restflow.authentication.jwt import AccessToken, RefreshToken, decode_token
from restflow.authentication.jwt_authentication import (
    JWTAuthentication,
    JWTStatelessUserAuthentication,
)
from restflow.authentication.revocation import revoke_family
from restflow.authentication.token_user import TokenUser
from tests.unit.authentication.conftest import HMAC_SECRET, run
from tests.viewsapp.support import hops  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

CLASSES = [JWTAuthentication, JWTStatelessUserAuthentication]
MODES = ["sync", "async"]


def authenticate(cls, request, mode):
    backend = cls()
    if mode == "sync":
        return backend.authenticate(request)
    return run(backend.aauthenticate, request)


def rejected(cls, make_request, token, mode, error=AuthenticationFailed):
    with pytest.raises(error) as info:
        authenticate(cls, make_request(f"Bearer {token}"), mode)
    return info.value


def claims(user) -> dict:
    return dict(AccessToken.for_user(user).payload)


def sign(payload: dict, key: str = HMAC_SECRET, algorithm: str = "HS256", headers=None) -> str:
    return pyjwt.encode(payload, key, algorithm=algorithm, headers=headers)


both = pytest.mark.parametrize("cls", CLASSES, ids=["db", "stateless"])
modes = pytest.mark.parametrize("mode", MODES)


@both
@modes
def test_valid_token_names_the_user(jwt_settings, user, make_request, cls, mode):
    token = AccessToken.for_user(user)
    found, found_token = authenticate(cls, make_request(f"Bearer {token}"), mode)
    assert found.pk == user.pk
    assert found.is_authenticated
    assert found_token.raw == token.raw


@both
@modes
def test_expired(jwt_settings, user, make_request, cls, mode):
    now = int(time.time())
    error = rejected(cls, make_request, sign(dict(claims(user), iat=now - 90, exp=now - 30)), mode)
    assert error.get_codes() == "invalid_token"
    assert "expired" in str(error.detail)


@both
@modes
def test_signed_with_another_key(jwt_settings, user, make_request, cls, mode):
    error = rejected(cls, make_request, sign(claims(user), key="another-secret-" + "y" * 40), mode)
    assert error.get_codes() == "invalid_token"


@both
@modes
def test_tampered_signature(jwt_settings, user, make_request, cls, mode):
    header, payload, signature = sign(claims(user)).split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    error = rejected(cls, make_request, f"{header}.{payload}.{flipped}", mode)
    assert error.get_codes() == "invalid_token"


@both
@modes
def test_alg_none_and_other_algorithm(jwt_settings, user, make_request, cls, mode):
    unsigned = pyjwt.encode(claims(user), None, algorithm="none")
    assert rejected(cls, make_request, unsigned, mode).get_codes() == "invalid_token"
    hs512 = sign(claims(user), algorithm="HS512")
    assert rejected(cls, make_request, hs512, mode).get_codes() == "invalid_token"


@both
@modes
def test_revoked_jti(jwt_settings, user, make_request, cls, mode):
    token = AccessToken.for_user(user)
    assert authenticate(cls, make_request(f"Bearer {token}"), mode)[0].pk == user.pk
    token.blacklist() if mode == "sync" else run(token.ablacklist)
    assert rejected(cls, make_request, token, mode).get_codes() == "token_blacklisted"


@both
@modes
def test_revoked_family(jwt_settings, user, make_request, cls, mode):
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    assert authenticate(cls, make_request(f"Bearer {access}"), mode)[0].pk == user.pk
    revoke_family(refresh)
    assert rejected(cls, make_request, access, mode).get_codes() == "token_blacklisted"


@both
@modes
def test_refresh_blacklist_spares_access_tokens(jwt_settings, user, make_request, cls, mode):
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    refresh.blacklist() if mode == "sync" else run(refresh.ablacklist)
    assert authenticate(cls, make_request(f"Bearer {access}"), mode)[0].pk == user.pk


@both
@modes
def test_blacklist_family_revokes_login(jwt_settings, user, make_request, cls, mode):
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    other_login = RefreshToken.for_user(user).access_token
    newest = refresh.rotate()
    if mode == "sync":
        newest.blacklist_family()
    else:
        run(newest.ablacklist_family)
    assert rejected(cls, make_request, access, mode).get_codes() == "token_blacklisted"
    assert authenticate(cls, make_request(f"Bearer {other_login}"), mode)[0].pk == user.pk


@both
@modes
def test_revoked_family_through_logout_of_a_rotated_token(
    jwt_settings, user, make_request, cls, mode
):
    # Logging out with the newest refresh token ends access tokens minted
    # from every earlier token of the same login.
    first = RefreshToken.for_user(user)
    access = first.access_token
    revoke_family(first.rotate().rotate())
    assert rejected(cls, make_request, access, mode).get_codes() == "token_blacklisted"


@both
@modes
def test_revoked_token_accepted_only_with_blacklist_off(
    jwt_settings, user, make_request, cls, mode
):
    token = AccessToken.for_user(user)
    token.blacklist()
    jwt_settings(BLACKLIST_ENABLED=False)
    assert authenticate(cls, make_request(f"Bearer {token}"), mode)[0].pk == user.pk


@both
@modes
def test_store_down_fails_closed(jwt_settings, settings, user, make_request, cls, mode):
    settings.CACHES = {
        **settings.CACHES,
        "nowhere": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    jwt_settings(BLACKLIST_CACHE_ALIAS="nowhere")
    token = AccessToken.for_user(user)
    rejected(cls, make_request, token, mode, error=BlacklistUnavailable)


@both
@modes
def test_refresh_token_is_the_wrong_type(jwt_settings, user, make_request, cls, mode):
    error = rejected(cls, make_request, RefreshToken.for_user(user), mode)
    assert error.get_codes() == "invalid_token"
    assert "expected 'access'" in str(error.detail)


@both
@modes
@pytest.mark.parametrize("claim", ["exp", "iat", "jti", "token_type", "user_id"])
def test_missing_claim(jwt_settings, user, make_request, cls, mode, claim):
    payload = claims(user)
    del payload[claim]
    assert rejected(cls, make_request, sign(payload), mode).get_codes() == "invalid_token"


@both
@modes
@pytest.mark.parametrize("value", ["not-a-number", True, [1], {"id": 1}, None])
def test_unusable_user_claim(jwt_settings, user, make_request, cls, mode, value):
    token = sign(dict(claims(user), user_id=value))
    assert rejected(cls, make_request, token, mode).get_codes() == "invalid_token"


@both
@modes
def test_issuer_and_audience(jwt_settings, user, make_request, cls, mode):
    jwt_settings(ISSUER="https://good.test", AUDIENCE="api")
    good = AccessToken.for_user(user)
    assert authenticate(cls, make_request(f"Bearer {good}"), mode)[0].pk == user.pk
    for changed in ({"iss": "https://evil.test"}, {"aud": "other"}):
        token = sign(dict(good.payload, **changed))
        assert rejected(cls, make_request, token, mode).get_codes() == "invalid_token"
    for missing in ("iss", "aud"):
        payload = dict(good.payload)
        del payload[missing]
        assert rejected(cls, make_request, sign(payload), mode).get_codes() == "invalid_token"


@both
@modes
def test_not_valid_yet(jwt_settings, user, make_request, cls, mode):
    token = sign(dict(claims(user), nbf=int(time.time()) + 600))
    assert rejected(cls, make_request, token, mode).get_codes() == "invalid_token"


@both
@modes
def test_revoke_fingerprint_required(jwt_settings, user, make_request, cls, mode):
    payload = claims(user)
    jwt_settings(CHECK_REVOKE_TOKEN=True)
    error = rejected(cls, make_request, sign(payload), mode)
    assert error.get_codes() == "password_changed"
    good = AccessToken.for_user(user)
    assert authenticate(cls, make_request(f"Bearer {good}"), mode)[0].pk == user.pk


# Keys: the one-parse path must accept and refuse exactly what the key ring does.


@both
@modes
def test_unknown_kid_rejected(jwt_settings, user, make_request, cls, mode):
    token = sign(claims(user), headers={"kid": "made-up"})
    assert rejected(cls, make_request, token, mode).get_codes() == "invalid_token"
    with pytest.raises(Exception, match="unknown key"):
        decode_token(token)


@both
@modes
def test_old_keys_during_rotation(jwt_settings, user, make_request, cls, mode):
    old_secret = HMAC_SECRET
    old_by_id = sign(claims(user), key=old_secret, headers={"kid": "old"})
    old_anonymous = sign(claims(user), key=old_secret)
    new_secret = "the-new-signing-secret-" + "n" * 40
    jwt_settings(SIGNING_KEY=new_secret, SIGNING_KEY_ID="new", VERIFYING_KEYS={"old": old_secret})
    assert authenticate(cls, make_request(f"Bearer {old_by_id}"), mode)[0].pk == user.pk
    # Without a kid only the current key is tried.
    assert rejected(cls, make_request, old_anonymous, mode).get_codes() == "invalid_token"
    # The current kid with the old key's signature: only the current key is tried.
    mislabelled = sign(claims(user), key=old_secret, headers={"kid": "new"})
    assert rejected(cls, make_request, mislabelled, mode).get_codes() == "invalid_token"
    # The old kid on a token signed with the current key: only the old key is tried.
    relabelled = sign(claims(user), key=new_secret, headers={"kid": "old"})
    assert rejected(cls, make_request, relabelled, mode).get_codes() == "invalid_token"
    current = AccessToken.for_user(user)
    assert authenticate(cls, make_request(f"Bearer {current}"), mode)[0].pk == user.pk


@both
@modes
def test_old_keys_tried_after_current(jwt_settings, user, make_request, cls, mode):
    old_token = sign(claims(user))
    jwt_settings(SIGNING_KEY="the-new-signing-secret-" + "n" * 40, VERIFYING_KEYS=[HMAC_SECRET])
    assert authenticate(cls, make_request(f"Bearer {old_token}"), mode)[0].pk == user.pk
    expired = sign(dict(claims(user), exp=int(time.time()) - 30, iat=int(time.time()) - 90))
    error = rejected(cls, make_request, expired, mode)
    assert "expired" in str(error.detail)


# What only the stateless class does.


@modes
def test_stateless_makes_no_query(
    jwt_settings, user, make_request, mode, django_assert_num_queries
):
    token = AccessToken.for_user(user)
    with django_assert_num_queries(0):
        found, _ = authenticate(
            JWTStatelessUserAuthentication, make_request(f"Bearer {token}"), mode
        )
    assert isinstance(found, TokenUser)
    assert found.pk == user.pk
    assert found.id == user.pk
    assert found.token.jti == token.jti


def test_async_token_check_no_hop(jwt_settings, user, make_request, hops):  # noqa: F811
    token = AccessToken.for_user(user)
    authenticate(JWTStatelessUserAuthentication, make_request(f"Bearer {token}"), "async")
    assert hops.names() == []
    authenticate(JWTAuthentication, make_request(f"Bearer {token}"), "async")
    # Only the user query: the local-memory blacklist is read on the event loop.
    assert len(hops.functions) == 1
    assert hops.other == []


@modes
def test_stateless_trusts_the_token_over_the_user_row(jwt_settings, user, make_request, mode):
    token = AccessToken.for_user(user)
    user.is_active = False
    user.save()
    assert authenticate(JWTStatelessUserAuthentication, make_request(f"Bearer {token}"), mode)
    assert rejected(JWTAuthentication, make_request, token, mode).get_codes() == "user_inactive"
    # Revoking the token is what ends its access.
    token.blacklist()
    error = rejected(JWTStatelessUserAuthentication, make_request, token, mode)
    assert error.get_codes() == "token_blacklisted"


@modes
def test_string_claim_becomes_the_primary_key_type(jwt_settings, user, make_request, mode):
    token = sign(dict(claims(user), user_id=str(user.pk)))
    found, _ = authenticate(JWTStatelessUserAuthentication, make_request(f"Bearer {token}"), mode)
    assert found.pk == user.pk
    assert isinstance(found.pk, int)


@modes
def test_stateless_rejects_non_pk_user_id_field(jwt_settings, user, make_request, mode, caplog):
    jwt_settings(USER_ID_FIELD="username")
    token = AccessToken.for_user(user)
    assert authenticate(JWTAuthentication, make_request(f"Bearer {token}"), mode)[0] == user
    with caplog.at_level(logging.ERROR):
        error = rejected(JWTStatelessUserAuthentication, make_request, token, mode)
    assert error.get_codes() == "invalid_token"
    assert str(error.detail) == "Token is invalid."
    assert "primary key" in caplog.text
    assert token.raw not in caplog.text


@modes
def test_pk_as_user_id_field(jwt_settings, user, make_request, mode):
    jwt_settings(USER_ID_FIELD="pk")
    token = AccessToken.for_user(user)
    found, _ = authenticate(JWTStatelessUserAuthentication, make_request(f"Bearer {token}"), mode)
    assert found.pk == user.pk


def test_token_user_permissions(jwt_settings, user, make_request):
    user.is_staff = True
    user.is_superuser = True
    user.save()
    token = AccessToken.for_user(user)
    request = make_request(f"Bearer {token}")
    found, _ = JWTStatelessUserAuthentication().authenticate(request)
    request.user = found
    assert IsAuthenticated().has_permission(request, None)
    # Privileges live in the user row, which the stateless class never reads.
    assert not IsAdminUser().has_permission(request, None)
    assert not found.has_perm("auth.view_user")
    assert not found.has_module_perms("auth")
    assert found.has_perms([])
    assert not found.has_perms(["auth.view_user"])
    assert found.get_all_permissions() == set()
    assert not found.is_anonymous

    class Users:
        queryset = get_user_model().objects.all()

    post = make_request(f"Bearer {token}", method="post")
    post.user = found
    assert not DjangoModelPermissions().has_permission(post, Users())


def test_token_user_equality(jwt_settings, user):
    token = AccessToken.for_user(user)
    first, second = TokenUser(user.pk, token), TokenUser(user.pk, token)
    assert first == second
    assert hash(first) == hash(second)
    assert first != TokenUser(user.pk + 1, token)
    assert first != user
    assert repr(first) == f"TokenUser(pk={user.pk!r})"
    assert str(user.pk) in str(first)


def test_exported():
    assert package.JWTStatelessUserAuthentication is JWTStatelessUserAuthentication
    assert package.TokenUser is TokenUser
    assert issubclass(JWTStatelessUserAuthentication, JWTAuthentication)


@modes
def test_lifetime_within_leeway(jwt_settings, user, make_request, mode):
    jwt_settings(LEEWAY=timedelta(seconds=60))
    now = int(time.time())
    token = sign(dict(claims(user), iat=now - 100, exp=now - 30))
    found, _ = authenticate(JWTStatelessUserAuthentication, make_request(f"Bearer {token}"), mode)
    assert found.pk == user.pk
