"""DRF-parity authenticators: the async ``aauthenticate`` agrees with DRF's sync path."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from restflow.authentication.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    RemoteUserAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from tests.unit.authentication.conftest import PASSWORD, run

pytestmark = pytest.mark.django_db

MODES = ["sync", "async"]


def call(backend, request, mode):
    if mode == "sync":
        return backend.authenticate(request)
    return run(backend.aauthenticate, request)


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


def failure(backend, request, mode) -> str:
    with pytest.raises(AuthenticationFailed) as info:
        call(backend, request, mode)
    return str(info.value.detail)


@pytest.mark.parametrize("mode", MODES)
def test_basic_valid(user, make_request, mode):
    found, auth = call(BasicAuthentication(), make_request(basic(f"alice:{PASSWORD}")), mode)
    assert found == user
    assert auth is None


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic", "No credentials provided"),
        ("Basic a b", "should not contain spaces"),
        ("Basic !!!notbase64", "not correctly base64 encoded"),
        ("Basic " + base64.b64encode(b"no-colon").decode(), "not correctly base64 encoded"),
    ],
)
def test_basic_malformed(user, make_request, mode, header, message):
    assert message in failure(BasicAuthentication(), make_request(header), mode)


@pytest.mark.parametrize("mode", MODES)
def test_basic_wrong_password_and_inactive(user, make_request, mode):
    detail = failure(BasicAuthentication(), make_request(basic("alice:wrong")), mode)
    assert detail == "Invalid username/password."
    user.is_active = False
    user.save()
    detail = failure(BasicAuthentication(), make_request(basic(f"alice:{PASSWORD}")), mode)
    assert detail == "Invalid username/password."


@pytest.mark.parametrize("mode", MODES)
def test_basic_latin1_credentials(django_user_model, make_request, mode):
    user = django_user_model.objects.create_user(username="jos\u00e9", password="p\u00e4ss")
    header = "Basic " + base64.b64encode("jos\u00e9:p\u00e4ss".encode("latin-1")).decode()
    assert call(BasicAuthentication(), make_request(header), mode)[0] == user


@pytest.mark.parametrize("mode", MODES)
def test_basic_other_scheme(make_request, mode):
    assert call(BasicAuthentication(), make_request("Bearer abc"), mode) is None


@pytest.mark.parametrize("mode", MODES)
def test_token_valid_and_invalid(user, make_request, mode):
    token = Token.objects.create(user=user)
    found, auth = call(TokenAuthentication(), make_request(f"Token {token.key}"), mode)
    assert found == user
    assert auth == token
    assert failure(TokenAuthentication(), make_request("Token nope"), mode) == "Invalid token."
    user.is_active = False
    user.save()
    detail = failure(TokenAuthentication(), make_request(f"Token {token.key}"), mode)
    assert detail == "User inactive or deleted."


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Token", "No credentials provided"),
        ("Token a b", "should not contain spaces"),
        (b"Token \xff\xfe", "invalid characters"),
    ],
)
def test_token_malformed(user, make_request, mode, header, message):
    assert message in failure(TokenAuthentication(), make_request(header), mode)


@pytest.mark.parametrize("mode", MODES)
def test_token_other_scheme(make_request, mode):
    assert call(TokenAuthentication(), make_request("Bearer abc"), mode) is None


def session_request(user, method="get", csrf=True):
    factory = APIRequestFactory(enforce_csrf_checks=csrf)
    django_request = getattr(factory, method)("/")
    django_request.user = user

    async def auser():
        return user

    django_request.auser = auser
    return Request(django_request)


@pytest.mark.parametrize("mode", MODES)
def test_session_safe_method(user, mode):
    assert call(SessionAuthentication(), session_request(user), mode) == (user, None)


@pytest.mark.parametrize("mode", MODES)
def test_session_anonymous_and_inactive(user, mode):
    assert call(SessionAuthentication(), session_request(AnonymousUser()), mode) is None
    user.is_active = False
    assert call(SessionAuthentication(), session_request(user), mode) is None


@pytest.mark.parametrize("mode", MODES)
def test_session_unsafe_method_needs_csrf(user, mode):
    with pytest.raises(PermissionDenied, match="CSRF Failed"):
        call(SessionAuthentication(), session_request(user, "post"), mode)
    assert call(SessionAuthentication(), session_request(user, "post", csrf=False), mode) == (
        user,
        None,
    )


@pytest.mark.parametrize("mode", MODES)
def test_session_csrf_in_session(user, mode, settings):
    settings.CSRF_USE_SESSIONS = True
    request = session_request(user, "post")
    request._request.session = {}
    with pytest.raises(PermissionDenied, match="CSRF Failed"):
        call(SessionAuthentication(), request, mode)


@pytest.mark.parametrize("mode", MODES)
def test_remote_user(user, make_request, mode, settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.RemoteUserBackend"]
    found, auth = call(RemoteUserAuthentication(), make_request(REMOTE_USER="alice"), mode)
    assert found == user
    assert auth is None
    user.is_active = False
    user.save()
    assert call(RemoteUserAuthentication(), make_request(REMOTE_USER="alice"), mode) is None


class SyncOnly(BaseAuthentication):
    def authenticate(self, request):
        return ("someone", "credential")


def test_base_runs_sync_authenticate_in_thread(make_request):
    assert run(SyncOnly().aauthenticate, make_request()) == ("someone", "credential")
