"""The cache (Redis) stopped or paused while requests and writes arrive.

Reads through ``@cache_response``, sync and async ``@cache_result`` and a
middleware route rule must fall through to computing, return correct
responses, and log the outage once per interval.
"""

from __future__ import annotations

import concurrent.futures
import re
from decimal import Decimal

import httpx
import pytest

from tests.faults.harness import Stack

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.live]

READS = ("/api/products/{pk}/", "/api/prices/{pk}/", "/api/async-prices/{pk}/")


@pytest.fixture(scope="module")
def server(stack: Stack):
    with stack.server() as process:
        yield process


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield http


def prices(client: httpx.Client, pk: int) -> list[Decimal]:
    return [Decimal(client.get(path.format(pk=pk)).json()["price"]) for path in READS]


def set_price(client: httpx.Client, pk: int, price: str) -> None:
    response = client.patch(f"/api/products/{pk}/", json={"price": price})
    assert response.status_code == 200, response.text


def test_paused_cache_reads_fall_through(stack, server, client):
    set_price(client, 5, "55.00")
    assert prices(client, 5) == [Decimal("55.00")] * 3
    categories = client.get("/api/categories/")
    assert categories.headers["X-Cache-Status"] == "MISS"

    stack.cache.pause()
    try:
        # Requests sent while Redis is stopped with SIGSTOP: each cache call
        # waits for the 0.5 s socket timeout, then the view computes.
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            futures = [
                pool.submit(client.get, path.format(pk=5)) for path in READS for _ in range(2)
            ]
            futures.append(pool.submit(client.get, "/api/categories/"))
            responses = [future.result() for future in futures]
    finally:
        stack.cache.resume()
    for response in responses:
        assert response.status_code == 200, response.text
    for response in responses[:-1]:
        assert Decimal(response.json()["price"]) == Decimal("55.00")
    assert responses[-1].json() == categories.json()
    assert "X-Cache-Status" not in responses[0].headers or (
        responses[0].headers["X-Cache-Status"] == "MISS"
    )


def test_stopped_cache_reads_and_writes_stay_correct(stack, server, client):
    set_price(client, 6, "60.00")
    assert prices(client, 6) == [Decimal("60.00")] * 3
    stack.cache.stop()
    try:
        assert prices(client, 6) == [Decimal("60.00")] * 3
        set_price(client, 6, "61.00")
        assert prices(client, 6) == [Decimal("61.00")] * 3
        renamed = client.patch("/api/categories/2/", json={"name": "renamed-while-down"})
        assert renamed.status_code == 200
        names = [item["name"] for item in client.get("/api/categories/").json()]
        assert "renamed-while-down" in names
    finally:
        stack.cache.start_again()
    # The restarted server is empty (no persistence), so nothing stale is left.
    assert prices(client, 6) == [Decimal("61.00")] * 3
    assert prices(client, 6) == [Decimal("61.00")] * 3
    names = [item["name"] for item in client.get("/api/categories/").json()]
    assert "renamed-while-down" in names
    assert "ERROR django.request" not in server.log()


def test_write_during_pause_leaves_no_stale_entry(stack, server, client):
    set_price(client, 7, "70.00")
    assert prices(client, 7) == [Decimal("70.00")] * 3
    assert prices(client, 7) == [Decimal("70.00")] * 3
    stack.cache.pause()
    try:
        set_price(client, 7, "71.00")
    finally:
        stack.cache.resume()
    assert prices(client, 7) == [Decimal("71.00")] * 3


def test_failed_invalidations_log_once_per_interval(stack):
    # A server of its own, so that no earlier test's records count.
    with (
        stack.server(FAULTS_LOG_INTERVAL="3600") as fresh,
        httpx.Client(base_url=fresh.base_url, timeout=15) as http,
    ):
        stack.cache.stop()
        try:
            for step in range(10):
                set_price(http, 8, f"8{step}.00")
                assert prices(http, 8) == [Decimal(f"8{step}.00")] * 3
        finally:
            stack.cache.start_again()
        log = fresh.log()
    # Ten writes fail each product rule (three here, more from the example
    # catalog's views): one record per rule.
    failed = re.findall(r"Cache rule (\w+) for \S+ failed; it waits for a retry", log)
    assert len(failed) >= 3, log[-3000:]
    assert len(failed) == len(set(failed)), log[-3000:]
    assert log.count("serving without the cache") == 1, log[-3000:]


def test_cache_without_configured_timeout_stays_bounded(stack):
    # restflow sets no socket timeout on Django caches: without SOCKET_TIMEOUT
    # the bound is redis-py's own default (5 s since redis-py 8; none before).
    import redis

    if int(redis.__version__.split(".")[0]) < 8:
        pytest.skip("redis-py before 8 has no default socket timeout")
    with stack.server(FAULTS_CACHE_SOCKET_TIMEOUT="") as bare:
        with httpx.Client(base_url=bare.base_url, timeout=30) as http:
            assert http.get("/api/prices/9/").status_code == 200
            stack.cache.pause()
            try:
                response = http.get("/api/prices/9/")
            finally:
                stack.cache.resume()
        assert response.status_code == 200
