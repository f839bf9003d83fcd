"""The example project as ``make demo`` runs it: migrated, seeded and served by uvicorn."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse

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


DEMO_PASSWORD = "demo-pass-123"


def prepare_demo(environment: dict[str, str], products: int = 300) -> None:
    """Do what ``make demo`` does before serving: migrate, seed, create the demo users."""
    manage(environment, "migrate", "--noinput")
    manage(environment, "seed_catalog", "--products", str(products))
    manage(environment, "create_demo_user", "--username", "demo", "--password", DEMO_PASSWORD)
    manage(
        environment,
        "create_demo_user",
        "--username",
        "demo-admin",
        "--password",
        DEMO_PASSWORD,
        "--staff",
    )


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with 300 seeded products and the demo users."""
    database = tmp_path_factory.mktemp("demo") / "catalog.sqlite3"
    prepare_demo(example_environment(database))
    return database


@pytest.fixture(scope="module")
def demo_server(demo_database: Path) -> Iterator[services.ServerProcess]:
    with services.uvicorn_server(
        "example.asgi:application",
        settings_module="example.settings",
        env=example_environment(demo_database),
    ) as server:
        yield server


def token_pair(base_url: str, username: str = "demo") -> dict[str, str]:
    response = httpx.post(
        f"{base_url}/api/auth/token/",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"access", "refresh"}
    return response.json()


def bearer(base_url: str, username: str = "demo") -> dict[str, str]:
    return {"Authorization": f"Bearer {token_pair(base_url, username)['access']}"}


def get(server: services.ServerProcess, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(f"{server.base_url}{path}", timeout=10, **kwargs)


def error_of(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.json()["error"]


def test_demo_product_page_two(demo_server):
    response = get(demo_server, "/api/products/?page=2")

    assert response.status_code == 200, demo_server.log()
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert len(body["results"]) == 50
    assert (
        body["results"][0]["id"]
        == get(demo_server, "/api/products/").json()["results"][-1]["id"] + 1
    )
    assert all(item["name"] and item["price"] for item in body["results"])


def test_demo_unknown_url_is_enveloped(demo_server):
    response = get(demo_server, "/api/nowhere/")

    assert response.status_code == 404, demo_server.log()
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("page", ["0", "abc"])
def test_demo_bad_page_is_not_found(demo_server, page):
    response = get(demo_server, f"/api/products/?page={page}")

    assert response.status_code == 404, demo_server.log()
    assert error_of(response)["code"] == "not_found"


def test_demo_create_without_token_is_401(demo_server):
    response = httpx.post(
        f"{demo_server.base_url}/api/products/", json={"price": "abc"}, timeout=10
    )

    assert response.status_code == 401, demo_server.log()
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "not_authenticated"


def test_demo_create_names_bad_fields(demo_server):
    response = httpx.post(
        f"{demo_server.base_url}/api/products/",
        json={"price": "abc"},
        headers=bearer(demo_server.base_url),
        timeout=10,
    )

    assert response.status_code == 400, demo_server.log()
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"name", "price", "category", "brand"}


def test_demo_product_lifecycle(demo_server):
    base = demo_server.base_url
    headers = bearer(base)
    category = get(demo_server, "/api/categories/").json()[0]
    brand = get(demo_server, "/api/brands/").json()[0]

    created = httpx.post(
        f"{base}/api/products/",
        json={
            "name": "Demo Lamp",
            "price": "15.00",
            "stock": 2,
            "category": category["id"],
            "brand": brand["id"],
        },
        headers=headers,
        timeout=10,
    )
    assert created.status_code == 201, demo_server.log()
    url = f"{base}/api/products/{created.json()['id']}/"
    updated = httpx.put(
        url,
        json={**created.json(), "price": "16.50", "stock": 0},
        headers=headers,
        timeout=10,
    )
    forbidden = httpx.delete(url, headers=headers, timeout=10)
    deleted = httpx.delete(url, headers=bearer(base, "demo-admin"), timeout=10)
    gone = httpx.get(url, timeout=10)

    assert updated.status_code == 200, updated.text
    assert updated.json()["price"] == "16.50"
    assert updated.json()["in_stock"] is False
    assert forbidden.status_code == 403
    assert error_of(forbidden)["code"] == "permission_denied"
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert error_of(gone)["code"] == "not_found"


def test_demo_filters_price_range_and_order(demo_server):
    response = get(demo_server, "/api/products/?price__gte=10&price__lt=20&order_by=-price,name")

    assert response.status_code == 200, demo_server.log()
    rows = [(Decimal(item["price"]), item["name"]) for item in response.json()["results"]]
    assert rows
    assert all(Decimal(10) <= price < Decimal(20) for price, _ in rows)
    assert rows == sorted(rows, key=lambda row: (-row[0], row[1]))


def test_demo_filters_negated_category(demo_server):
    category = get(demo_server, "/api/products/").json()["results"][0]["category"]

    included = get(demo_server, f"/api/products/?category={category}&page_size=100").json()
    excluded = get(demo_server, f"/api/products/?category!={category}&page_size=100").json()

    assert {item["category"] for item in included["results"]} == {category}
    assert excluded["results"]
    assert category not in {item["category"] for item in excluded["results"]}


@pytest.mark.parametrize(
    ("query", "parameter"), [("price__gte=abc", "price__gte"), ("order_by=nope", "order_by")]
)
def test_demo_bad_filter_is_400(demo_server, query, parameter):
    response = get(demo_server, f"/api/products/?{query}")

    assert response.status_code == 400, demo_server.log()
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert list(error["details"]) == [parameter]


def test_demo_detail_cache_and_invalidation(demo_server):
    base = demo_server.base_url
    url = f"{base}/api/products/7/"

    first, second = httpx.get(url, timeout=10), httpx.get(url, timeout=10)
    new_price = str(Decimal(first.json()["price"]) + Decimal("1.25"))
    patched = httpx.patch(url, json={"price": new_price}, headers=bearer(base), timeout=10)
    after = httpx.get(url, timeout=10)

    assert [first.headers["x-cache-status"], second.headers["x-cache-status"]] == ["MISS", "HIT"]
    assert patched.status_code == 200, patched.text
    assert after.headers["x-cache-status"] == "MISS"
    assert after.json()["price"] == new_price


def test_demo_brand_list_cached_by_route_rule(demo_server):
    # A query string of its own: other tests read the plain list first.
    statuses = [
        get(demo_server, "/api/brands/?test=route-rule").headers["x-cache-status"] for _ in range(2)
    ]

    assert statuses == ["MISS", "HIT"]


def test_demo_refresh_rotates_and_logout_blacklists(demo_server):
    base = demo_server.base_url
    pair = token_pair(base)

    rotated = httpx.post(f"{base}/api/auth/token/refresh/", json={"refresh": pair["refresh"]})
    reused = httpx.post(f"{base}/api/auth/token/refresh/", json={"refresh": pair["refresh"]})
    new_refresh = rotated.json()["refresh"]
    logout = httpx.post(f"{base}/api/auth/token/blacklist/", json={"refresh": new_refresh})
    after_logout = httpx.post(f"{base}/api/auth/token/refresh/", json={"refresh": new_refresh})

    assert rotated.status_code == 200, demo_server.log()
    assert new_refresh != pair["refresh"]
    assert reused.status_code == 401
    assert logout.status_code == 204
    assert after_logout.status_code == 401
    assert error_of(after_logout)["code"] == "token_blacklisted"


def test_demo_ndjson_export_streams(demo_server):
    lines = []
    with httpx.stream("GET", f"{demo_server.base_url}/api/products/export.ndjson") as response:
        assert response.headers["content-type"].startswith("application/x-ndjson")
        for line in response.iter_lines():
            lines.append(json.loads(line))
            if len(lines) == 3:
                break

    assert [line["id"] for line in lines] == [1, 2, 3]
    assert all(line["name"] and line["price"] for line in lines)


def test_demo_sse_price_feed(demo_server):
    base = demo_server.base_url
    headers = bearer(base)
    received: list[ServerSentEvent] = []

    def listen() -> None:
        with (
            httpx.Client(timeout=30) as client,
            connect_sse(client, "GET", f"{base}/api/products/prices/stream/") as source,
        ):
            assert source.response.headers["content-type"].startswith("text/event-stream")
            for event in source.iter_sse():
                received.append(event)
                return

    listener = threading.Thread(target=listen)
    listener.start()
    # Save until the listener sees an event: the feed reports saves after it connected.
    for attempt in range(20):
        response = httpx.patch(
            f"{base}/api/products/11/",
            json={"price": f"{30 + attempt}.00"},
            headers=headers,
            timeout=10,
        )
        assert response.status_code == 200, response.text
        listener.join(timeout=1.5)
        if not listener.is_alive():
            break

    assert received, demo_server.log()
    event = received[0]
    assert event.event == "price"
    assert event.json()["product"] == 11
    assert event.id


def test_demo_openapi_and_docs_offline(demo_server):
    schema = get(demo_server, "/api/schema/?format=json")
    swagger = get(demo_server, "/api/docs/")
    redoc = get(demo_server, "/api/redoc/")
    scripts = re.findall(r'src="([^"]+)"', swagger.text + redoc.text)
    assets = [get(demo_server, src) for src in scripts if src.startswith("/")]

    assert schema.status_code == 200, demo_server.log()
    assert "/api/products/{id}/" in schema.json()["paths"]
    assert swagger.status_code == 200
    assert redoc.status_code == 200
    # Every script is served by the demo itself, none comes from a CDN.
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert [asset.status_code for asset in assets] == [200] * len(assets)


def readme_get_requests() -> list[tuple[str, int]]:
    """Return each plain GET of the README's "Try it" block with the status its comment names."""
    readme = (services.ROOT / "README.md").read_text()
    block = readme.split("$ B=http://127.0.0.1:8000", 1)[1].split("```", 1)[0]
    requests = []
    for line in block.splitlines():
        command, _, comment = line.partition("#")
        if not re.match(r"\$ curl -si? ", command) or " -X " in command:
            continue
        status = 200
        if "404" in comment:
            status = 404
        elif "400" in comment:
            status = 400
        for url in re.findall(r'"?\$B(/[^"\s]*)"?', command):
            requests.append((url, status))
    return requests


def test_demo_readme_requests(demo_server):
    requests = readme_get_requests()

    answers = [(url, get(demo_server, url).status_code) for url, _ in requests]

    assert len(requests) >= 8
    assert answers == requests, demo_server.log()


def test_demo_problem_envelope_from_environment(demo_database):
    environment = example_environment(demo_database, RESTFLOW_ENVELOPE="problem")
    with services.uvicorn_server(
        "example.asgi:application", settings_module="example.settings", env=environment
    ) as server:
        unknown = httpx.get(f"{server.base_url}/api/nowhere/", timeout=10)
        invalid = httpx.post(
            f"{server.base_url}/api/products/",
            json={"price": "abc"},
            headers=bearer(server.base_url),
            timeout=10,
        )

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
    prepare_demo(environment)

    with services.uvicorn_server(
        "example.asgi:application", settings_module="example.settings", env=environment
    ) as server:
        # More concurrent requests than the pool has connections: they must
        # queue for a pooled connection instead of failing.
        responses = asyncio.run(fetch_concurrently(f"{server.base_url}/api/products/?page=2", 40))

    assert [response.status_code for response in responses] == [200] * 40, server.log()
    assert all(len(response.json()["results"]) == 50 for response in responses)


def create_product(base_url: str, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    category = httpx.get(f"{base_url}/api/categories/", timeout=10).json()[0]
    brand = httpx.get(f"{base_url}/api/brands/", timeout=10).json()[0]
    payload = {"price": "10.00", "category": category["id"], "brand": brand["id"], **fields}
    response = httpx.post(f"{base_url}/api/products/", json=payload, headers=headers, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.postgres
def test_demo_search_ranks_on_postgres(example_postgres_url):
    environment = example_environment(example_postgres_url)
    prepare_demo(environment, products=50)

    with services.uvicorn_server(
        "example.asgi:application", settings_module="example.settings", env=environment
    ) as server:
        headers = bearer(server.base_url)
        # Created first, so an unranked match would list it first.
        in_description = create_product(
            server.base_url, headers, name="Plain Kettle", description="A quokka on the lid."
        )
        in_name = create_product(server.base_url, headers, name="Quokka Kettle")
        response = httpx.get(f"{server.base_url}/api/products/?search=quokka", timeout=10)

    assert response.status_code == 200, server.log()
    ids = [item["id"] for item in response.json()["results"]]
    assert ids == [in_name["id"], in_description["id"]]


@pytest.mark.redis
def test_demo_on_redis(demo_database, private_redis):
    import redis

    environment = example_environment(demo_database, REDIS_URL=private_redis.url)
    with services.uvicorn_server(
        "example.asgi:application", settings_module="example.settings", env=environment
    ) as server:
        base = server.base_url
        url = f"{base}/api/products/23/"
        first, second = httpx.get(url, timeout=10), httpx.get(url, timeout=10)
        new_price = str(Decimal(first.json()["price"]) + Decimal("2.00"))
        pair = token_pair(base)
        headers = {"Authorization": f"Bearer {pair['access']}"}
        patched = httpx.patch(url, json={"price": new_price}, headers=headers, timeout=10)
        after = httpx.get(url, timeout=10)
        logout = httpx.post(f"{base}/api/auth/token/blacklist/", json={"refresh": pair["refresh"]})
        refused = httpx.post(f"{base}/api/auth/token/refresh/", json={"refresh": pair["refresh"]})

    assert [first.headers["x-cache-status"], second.headers["x-cache-status"]] == ["MISS", "HIT"]
    assert patched.status_code == 200, server.log()
    assert after.headers["x-cache-status"] == "MISS"
    assert after.json()["price"] == new_price
    assert logout.status_code == 204
    assert error_of(refused)["code"] == "token_blacklisted"
    # The cache entries, the revoked token and the throttle counters all live in Redis.
    keys = [key.decode() for key in redis.Redis.from_url(private_redis.url).keys("*")]
    assert any("ResponseCache" in key for key in keys), keys
    assert any(":jwt:bl:" in key for key in keys), keys
    assert any(":throttle:" in key for key in keys), keys
