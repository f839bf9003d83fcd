"""Fixtures for the example catalog tests: a seeded catalog and the example's settings."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from example import settings as example_settings


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
        yield


@pytest.fixture
def seeded_catalog(db):
    """A catalog of 120 seeded products."""
    seed(120)
