"""Both JWT authenticators through Django's ASGI handler and a restflow async detail view.

The stateless class must serve a valid token with the view's own query and
nothing else, and refuse every token the database-backed class refuses for
token reasons (expiry, revocation of the token or its login). Only the user
row's state separates them.
"""

from __future__ import annotations

import time
from typing import Any

import jwt as pyjwt
import pytest
from catalog.models import Product
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import AsyncClient, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from rest_framework import serializers

from restflow.authentication import (
    AccessToken,
    JWTAuthentication,
    JWTStatelessUserAuthentication,
    RefreshToken,
)
from restflow.authentication.revocation import revoke_family
from restflow.permissions import IsAuthenticated
from restflow.registry import JWT_BLACKLIST_STORES
from restflow.views import AsyncRetrieveAPIView
from tests.viewsapp.support import hops, make_catalog, run_async  # noqa: F401  (hops: fixture)

pytestmark = pytest.mark.django_db

SECRET = "fastpath-test-secret-" + "f" * 48


class ProductOut(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name"]


class StatelessDetail(AsyncRetrieveAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductOut
    authentication_classes = [JWTStatelessUserAuthentication]
    permission_classes = [IsAuthenticated]


class DatabaseDetail(StatelessDetail):
    authentication_classes = [JWTAuthentication]


urlpatterns = [
    path("stateless/<int:pk>/", StatelessDetail.as_view()),
    path("db/<int:pk>/", DatabaseDetail.as_view()),
]


@pytest.fixture(autouse=True)
def jwt_site(settings: Any) -> Any:
    JWT_BLACKLIST_STORES.reset()
    settings.RESTFLOW_SETTINGS = {"JWT": {"SIGNING_KEY": SECRET, "BLACKLIST_ALLOW_LOCMEM": True}}
    with override_settings(ROOT_URLCONF=__name__):
        yield
    JWT_BLACKLIST_STORES.reset()


@pytest.fixture
def user() -> Any:
    return get_user_model().objects.create_user("fastpath", password="fastpath-pass-123")


@pytest.fixture
def product() -> Product:
    return make_catalog(products=1)[0]


def get(url: str, token: Any) -> Any:
    @run_async
    async def call() -> Any:
        return await AsyncClient().get(url, headers={"Authorization": f"Bearer {token}"})

    return call()


def test_stateless_serves_with_the_view_query_only(user, product, hops):  # noqa: F811
    token = RefreshToken.for_user(user).access_token
    with CaptureQueriesContext(connection) as queries:
        response = get(f"/stateless/{product.pk}/", token)
    assert response.status_code == 200
    assert response.json()["id"] == product.pk
    tables = [query["sql"] for query in queries.captured_queries]
    assert len(tables) == 1
    assert "catalog_product" in tables[0]
    # The product fetch is the only ORM hop, and neither the token nor the
    # local-memory blacklist sends work to a thread.
    assert len(hops.orm) == 1
    modules = [hops._module(function) for function in hops.functions]
    assert not [name for name in modules if name.startswith(("restflow.auth", "django.core.cache"))]

    with CaptureQueriesContext(connection) as queries:
        assert get(f"/db/{product.pk}/", token).status_code == 200
    assert any("auth_user" in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize("prefix", ["stateless", "db"])
def test_logout_ends_access_on_both(user, product, prefix):
    refresh = RefreshToken.for_user(user)
    access = refresh.access_token
    assert get(f"/{prefix}/{product.pk}/", access).status_code == 200
    revoke_family(refresh)
    response = get(f"/{prefix}/{product.pk}/", access)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_blacklisted"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("prefix", ["stateless", "db"])
def test_revoked_access_token_refused_on_both(user, product, prefix):
    access = AccessToken.for_user(user)
    access.blacklist()
    response = get(f"/{prefix}/{product.pk}/", access)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_blacklisted"


@pytest.mark.parametrize("prefix", ["stateless", "db"])
def test_expired_and_forged_refused_on_both(user, product, prefix):
    claims = dict(AccessToken.for_user(user).payload)
    now = int(time.time())
    expired = pyjwt.encode(dict(claims, iat=now - 90, exp=now - 30), SECRET, algorithm="HS256")
    forged = pyjwt.encode(claims, "not-the-secret-" + "g" * 48, algorithm="HS256")
    for token in (expired, forged, RefreshToken.for_user(user)):
        response = get(f"/{prefix}/{product.pk}/", token)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"
    assert get(f"/{prefix}/{product.pk}/", "").status_code == 401


def test_deactivated_user_stateless_access(user, product):
    access = AccessToken.for_user(user)
    user.is_active = False
    user.save()
    assert get(f"/stateless/{product.pk}/", access).status_code == 200
    response = get(f"/db/{product.pk}/", access)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "user_inactive"
    # The remedy the guide gives: revoke the user's tokens.
    access.blacklist()
    assert get(f"/stateless/{product.pk}/", access).status_code == 401
