"""Fixtures for the example catalog tests: a seeded catalog, the example's settings, a token."""

from __future__ import annotations

import io
import os
import uuid
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from example import settings as example_settings

DEMO_PASSWORD = "demo-pass-123"


def seed(products: int, *extra: str) -> str:
    """Run ``seed_catalog`` and return what it printed on stderr (the progress)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("seed_catalog", "--products", str(products), *extra, stdout=stdout, stderr=stderr)
    return stderr.getvalue()


@pytest.fixture
def example_cache_kind() -> str:
    """``"redis"`` when the example would use Redis (``REDIS_URL`` set), else ``"locmem"``."""
    return "redis" if example_settings.REDIS_URL else "locmem"


def cache_overrides(kind: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return ``CACHES`` and ``RESTFLOW_SETTINGS`` of the example on ``kind``, keyed per test.

    The keys get a prefix of their own, because the machine's Redis is shared.
    """
    name = f"restflow-example-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    restflow = example_settings.RESTFLOW_SETTINGS
    if kind == "redis":
        caches = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_PREFIX": name,
            }
        }
        stores = {"cache": "redis", "throttle": "redis", "blacklist": "redis"}
    else:
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": name,
            }
        }
        stores = {"cache": "django", "throttle": "cache", "blacklist": "model"}
    return caches, {
        **restflow,
        "CACHE_SETTINGS": {"BACKEND": stores["cache"]},
        "THROTTLING": {"STORE": stores["throttle"]},
        "JWT": {**restflow["JWT"], "BLACKLIST_BACKEND": stores["blacklist"]},
    }


@pytest.fixture
def example_api(example_cache_kind: str):
    """Serve the catalog routes with the example's settings, on the example's cache."""
    caches, restflow = cache_overrides(example_cache_kind)
    with override_settings(
        ROOT_URLCONF="tests.example.urls",
        REST_FRAMEWORK=example_settings.REST_FRAMEWORK,
        RESTFLOW_SETTINGS=restflow,
        MIDDLEWARE=example_settings.MIDDLEWARE,
        CACHES=caches,
    ):
        try:
            yield
        finally:
            # Only this test's keys: clear() would empty the whole shared Redis database.
            if example_cache_kind == "redis":
                cache.delete_pattern("*")
            else:
                cache.clear()


@pytest.fixture
def seeded_catalog(db):
    """A catalog of 120 seeded products."""
    seed(120)


def obtain_token(client, username: str, *, is_staff: bool = False) -> dict[str, str]:
    """Create ``username`` and return the token pair the example's token view issues."""
    get_user_model().objects.create_user(username, password=DEMO_PASSWORD, is_staff=is_staff)
    response = client.post(
        "/api/auth/token/",
        {"username": username, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def demo_auth(client, db) -> dict[str, str]:
    """``Authorization`` keyword arguments for the test client, as a signed-in non-staff user."""
    pair = obtain_token(client, "demo")
    return {"HTTP_AUTHORIZATION": f"Bearer {pair['access']}"}
