"""Streaming responses under a real uvicorn, read by real HTTP and SSE clients.

The producers in ``streaming_views`` block until a gate file exists and
record their ``finally`` in a directory the test reads, so the test
controls and observes a producer that runs in the server process.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from httpx_sse import connect_sse

from tests.support import services

pytestmark = pytest.mark.live

MODES = ["async", "sync"]
KINDS = ["json", "ndjson", "sse"]
FIRST_ITEM = {
    "json": b'[{"n":0}',
    "ndjson": b'{"n":0}\n',
    "sse": b'id: 0\ndata: {"n":0}\n\n',
}


@pytest.fixture(scope="module")
def server():
    with services.uvicorn_server(
        "tests.integration.streaming_asgi:application",
        settings_module="tests.integration.streaming_settings",
    ) as process:
        yield process


@pytest.fixture
def client(server):
    # Identity unless a test requests gzip, so raw chunks are the body bytes.
    headers = {"Accept-Encoding": "identity"}
    with httpx.Client(base_url=server.base_url, timeout=20, headers=headers) as http:
        yield http


class GzipStream:
    """Decode a gzip body chunk by chunk, across members.

    Django 5.2 compresses each chunk of an async stream as its own gzip
    member; a single zlib decompressor stops at the end of the first one.
    """

    def __init__(self) -> None:
        self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def __call__(self, data: bytes) -> bytes:
        decoded = b""
        while data:
            decoded += self._decoder.decompress(data)
            if self._decoder.eof:
                data = self._decoder.unused_data
                self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                data = b""
        return decoded

    def flush(self) -> bytes:
        return self._decoder.flush()


def read_until(chunks: Iterator[bytes], marker: bytes, decode=lambda data: data) -> bytes:
    """Read chunks until the decoded data contains ``marker``; fail if the body ends first."""
    received = b""
    for chunk in chunks:
        received += decode(chunk)
        if marker in received:
            return received
    raise AssertionError(f"the body ended before {marker!r} arrived; got {received!r}")


def wait_for_file(path: Path, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path.name} was not written within {timeout} s")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", MODES)
def test_first_item_arrives_while_producer_blocks(client, tmp_path, mode, kind):
    gate = tmp_path / "gate"
    params = {"count": 3, "block_at": 1, "gate": str(gate), "record": str(tmp_path)}
    with client.stream("GET", f"/stream/{mode}/{kind}/", params=params) as r:
        chunks = r.iter_raw()
        first = read_until(chunks, FIRST_ITEM[kind])
        # The producer is still waiting for the gate: nothing past item 0 left yet.
        assert not (tmp_path / "finally").exists()
        assert b'"n":1' not in first
        gate.write_text("open")
        body = first + b"".join(chunks)

    assert r.headers["X-Accel-Buffering"] == "no"
    if kind == "json":
        assert r.headers["Content-Type"] == "application/json"
        assert json.loads(body) == [{"n": 0}, {"n": 1}, {"n": 2}]
    elif kind == "ndjson":
        assert r.headers["Content-Type"] == "application/x-ndjson"
        assert [json.loads(line) for line in body.splitlines()] == [{"n": n} for n in range(3)]
    else:
        assert r.headers["Content-Type"] == "text/event-stream"
        assert r.headers["Cache-Control"] == "no-cache"
        assert body.count(b"data: ") == 3


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mode", MODES)
def test_gzip_middleware_does_not_buffer(client, tmp_path, mode, kind):
    gate = tmp_path / "gate"
    params = {"count": 3, "block_at": 1, "gate": str(gate), "record": str(tmp_path)}
    headers = {"Accept-Encoding": "gzip"}
    decompressor = GzipStream()
    with client.stream("GET", f"/stream/{mode}/{kind}/", params=params, headers=headers) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        chunks = r.iter_raw()
        # Django 6 flushes the compressor after every chunk, and restflow
        # swaps in a flushing compressor on older versions, so item 0
        # decompresses while the producer is still blocked.
        first = read_until(chunks, FIRST_ITEM[kind], decompressor)
        assert not (tmp_path / "finally").exists()
        gate.write_text("open")
        rest = b"".join(decompressor(chunk) for chunk in chunks)

    body = first + rest + decompressor.flush()
    assert body.count(b'"n":') == 3


@pytest.mark.parametrize("kind", KINDS)
def test_disconnect_closes_async_generator(client, tmp_path, kind):
    gate = tmp_path / "never-opened"
    params = {"count": 3, "block_at": 1, "gate": str(gate), "record": str(tmp_path)}
    with client.stream("GET", f"/stream/async/{kind}/", params=params) as r:
        # Keep the chunk iterator referenced: when httpx's iterator is
        # garbage-collected it closes the connection.
        chunks = r.iter_raw()
        read_until(chunks, FIRST_ITEM[kind])
        assert not (tmp_path / "finally").exists()
    # Leaving the block closes the connection while the producer waits.

    # The producer's finally ran while it waited for a gate that never opens.
    # It counted item 0 as produced ("1") unless the disconnect arrived
    # before the consumer asked for item 1 ("0").
    assert wait_for_file(tmp_path / "finally") in ("0", "1")


def test_disconnect_closes_sync_generator(client, tmp_path):
    gate = tmp_path / "gate"
    params = {"count": 1_000_000, "block_at": 1, "gate": str(gate), "record": str(tmp_path)}
    with client.stream("GET", "/stream/sync/ndjson/", params=params) as r:
        read_until(r.iter_raw(), FIRST_ITEM["ndjson"])
    # The worker thread waits in the producer until the gate opens. Then it
    # finds the stop request and closes the generator long before its end.
    time.sleep(0.2)
    gate.write_text("open")

    produced = int(wait_for_file(tmp_path / "finally"))
    assert produced < 10_000


@pytest.mark.parametrize("mode", MODES)
def test_failure_mid_array_leaves_invalid_json(client, tmp_path, mode):
    params = {"count": 5, "fail_at": 2, "record": str(tmp_path)}
    received = b""
    with (
        pytest.raises(httpx.RemoteProtocolError),
        client.stream("GET", f"/stream/{mode}/json/", params=params) as r,
    ):
        for chunk in r.iter_raw():
            received += chunk

    assert received == b'[{"n":0},{"n":1}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(received)


@pytest.mark.parametrize("mode", MODES)
def test_failure_mid_ndjson_sends_no_false_line(client, tmp_path, mode):
    params = {"count": 5, "fail_at": 2, "record": str(tmp_path)}
    received = b""
    with (
        pytest.raises(httpx.RemoteProtocolError),
        client.stream("GET", f"/stream/{mode}/ndjson/", params=params) as r,
    ):
        for chunk in r.iter_raw():
            received += chunk

    assert received == b'{"n":0}\n{"n":1}\n'


def test_sse_client_reads_every_field(server):
    with (
        httpx.Client(base_url=server.base_url, timeout=20) as http,
        connect_sse(http, "GET", "/stream/events/") as source,
    ):
        events = list(source.iter_sse())

    assert [event.event for event in events] == ["greeting", "price", "message"]
    assert events[0].data == "hello\nworld"
    assert events[0].id == "1"
    assert events[0].retry == 1500
    assert json.loads(events[1].data) == {"price": 10.5}
    assert events[1].id == "2"
    assert events[2].data == "plain"


@pytest.mark.parametrize("mode", MODES)
def test_sse_sends_keepalive_while_idle(client, tmp_path, mode):
    gate = tmp_path / "gate"
    params = {
        "count": 2,
        "block_at": 1,
        "gate": str(gate),
        "record": str(tmp_path),
        "keepalive": "0.1",
    }
    with client.stream("GET", f"/stream/{mode}/sse/", params=params) as r:
        chunks = r.iter_raw()
        received = read_until(chunks, b": keep-alive\n\n")
        gate.write_text("open")
        received += b"".join(chunks)

    assert b'data: {"n":1}' in received
    assert received.index(b": keep-alive") > received.index(b'data: {"n":0}')
