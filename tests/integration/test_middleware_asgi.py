"""RestflowMiddleware and the envelope under a real uvicorn server (ASGI)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from tests.support import services

pytestmark = pytest.mark.live

SETTINGS_MODULE = "tests.unit.exceptions.live_settings"


@pytest.fixture(scope="module", params=["restflow", "problem"])
def server(request) -> Iterator[tuple[str, services.ServerProcess]]:
    restflow_settings = {"EXCEPTIONS": {"ENVELOPE": request.param}}
    with services.uvicorn_server(
        "conf.asgi:application",
        settings_module=SETTINGS_MODULE,
        env={"RESTFLOW_SETTINGS_JSON": json.dumps(restflow_settings)},
    ) as process:
        yield request.param, process


def code_of(style: str, response: httpx.Response) -> str:
    body = response.json()
    return body["error"]["code"] if style == "restflow" else body["code"]


def content_type(style: str) -> str:
    return "application/json" if style == "restflow" else "application/problem+json"


def test_request_id_echoed(server):
    _, process = server
    response = httpx.get(f"{process.base_url}/api/async/ok/", headers={"X-Request-ID": "live-1"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "live-1"
    assert response.json() == {"request_id": "live-1"}


def test_request_id_generated(server):
    _, process = server
    response = httpx.get(f"{process.base_url}/api/plain/ok/")
    assert len(response.headers["X-Request-ID"]) == 32


def test_unknown_url(server):
    style, process = server
    response = httpx.get(f"{process.base_url}/api/nowhere/")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == content_type(style)
    assert code_of(style, response) == "not_found"


def test_drf_validation(server):
    style, process = server
    response = httpx.get(f"{process.base_url}/api/drf/drf-validation-list/")
    assert response.status_code == 400
    assert code_of(style, response) == "validation_error"


def test_async_view_crash_logged(server):
    style, process = server
    response = httpx.get(
        f"{process.base_url}/api/async/crash/", headers={"X-Request-ID": f"crash-{style}"}
    )
    assert response.status_code == 500
    assert code_of(style, response) == "internal_error"
    assert "secret" not in response.text
    # live_settings sends restflow's records to the server log through RequestIdFilter.
    assert f"ERROR [crash-{style}] restflow.exceptions.handler: GET /api/async/crash/" in (
        process.log()
    )


def test_async_view_throttled_headers(server):
    _, process = server
    response = httpx.get(f"{process.base_url}/api/async/drf-throttled/")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "8"


def test_concurrent_request_ids_isolated(server):
    _, process = server

    async def fetch(client: httpx.AsyncClient, index: int) -> tuple[str, dict]:
        request_id = f"concurrent-{index}"
        response = await client.get("/api/async/context/", headers={"X-Request-ID": request_id})
        return request_id, response.json()

    async def main() -> list[tuple[str, dict]]:
        async with httpx.AsyncClient(base_url=process.base_url) as client:
            return await asyncio.gather(*(fetch(client, index) for index in range(30)))

    for request_id, body in asyncio.run(main()):
        assert body == {"context_request_id": request_id}


def test_async_drf_view_keeps_challenge(server):
    style, process = server
    response = httpx.get(f"{process.base_url}/api/drf-async/drf-not-authenticated/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="api"'
    assert response.headers["Content-Type"] == content_type(style)
    assert code_of(style, response) == "not_authenticated"
