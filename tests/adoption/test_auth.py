"""Zero-code adoption: JWTAuthentication named in DRF's defaults protects plain sync views.

DRF reads ``DEFAULT_AUTHENTICATION_CLASSES`` once, when ``rest_framework.views``
is first imported, and every ``APIView`` inherits that list; a later
``override_settings`` does not reach it. A project sets the default in
settings.py before anything imports DRF, so this file reproduces exactly
that: ``test_adoption_in_fresh_process`` writes a settings module with the
default and runs the tests below in a new Python process.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from restflow.authentication.jwt_authentication import JWTAuthentication
from tests.support.fresh_process import is_inner, run_inner_tests

INNER = is_inner("RESTFLOW_ADOPTION_AUTH")
SETTINGS_MODULE = """
from conf.settings import *  # noqa: F403

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_AUTHENTICATION_CLASSES": ["restflow.authentication.JWTAuthentication"],
}
RESTFLOW_SETTINGS = {
    "JWT": {"SIGNING_KEY": "adoption-secret-" + "k" * 48, "BLACKLIST_ALLOW_LOCMEM": True}
}
ROOT_URLCONF = "tests.adoption.urls_auth"
"""


@pytest.mark.skipif(INNER, reason="this is the outer run that starts the inner one")
def test_adoption_in_fresh_process(tmp_path):
    run_inner_tests(__file__, tmp_path, SETTINGS_MODULE, "RESTFLOW_ADOPTION_AUTH", 7)


inner = pytest.mark.skipif(not INNER, reason="runs inside test_adoption_in_fresh_process")


@pytest.fixture
def jwt_project(db):
    from tests.adoption import views_auth

    return views_auth


@pytest.fixture
def access_token(jwt_project):
    get_user_model().objects.create_user(username="demo", password="demo-pass-123")
    response = APIClient().post(
        "/api/auth/token/", {"username": "demo", "password": "demo-pass-123"}
    )
    assert response.status_code == 200
    return response.json()["access"]


@inner
def test_views_picked_up_the_default(jwt_project):
    assert jwt_project.ProfileView.authentication_classes == [JWTAuthentication]


@inner
def test_anonymous_request_gets_401_envelope(jwt_project):
    response = APIClient().get("/api/profile/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@inner
def test_access_token_accepted_on_apiview(access_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    response = client.get("/api/profile/")
    assert response.status_code == 200
    assert response.json() == {"username": "demo"}


@inner
def test_access_token_accepted_on_api_view_function(access_token):
    client = APIClient()
    assert client.get("/api/whoami/").json() == {"authenticated": False}
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    assert client.get("/api/whoami/").json() == {"authenticated": True}


@inner
def test_writes_need_a_token_on_generic_view(access_token):
    client = APIClient()
    assert client.get("/api/categories/").status_code == 200
    denied = client.post("/api/categories/", {"name": "Tools", "slug": "tools"})
    assert denied.status_code == 401
    assert denied["WWW-Authenticate"] == 'Bearer realm="api"'
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    created = client.post("/api/categories/", {"name": "Tools", "slug": "tools"})
    assert created.status_code == 201
    assert created.json()["slug"] == "tools"


@inner
def test_bad_token_is_401_with_code(jwt_project):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    response = client.get("/api/profile/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


@inner
def test_logout_then_token_rejected(access_token):
    client = APIClient()
    pair = client.post("/api/auth/token/", {"username": "demo", "password": "demo-pass-123"}).json()
    assert (
        client.post("/api/auth/token/blacklist/", {"refresh": pair["refresh"]}).status_code == 204
    )
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    response = client.get("/api/profile/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_blacklisted"
