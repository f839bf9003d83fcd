"""Fixtures for the example catalog tests: a seeded catalog, the example's settings, a token."""

from __future__ import annotations

import io

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
def example_api():
    """Serve the catalog routes with the example's DRF, restflow and middleware settings."""
    with override_settings(
        ROOT_URLCONF="tests.example.urls",
        REST_FRAMEWORK=example_settings.REST_FRAMEWORK,
        RESTFLOW_SETTINGS=example_settings.RESTFLOW_SETTINGS,
        MIDDLEWARE=example_settings.MIDDLEWARE,
    ):
        # Cached responses of an earlier test would name rows that no longer exist.
        cache.clear()
        yield
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
