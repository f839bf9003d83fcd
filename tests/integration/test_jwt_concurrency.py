"""Concurrent refreshes of one refresh token: with rotation exactly one succeeds.

Two requests present the same refresh token at once. A rule that waits on a
barrier stops both after the blacklist check and before the rotation claim,
so both have seen the token as valid. Only the store's atomic add then
decides, and it lets one through.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import override_settings
from rest_framework.test import APIClient

from restflow.authentication.blacklist.model import ModelBlacklistBackend
from restflow.authentication.blacklist.redis import RedisBlacklistBackend
from restflow.authentication.jwt import RefreshToken
from restflow.registry import JWT_BLACKLIST_STORES

SECRET = "concurrency-test-secret-" + "z" * 48
REFRESH = "/api/auth/token/refresh/"


def refresh_twice_at_once(store, **jwt_overrides) -> list[tuple[int, bytes]]:
    barrier = threading.Barrier(2, timeout=20)

    def wait_for_the_other(user) -> bool:
        barrier.wait()
        return True

    jwt = {
        "SIGNING_KEY": SECRET,
        "BLACKLIST_BACKEND": store,
        "USER_AUTHENTICATION_RULE": wait_for_the_other,
        **jwt_overrides,
    }
    with override_settings(
        RESTFLOW_SETTINGS={"JWT": jwt}, ROOT_URLCONF="tests.unit.authentication.urls"
    ):
        JWT_BLACKLIST_STORES.reset()
        user = get_user_model().objects.create_user(username=f"racer-{os.getpid()}", password="x")
        token = RefreshToken.for_user(user).raw
        results: list[tuple[int, bytes]] = []
        errors: list[BaseException] = []

        def send() -> None:
            try:
                response = APIClient().post(REFRESH, {"refresh": token}, format="json")
                results.append((response.status_code, response.content))
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                # Each thread opened its own connection; the test database cannot be dropped
                # while it stays open.
                connections.close_all()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        JWT_BLACKLIST_STORES.reset()
    assert errors == []
    return sorted(results)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_double_refresh_redis_store(redis_url):
    store = RedisBlacklistBackend(redis_url, key_prefix=f"restflow-test-{os.getpid()}-race:")
    assert [status for status, _ in refresh_twice_at_once(store)] == [200, 401]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_refresh_model_store_postgres():
    results = refresh_twice_at_once(ModelBlacklistBackend())
    assert [status for status, _ in results] == [200, 401]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_double_refresh_within_grace_window_gets_one_pair(redis_url):
    store = RedisBlacklistBackend(redis_url, key_prefix=f"restflow-test-{os.getpid()}-grace:")
    results = refresh_twice_at_once(
        store,
        REFRESH_REUSE_GRACE_PERIOD=timedelta(seconds=30),
        BLACKLIST_CACHE_ALIAS="redis",
    )
    assert [status for status, _ in results] == [200, 200]
    assert results[0][1] == results[1][1]
