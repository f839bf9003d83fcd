"""SimpleJWTAuthentication: simplejwt's tokens on the sync and the async path.

simplejwt decides at import time whether its tokens consult the blacklist
app, and its modules keep the settings object they imported, so the
blacklist and revoke cases run in a fresh process whose settings install
that app (``test_blacklist_app_in_fresh_process``).
"""

from __future__ import annotations

import pytest
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.tokens import AccessToken, SlidingToken

from restflow.authentication.simplejwt import SimpleJWTAuthentication, validation_uses_database
from tests.support.fresh_process import is_inner, run_inner_tests
from tests.unit.authentication.conftest import run

INNER = is_inner("RESTFLOW_SIMPLEJWT_BLACKLIST")
SIGNING_KEY = "simplejwt-test-secret-" + "s" * 48
MODES = ["sync", "async"]

pytestmark = [
    pytest.mark.django_db,
    # Outside the fresh process simplejwt signs with the test settings' short SECRET_KEY.
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]


def call(request, mode):
    backend = SimpleJWTAuthentication()
    if mode == "sync":
        return backend.authenticate(request)
    return run(backend.aauthenticate, request)


@pytest.mark.skipif(INNER, reason="covered by the outer run")
@pytest.mark.parametrize("mode", MODES)
def test_accepts_simplejwt_token(user, make_request, mode):
    token = AccessToken.for_user(user)
    found, validated = call(make_request(f"Bearer {token}"), mode)
    assert found == user
    assert str(validated["user_id"]) == str(user.id)


@pytest.mark.skipif(INNER, reason="covered by the outer run")
@pytest.mark.parametrize("mode", MODES)
def test_rejects_invalid_token(user, make_request, mode):
    with pytest.raises(InvalidToken):
        call(make_request("Bearer not-a-token"), mode)
    assert call(make_request("Basic abc"), mode) is None
    assert call(make_request(), mode) is None


@pytest.mark.skipif(INNER, reason="covered by the outer run")
@pytest.mark.parametrize("mode", MODES)
def test_deleted_and_inactive_user(user, make_request, mode):
    token = str(AccessToken.for_user(user))
    user.is_active = False
    user.save()
    with pytest.raises(AuthenticationFailed) as info:
        call(make_request(f"Bearer {token}"), mode)
    assert str(info.value.detail["code"]) == "user_inactive"
    user.delete()
    with pytest.raises(AuthenticationFailed) as info:
        call(make_request(f"Bearer {token}"), mode)
    assert str(info.value.detail["code"]) == "user_not_found"


@pytest.mark.skipif(INNER, reason="covered by the outer run")
def test_no_database_validation_without_blacklist_app():
    assert validation_uses_database() is False


SETTINGS_MODULE = f"""
from conf.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework_simplejwt.token_blacklist"]  # noqa: F405
SIMPLE_JWT = {{
    "SIGNING_KEY": {SIGNING_KEY!r},
    "AUTH_TOKEN_CLASSES": ("rest_framework_simplejwt.tokens.SlidingToken",),
    "CHECK_REVOKE_TOKEN": True,
}}
"""


@pytest.mark.skipif(INNER, reason="this is the outer run that starts the inner one")
def test_blacklist_app_in_fresh_process(tmp_path):
    run_inner_tests(__file__, tmp_path, SETTINGS_MODULE, "RESTFLOW_SIMPLEJWT_BLACKLIST", 4)


@pytest.mark.skipif(not INNER, reason="runs inside test_blacklist_app_in_fresh_process")
@pytest.mark.parametrize("mode", MODES)
def test_blacklisted_sliding_token_rejected(user, make_request, mode):
    assert validation_uses_database() is True
    token = SlidingToken.for_user(user)
    # The async path validates in a thread: on the event loop this query would
    # raise SynchronousOnlyOperation instead of returning the user.
    assert call(make_request(f"Bearer {token}"), mode)[0] == user
    token.blacklist()
    with pytest.raises(InvalidToken):
        call(make_request(f"Bearer {token}"), mode)


@pytest.mark.skipif(not INNER, reason="runs inside test_blacklist_app_in_fresh_process")
@pytest.mark.parametrize("mode", MODES)
def test_password_change_revokes(user, make_request, mode):
    token = str(SlidingToken.for_user(user))
    assert call(make_request(f"Bearer {token}"), mode)[0] == user
    user.set_password("changed password")
    user.save()
    with pytest.raises(AuthenticationFailed) as info:
        call(make_request(f"Bearer {token}"), mode)
    assert str(info.value.detail["code"]) == "password_changed"
