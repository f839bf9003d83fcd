"""Throttle and JWT blacklist stores (Redis) down: the configured choice, never a 500."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from tests.faults.harness import Stack

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.live]

LOGIN = {"username": "faults", "password": "faults-pass-123"}


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "service_unavailable"


@contextlib.contextmanager
def cache_down(stack: Stack, fault: str) -> Iterator[None]:
    """Stop or pause (``fault``) the stack's Redis for the block, and bring it back after."""
    if fault == "stop":
        down, up = stack.cache.stop, stack.cache.start_again
    else:
        down, up = stack.cache.pause, stack.cache.resume
    down()
    try:
        yield
    finally:
        up()


@pytest.mark.parametrize("fault", ["stop", "pause"])
def test_throttle_store_down_fails_open_by_default(stack: Stack, fault):
    with stack.server() as server, httpx.Client(base_url=server.base_url, timeout=15) as client:
        assert client.get("/api/guarded/").status_code == 200
        with cache_down(stack, fault):
            statuses = [client.get("/api/guarded/").status_code for _ in range(5)]
        assert statuses == [200] * 5
        assert client.get("/api/guarded/").status_code == 200
        log = server.log()
        assert log.count("WARNING restflow.throttling") == 1, log[-2000:]
        assert "ERROR django.request" not in log


@pytest.mark.parametrize("fault", ["stop", "pause"])
def test_throttle_store_down_fails_closed_when_configured(stack: Stack, fault):
    with (
        stack.server(FAULTS_THROTTLE_FAIL_OPEN="0") as server,
        httpx.Client(base_url=server.base_url, timeout=15) as client,
    ):
        assert client.get("/api/guarded/").status_code == 200
        with cache_down(stack, fault):
            responses = [client.get("/api/guarded/") for _ in range(3)]
        for response in responses:
            assert_unavailable(response)
            assert int(response.headers["Retry-After"]) >= 1
        assert client.get("/api/guarded/").status_code == 200


@pytest.mark.parametrize("fault", ["stop", "pause"])
def test_blacklist_store_down_fails_closed(stack: Stack, fault):
    with stack.server() as server, httpx.Client(base_url=server.base_url, timeout=15) as client:
        pair = client.post("/api/auth/token/", json=LOGIN).json()
        bearer = {"Authorization": f"Bearer {pair['access']}"}
        assert client.get("/api/me/", headers=bearer).status_code == 200
        with cache_down(stack, fault):
            refresh = client.post("/api/auth/token/refresh/", json={"refresh": pair["refresh"]})
            me = client.get("/api/me/", headers=bearer)
            logout = client.post("/api/auth/token/blacklist/", json={"refresh": pair["refresh"]})
        # BLACKLIST_FAIL_OPEN is False by default: a token that cannot be
        # checked is not accepted, and a logout that cannot be recorded fails.
        assert_unavailable(refresh)
        assert_unavailable(me)
        assert_unavailable(logout)
        # After recovery the unrotated refresh token still works.
        rotated = client.post("/api/auth/token/refresh/", json={"refresh": pair["refresh"]})
        assert rotated.status_code == 200, rotated.text
        log = server.log()
        assert "Internal Server Error" not in log, log[-2000:]
