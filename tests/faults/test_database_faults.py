"""PostgreSQL connections cut by the harness's proxy, between and during requests."""

from __future__ import annotations

import concurrent.futures
import time

import httpx
import pytest

from tests.faults.harness import Stack

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.live]


@pytest.fixture(scope="module")
def server(stack: Stack):
    with stack.server() as process:
        yield process


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        yield http


def wait_for_connections(stack: Stack, count: int) -> None:
    deadline = time.monotonic() + 10
    while stack.proxy.open_connections < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stack.proxy.open_connections >= count


def test_connection_lost_between_requests_reconnects(stack, client):
    assert client.get("/api/slow-query/?seconds=0").status_code == 200
    # The pool keeps the connection open between requests; the proxy drops it.
    wait_for_connections(stack, 1)
    assert stack.proxy.cut() >= 2
    for _ in range(3):
        response = client.get("/api/slow-query/?seconds=0")
        assert response.status_code == 200, response.text
        assert response.json()["products"] == stack.products


def test_connection_lost_during_request_is_503(stack, server, client):
    assert client.get("/api/slow-query/?seconds=0").status_code == 200
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.get, "/api/slow-query/?seconds=5")
        # The query is running on the server once the proxy carries it.
        time.sleep(1.0)
        stack.proxy.cut()
        response = pending.result()
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["error"]["code"] == "service_unavailable"
    assert "Traceback" not in response.text
    assert client.get("/api/slow-query/?seconds=0").status_code == 200
    assert "Internal Server Error" not in server.log()


def test_database_refusing_connections_is_503(stack, server, client):
    stack.proxy.refuse()
    stack.proxy.cut()
    try:
        response = client.get("/api/slow-query/?seconds=0")
    finally:
        stack.proxy.accept()
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "service_unavailable"
    assert client.get("/api/slow-query/?seconds=0").status_code == 200
