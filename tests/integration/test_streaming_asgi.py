"""Streaming responses through Django's ASGI handler, driven in process by raw ASGI messages."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.test import override_settings

pytestmark = pytest.mark.urls("tests.integration.streaming_views")


class ASGIExchange:
    """One request to Django's ASGI handler; the test decides when the client disconnects."""

    def __init__(self, path: str, params: dict, headers: dict | None = None) -> None:
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": urlencode(params).encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000),
        }
        self.messages: asyncio.Queue = asyncio.Queue()
        self.disconnect = asyncio.Event()
        self._request_sent = False

    async def receive(self) -> dict:
        if not self._request_sent:
            self._request_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        await self.messages.put(message)

    def start(self) -> asyncio.Task:
        return asyncio.ensure_future(ASGIHandler()(self.scope, self.receive, self.send))

    async def read_until(self, marker: bytes) -> tuple[dict, bytes]:
        start = await asyncio.wait_for(self.messages.get(), 20)
        body = b""
        while marker not in body:
            message = await asyncio.wait_for(self.messages.get(), 20)
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        return start, body

    async def read_rest(self) -> bytes:
        body = b""
        while True:
            message = await asyncio.wait_for(self.messages.get(), 20)
            body += message.get("body", b"")
            if not message.get("more_body", False):
                return body


async def wait_for_file(path: Path) -> str:
    for _ in range(2000):
        if path.exists():
            return path.read_text()
        await asyncio.sleep(0.01)
    raise AssertionError(f"{path.name} was not written")


@pytest.mark.parametrize("mode", ["async", "sync"])
def test_first_item_before_producer_finishes(tmp_path, mode):
    gate = tmp_path / "gate"
    params = {"count": 3, "block_at": 1, "gate": str(gate), "record": str(tmp_path)}

    async def main():
        exchange = ASGIExchange(f"/stream/{mode}/ndjson/", params)
        task = exchange.start()
        start, first = await exchange.read_until(b"\n")
        blocked = not (tmp_path / "finally").exists()
        gate.write_text("open")
        rest = await exchange.read_rest()
        await task
        return start, first, blocked, rest

    start, first, blocked, rest = asyncio.run(main())
    assert start["status"] == 200
    assert first == b'{"n":0}\n'
    assert blocked
    assert rest == b'{"n":1}\n{"n":2}\n'


@pytest.mark.parametrize("kind", ["json", "ndjson", "sse"])
def test_disconnect_runs_producer_finally(tmp_path, kind):
    params = {"count": 3, "block_at": 1, "gate": str(tmp_path / "never"), "record": str(tmp_path)}

    async def main():
        exchange = ASGIExchange(f"/stream/async/{kind}/", params)
        task = exchange.start()
        await exchange.read_until(b'"n":0')
        assert not (tmp_path / "finally").exists()
        exchange.disconnect.set()
        produced = await wait_for_file(tmp_path / "finally")
        await asyncio.wait_for(task, 20)
        return produced

    # "0" when the disconnect lands before the consumer asks for item 1.
    assert asyncio.run(main()) in ("0", "1")


def test_failure_propagates_and_is_logged(tmp_path, caplog):
    params = {"count": 5, "fail_at": 2, "record": str(tmp_path)}

    async def main():
        exchange = ASGIExchange("/stream/async/json/", params)
        task = exchange.start()
        with pytest.raises(RuntimeError, match="on purpose"):
            await asyncio.wait_for(task, 20)
        body = b""
        while not exchange.messages.empty():
            body += exchange.messages.get_nowait().get("body", b"")
        return body

    with caplog.at_level(logging.ERROR, "restflow.responses"):
        body = asyncio.run(main())

    assert body == b'[{"n":0},{"n":1}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("restflow.responses")]
    assert messages == [
        "StreamingJSONListResponse stopped after 2 item(s) because the iterable raised "
        "RuntimeError; the client receives an incomplete body."
    ]


@override_settings(MIDDLEWARE=["django.middleware.gzip.GZipMiddleware"])
def test_gzip_chunks_flushed_per_item(tmp_path):
    from tests.integration.test_streaming_live import GzipStream

    gate = tmp_path / "gate"
    params = {"count": 2, "block_at": 1, "gate": str(gate), "record": str(tmp_path)}

    async def main():
        exchange = ASGIExchange("/stream/async/ndjson/", params, {"Accept-Encoding": "gzip"})
        task = exchange.start()
        start = await asyncio.wait_for(exchange.messages.get(), 20)
        decompressor = GzipStream()
        text = b""
        while b"\n" not in text:
            message = await asyncio.wait_for(exchange.messages.get(), 20)
            text += decompressor(message.get("body", b""))
        gate.write_text("open")
        text += decompressor(await exchange.read_rest()) + decompressor.flush()
        await task
        return start, text

    start, text = asyncio.run(main())
    assert (b"Content-Encoding", b"gzip") in start["headers"]
    assert text == b'{"n":0}\n{"n":1}\n'


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        ({}, 200, b'id: 0\nevent: tick\ndata: {"n":0}\n\nid: 1\nevent: tick\ndata: {"n":1}\n\n'),
        (
            {"deny": "1"},
            403,
            b'event: error\ndata: {"error":{"code":"permission_denied","message":"not yours",',
        ),
    ],
)
def test_async_view_negotiates_event_stream(params, status, body):
    async def main():
        exchange = ASGIExchange("/stream/async-view/", params, {"Accept": "text/event-stream"})
        task = exchange.start()
        start = await asyncio.wait_for(exchange.messages.get(), 20)
        received = await exchange.read_rest()
        await task
        return start, received

    start, received = asyncio.run(main())
    assert start["status"] == status
    assert received.startswith(body)
