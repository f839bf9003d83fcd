"""Suite-wide pytest configuration: service markers and shared fixtures.

``@pytest.mark.postgres`` and ``@pytest.mark.redis`` mark tests that need
those services. Locally a missing service skips the test with a reason
that names it. Under ``CI=true`` a missing Redis is a failure; PostgreSQL
tests run in the session that sets ``DATABASE_URL`` and skip in the SQLite
session, which says so in the skip reason.
"""

from __future__ import annotations

import os

import pytest

from conf.env import env_flag
from tests.support import services

IN_CI = env_flag("CI")


def _database_vendor() -> str:
    from django.db import connection

    return connection.vendor


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") is not None:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            pytest.skip("needs PostgreSQL: DATABASE_URL is not a postgres:// URL in this session")
        if not services.postgres_reachable(url):
            message = f"needs PostgreSQL, which is not reachable at {url}"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
    if item.get_closest_marker("redis") is not None:
        url = os.environ.get("REDIS_URL", "")
        if not url:
            message = "needs Redis: REDIS_URL is not set"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        if not services.redis_reachable(url):
            message = f"needs Redis, which is not reachable at {url}"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)


@pytest.fixture
def redis_url() -> str:
    """The machine's Redis for tests marked ``redis`` (use a unique key prefix)."""
    return os.environ["REDIS_URL"]


@pytest.fixture
def private_redis():
    """A throwaway redis-server on its own loopback port, for tests that stop or pause it."""
    with services.private_redis() as server:
        yield server
