"""The example project as ``make demo`` runs it: migrated, seeded and served by uvicorn."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import httpx
import pytest

from tests.support import services

pytestmark = pytest.mark.live

MANAGE = services.ROOT / "example_project" / "manage.py"


def example_environment(database: Path | str, **extra: str) -> dict[str, str]:
    """Return the variables that point the example at its own database and no Redis.

    ``database`` is a SQLite file or a ``postgres://`` URL.
    """
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return {
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "DJANGO_DEBUG": "",
        **extra,
    }


def manage(environment: dict[str, str], *arguments: str) -> None:
    """Run ``example_project/manage.py`` with the example's settings; fail on a non-zero exit."""
    result = subprocess.run(
        [sys.executable, str(MANAGE), *arguments],
        env={**os.environ, **environment, "DJANGO_SETTINGS_MODULE": "example.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(arguments)} failed:\n{result.stderr}"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with 300 seeded products."""
    database = tmp_path_factory.mktemp("demo") / "catalog.sqlite3"
    environment = example_environment(database)
    manage(environment, "migrate", "--noinput")
    manage(environment, "seed_catalog", "--products", "300")
    return database


@pytest.fixture(scope="module")
def demo_server(demo_database: Path) -> Iterator[services.ServerProcess]:
    with services.uvicorn_server(
        "example.asgi:application",
        settings_module="example.settings",
        env=example_environment(demo_database),
    ) as server:
        yield server


def test_demo_product_page_two(demo_server):
    response = httpx.get(f"{demo_server.base_url}/api/products/?page=2", timeout=10)

    assert response.status_code == 200, demo_server.log()
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["count"] == 300
    assert len(body["results"]) == 50
    assert all(item["name"] and item["price"] for item in body["results"])


def test_demo_unknown_url_is_enveloped(demo_server):
    response = httpx.get(f"{demo_server.base_url}/api/nowhere/", timeout=10)

    assert response.status_code == 404, demo_server.log()
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_demo_create_names_bad_fields(demo_server):
    response = httpx.post(
        f"{demo_server.base_url}/api/products/", json={"price": "abc"}, timeout=10
    )

    assert response.status_code == 400, demo_server.log()
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"name", "price", "category", "brand"}


def test_demo_problem_envelope_from_environment(demo_database):
    environment = example_environment(demo_database, RESTFLOW_ENVELOPE="problem")
    with services.uvicorn_server(
        "example.asgi:application", settings_module="example.settings", env=environment
    ) as server:
        unknown = httpx.get(f"{server.base_url}/api/nowhere/", timeout=10)
        invalid = httpx.post(f"{server.base_url}/api/products/", json={"price": "abc"}, timeout=10)

    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert invalid.status_code == 400
    assert invalid.headers["content-type"].startswith("application/problem+json")
    assert invalid.json()["status"] == 400


@pytest.fixture
def example_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for the example, dropped afterwards."""
    import psycopg

    server_url = os.environ["DATABASE_URL"]
    name = f"restflow_example_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def fetch_concurrently(url: str, count: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as client:
        return await asyncio.gather(*(client.get(url) for _ in range(count)))


@pytest.mark.postgres
def test_demo_on_postgres_pool(example_postgres_url):
    environment = example_environment(example_postgres_url)
    manage(environment, "migrate", "--noinput")
    manage(environment, "seed_catalog", "--products", "300")

    with services.uvicorn_server(
        "example.asgi:application", settings_module="example.settings", env=environment
    ) as server:
        # More concurrent requests than the pool has connections: they must
        # queue for a pooled connection instead of failing.
        responses = asyncio.run(fetch_concurrently(f"{server.base_url}/api/products/?page=2", 40))

    assert [response.status_code for response in responses] == [200] * 40, server.log()
    assert all(response.json()["count"] == 300 for response in responses)
