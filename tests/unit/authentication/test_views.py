"""Token views: obtain, refresh with rotation and reuse detection, logout."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import AsyncClient
from rest_framework.test import APIClient

from restflow.authentication.blacklist.redis import RedisBlacklistBackend
from restflow.authentication.jwt import AccessToken, RefreshToken
from tests.support.services import free_port
from tests.unit.authentication.conftest import PASSWORD, run

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.unit.authentication.urls"),
]

OBTAIN = "/api/auth/token/"
REFRESH = "/api/auth/token/refresh/"
LOGOUT = "/api/auth/token/blacklist/"
ME = "/api/me/"


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def obtain(client, username="alice", password=PASSWORD):
    return client.post(OBTAIN, {"username": username, "password": password}, format="json")


def test_obtain_returns_pair(jwt_settings, user, client):
    response = obtain(client)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"}
    assert AccessToken.verify(body["access"]).user_id == user.id
    assert RefreshToken.verify(body["refresh"]).user_id == user.id


def test_obtain_async_client(jwt_settings, user):
    async def call():
        return await AsyncClient().post(
            OBTAIN, {"username": "alice", "password": PASSWORD}, content_type="application/json"
        )

    response = run(call)
    assert response.status_code == 200
    assert AccessToken.verify(response.json()["access"]).user_id == user.id


def test_wrong_credentials_give_one_answer(jwt_settings, user, client, django_user_model):
    django_user_model.objects.create_user(username="sleepy", password=PASSWORD, is_active=False)
    answers = [
        obtain(client, password="wrong password"),
        obtain(client, username="nobody"),
        obtain(client, username="sleepy"),
    ]
    for response in answers:
        assert response.status_code == 401
        assert error_code(response) == "no_active_account"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    bodies = [response.json()["error"] for response in answers]
    for body in bodies:
        body.pop("request_id", None)
    assert bodies[0] == bodies[1] == bodies[2]


def test_unknown_user_still_hashes_password(jwt_settings, user, client, settings):
    calls = []
    from django.contrib.auth.hashers import MD5PasswordHasher

    class CountingHasher(MD5PasswordHasher):
        def encode(self, password, salt):
            calls.append(password)
            return super().encode(password, salt)

    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    globals()["CountingHasher"] = CountingHasher
    try:
        response = obtain(client, username="nobody", password="guess")
    finally:
        del globals()["CountingHasher"]
    assert response.status_code == 401
    assert "guess" in calls


def test_obtain_missing_fields_is_400(jwt_settings, client):
    response = client.post(OBTAIN, {"username": "alice"}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "validation_error"
    assert "password" in response.json()["error"]["details"]


def test_obtain_get_is_405(jwt_settings, client):
    response = client.get(OBTAIN)
    assert response.status_code == 405


def test_options_describes_view(jwt_settings, client):
    response = client.options(OBTAIN)
    assert response.status_code == 200
    assert response.json()["name"] == "Token Obtain"


def test_obtain_rule_rejects(jwt_settings, user, client):
    jwt_settings(USER_AUTHENTICATION_RULE="tests.unit.authentication.urls.reject_everyone")
    response = obtain(client)
    assert response.status_code == 401
    assert error_code(response) == "no_active_account"


def test_async_rule_is_awaited(jwt_settings, user, client):
    jwt_settings(USER_AUTHENTICATION_RULE="tests.unit.authentication.urls.async_reject_everyone")
    response = obtain(client)
    assert response.status_code == 401
    assert error_code(response) == "no_active_account"
    jwt_settings(USER_AUTHENTICATION_RULE="tests.unit.authentication.urls.async_allow_everyone")
    assert obtain(client).status_code == 200


def test_sync_rule_with_query_runs_in_thread(jwt_settings, user, client):
    jwt_settings(USER_AUTHENTICATION_RULE="tests.unit.authentication.urls.staff_or_in_a_group")
    pair = obtain(client)
    assert pair.status_code == 200
    refreshed = client.post(REFRESH, {"refresh": pair.json()["refresh"]}, format="json")
    assert refreshed.status_code == 200


def test_access_token_authenticates_and_missing_one_is_401(jwt_settings, user, client):
    access = obtain(client).json()["access"]
    anonymous = client.get(ME)
    assert anonymous.status_code == 401
    assert error_code(anonymous) == "not_authenticated"
    assert anonymous["WWW-Authenticate"] == 'Bearer realm="api"'
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get(ME).json() == {"username": "alice"}


def test_invalid_token_envelope_keeps_code_and_challenge(jwt_settings, user, client):
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
    response = client.get(ME)
    assert response.status_code == 401
    assert error_code(response) == "invalid_token"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_refresh_rotates(jwt_settings, user, client):
    pair = obtain(client).json()
    response = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 200
    new = response.json()
    assert set(new) == {"access", "refresh"}
    assert new["refresh"] != pair["refresh"]
    old, rotated = RefreshToken.verify(pair["refresh"]), RefreshToken.verify(new["refresh"])
    assert rotated.family == old.family
    # The successor works in turn.
    assert client.post(REFRESH, {"refresh": new["refresh"]}, format="json").status_code == 200


def test_refresh_reuse_revokes_family(jwt_settings, user, client):
    pair = obtain(client).json()
    new = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").json()
    reuse = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert reuse.status_code == 401
    assert error_code(reuse) == "token_blacklisted"
    # Every descendant of that login is now revoked: the rotated refresh and its access token.
    successor = client.post(REFRESH, {"refresh": new["refresh"]}, format="json")
    assert successor.status_code == 401
    assert error_code(successor) == "token_blacklisted"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new['access']}")
    assert error_code(client.get(ME)) == "token_blacklisted"


def test_reuse_does_not_touch_other_logins(jwt_settings, user, client):
    first = obtain(client).json()
    second = obtain(client).json()
    client.post(REFRESH, {"refresh": first["refresh"]}, format="json")
    client.post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert client.post(REFRESH, {"refresh": second["refresh"]}, format="json").status_code == 200


def test_refresh_without_rotation(jwt_settings, user, client):
    jwt_settings(ROTATE_REFRESH_TOKENS=False)
    pair = obtain(client).json()
    for _ in range(2):
        response = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
        assert response.status_code == 200
        assert set(response.json()) == {"access"}


def test_refresh_with_access_token(jwt_settings, user, client):
    pair = obtain(client).json()
    response = client.post(REFRESH, {"refresh": pair["access"]}, format="json")
    assert response.status_code == 401
    assert error_code(response) == "invalid_token"


def test_refresh_missing_token_is_400(jwt_settings, client):
    response = client.post(REFRESH, {}, format="json")
    assert response.status_code == 400
    assert "refresh" in response.json()["error"]["details"]


def test_refresh_deleted_user(jwt_settings, user, client):
    pair = obtain(client).json()
    user.delete()
    response = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 401
    assert error_code(response) == "user_not_found"


def test_refresh_inactive_user(jwt_settings, user, client):
    pair = obtain(client).json()
    user.is_active = False
    user.save()
    response = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 401
    assert error_code(response) == "user_inactive"


def test_refresh_rule_rejects(jwt_settings, user, client):
    pair = obtain(client).json()
    jwt_settings(USER_AUTHENTICATION_RULE="tests.unit.authentication.urls.reject_everyone")
    response = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 401
    assert error_code(response) == "no_active_account"


def test_refresh_after_password_change(jwt_settings, user, client):
    jwt_settings(CHECK_REVOKE_TOKEN=True)
    pair = obtain(client).json()
    user.set_password("a brand new password")
    user.save()
    response = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 401
    assert error_code(response) == "password_changed"


def test_logout_blacklists_login(jwt_settings, user, client):
    pair = obtain(client).json()
    response = client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 204
    assert response.content == b""
    refresh = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert error_code(refresh) == "token_blacklisted"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert error_code(client.get(ME)) == "token_blacklisted"
    client.credentials()
    again = client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")
    assert again.status_code == 204


def test_logout_with_blacklist_disabled_still_records(jwt_settings, user, client):
    pair = obtain(client).json()
    jwt_settings(BLACKLIST_ENABLED=False)
    assert client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json").status_code == 204
    jwt_settings()
    refresh = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert error_code(refresh) == "token_blacklisted"


def test_logout_with_access_token(jwt_settings, user, client):
    pair = obtain(client).json()
    response = client.post(LOGOUT, {"refresh": pair["access"]}, format="json")
    assert response.status_code == 401
    assert error_code(response) == "invalid_token"


@pytest.fixture
def fresh_warnings():
    """Let the next store failure log its warning, whatever earlier tests logged."""
    from restflow.authentication import revocation

    revocation._warning_state.update(last=0.0, suppressed=0)
    return revocation._warning_state


def unreachable_store() -> RedisBlacklistBackend:
    return RedisBlacklistBackend(url=f"redis://127.0.0.1:{free_port()}/0", socket_timeout=0.2)


def test_store_down_fails_closed(jwt_settings, user, client):
    pair = obtain(client).json()
    jwt_settings(BLACKLIST_BACKEND=unreachable_store())
    refresh = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert refresh.status_code == 503
    assert error_code(refresh) == "service_unavailable"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    me = client.get(ME)
    assert me.status_code == 503
    assert error_code(me) == "service_unavailable"


def test_store_down_fail_open(jwt_settings, user, client, caplog, fresh_warnings):
    pair = obtain(client).json()
    jwt_settings(BLACKLIST_BACKEND=unreachable_store(), BLACKLIST_FAIL_OPEN=True)
    with caplog.at_level("WARNING", logger="restflow.authentication"):
        refresh = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
        me = client.get(ME)
    assert refresh.status_code == 200
    assert me.status_code == 200
    assert any("failing open" in record.getMessage() for record in caplog.records)
    assert all(pair["access"] not in record.getMessage() for record in caplog.records)


def test_store_down_warning_is_rate_limited(jwt_settings, user, client, caplog, fresh_warnings):
    pair = obtain(client).json()
    jwt_settings(BLACKLIST_BACKEND=unreachable_store())
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    with caplog.at_level("WARNING", logger="restflow.authentication"):
        for _ in range(3):
            assert client.get(ME).status_code == 503
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert fresh_warnings["suppressed"] == 2
    # Once the interval has passed, the next warning counts the repeats.
    fresh_warnings["last"] = 0.0
    caplog.clear()
    with caplog.at_level("WARNING", logger="restflow.authentication"):
        client.get(ME)
    warnings = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert "2 similar failure(s)" in warnings[0]


def test_logout_store_down_503(jwt_settings, user, client):
    pair = obtain(client).json()
    jwt_settings(BLACKLIST_BACKEND=unreachable_store(), BLACKLIST_FAIL_OPEN=True)
    response = client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 503


def test_grace_window_returns_same_pair(jwt_settings, user, client):
    jwt_settings(REFRESH_REUSE_GRACE_PERIOD=timedelta(seconds=30))
    pair = obtain(client).json()
    first = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    second = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert first.status_code == 200
    assert second.status_code == 200
    assert second.json() == first.json()
    # No family revoke happened: the new refresh token still works.
    new_refresh = first.json()["refresh"]
    assert client.post(REFRESH, {"refresh": new_refresh}, format="json").status_code == 200


def test_reuse_after_grace_window_revokes_family(jwt_settings, user, client):
    jwt_settings(REFRESH_REUSE_GRACE_PERIOD=timedelta(seconds=1))
    pair = obtain(client).json()
    first = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").json()
    time.sleep(1.5)
    reuse = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert reuse.status_code == 401
    assert error_code(reuse) == "token_blacklisted"
    successor = client.post(REFRESH, {"refresh": first["refresh"]}, format="json")
    assert error_code(successor) == "token_blacklisted"


def test_no_grace_window_by_default(jwt_settings, user, client):
    pair = obtain(client).json()
    assert client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 200
    assert client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401


def test_cookie_transport(jwt_settings, user):
    jwt_settings(AUTH_COOKIE_ENABLED=True)
    client = APIClient(enforce_csrf_checks=True)
    response = obtain(client)
    assert response.status_code == 200
    access_cookie = response.cookies["restflow_access"]
    refresh_cookie = response.cookies["restflow_refresh"]
    for cookie in (access_cookie, refresh_cookie):
        assert cookie["httponly"] is True
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"
    assert access_cookie.value == response.json()["access"]

    # The access cookie authenticates safe requests without a header.
    assert client.get(ME).json() == {"username": "alice"}
    # Unsafe requests authenticated by the cookie need the CSRF token.
    assert client.post(ME, {}, format="json").status_code == 403
    # Refresh from the cookie alone, without CSRF, is refused.
    assert client.post(REFRESH, {}, format="json").status_code == 403

    client.cookies["csrftoken"] = "a" * 32
    headers = {"HTTP_X_CSRFTOKEN": "a" * 32}
    assert client.post(ME, {}, format="json", **headers).status_code == 201
    refreshed = client.post(REFRESH, {}, format="json", **headers)
    assert refreshed.status_code == 200
    assert refreshed.cookies["restflow_refresh"].value == refreshed.json()["refresh"]

    logout = client.post(LOGOUT, {}, format="json", **headers)
    assert logout.status_code == 204
    assert logout.cookies["restflow_access"].value == ""
    assert logout.cookies["restflow_refresh"]["max-age"] == 0


def test_cookie_csrf_in_session(jwt_settings, user, settings):
    from django.middleware.csrf import CSRF_SESSION_KEY

    jwt_settings(AUTH_COOKIE_ENABLED=True)
    settings.CSRF_USE_SESSIONS = True
    # Without the CSRF middleware nothing has read the session before the view does.
    settings.MIDDLEWARE = [
        entry for entry in settings.MIDDLEWARE if "CsrfViewMiddleware" not in entry
    ]
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session[CSRF_SESSION_KEY] = "s" * 32
    session.save()
    assert obtain(client).status_code == 200

    assert client.post(REFRESH, {}, format="json").status_code == 403
    assert client.post(ME, {}, format="json").status_code == 403
    # The secret is read from the database session, which the async path does in a thread.
    headers = {"HTTP_X_CSRFTOKEN": "s" * 32}
    assert client.post(REFRESH, {}, format="json", **headers).status_code == 200
    assert client.post(ME, {}, format="json", **headers).status_code == 201


def test_grace_window_ends_at_logout(jwt_settings, user, client):
    jwt_settings(REFRESH_REUSE_GRACE_PERIOD=timedelta(seconds=30))
    pair = obtain(client).json()
    new = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").json()
    assert client.post(LOGOUT, {"refresh": new["refresh"]}, format="json").status_code == 204
    reuse = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert reuse.status_code == 401
    assert error_code(reuse) == "token_blacklisted"


def test_refresh_after_logout_logs_no_reuse(jwt_settings, user, client, caplog):
    pair = obtain(client).json()
    client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")
    with caplog.at_level("WARNING", logger="restflow.authentication"):
        response = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 401
    assert not [record for record in caplog.records if "reused" in record.getMessage()]
