"""Streaming responses in process: framing, encoders, serializers, both serving paths, failures."""

from __future__ import annotations

import asyncio
import datetime
import decimal
import json
import logging
import threading
import uuid

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import override_settings
from rest_framework import serializers

from restflow.responses import (
    NDJSONResponse,
    SSEEvent,
    SSEResponse,
    StreamingJSONListResponse,
)


async def agen(items, *, fail_at=None):
    for index, item in enumerate(items):
        if index == fail_at:
            raise RuntimeError("boom")
        await asyncio.sleep(0)
        yield item


def sgen(items, *, fail_at=None):
    for index, item in enumerate(items):
        if index == fail_at:
            raise RuntimeError("boom")
        yield item


def read_sync(response) -> bytes:
    """Consume the response as a WSGI server does."""
    return b"".join(iter(response))


def read_async(response) -> bytes:
    """Consume the response as Django's ASGI handler does."""

    async def main():
        parts = []
        async for part in response:
            parts.append(part)
        return b"".join(parts)

    return asyncio.run(main())


READERS = {"wsgi": read_sync, "asgi": read_async}
SOURCES = {"sync": sgen, "async": agen}


class DoubleSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    double = serializers.SerializerMethodField()

    def get_double(self, obj):
        return obj["n"] * 2


@pytest.fixture(params=sorted(READERS))
def read(request):
    return READERS[request.param]


@pytest.fixture(params=sorted(SOURCES))
def source(request):
    return SOURCES[request.param]


def test_json_list_streams_array(read, source):
    response = StreamingJSONListResponse(source([{"n": 1}, {"n": 2}]))
    assert json.loads(read(response)) == [{"n": 1}, {"n": 2}]
    assert response["Content-Type"] == "application/json"
    assert response["X-Accel-Buffering"] == "no"
    assert response.items_sent == 2


def test_json_list_empty_is_empty_array(read, source):
    assert read(StreamingJSONListResponse(source([]))) == b"[]"


def test_ndjson_one_document_per_line(read, source):
    body = read(NDJSONResponse(source([{"n": 1}, "text", [1, 2]])))
    assert body == b'{"n":1}\n"text"\n[1,2]\n'


def test_ndjson_content_type():
    assert NDJSONResponse([])["Content-Type"] == "application/x-ndjson"


def test_sse_frames_and_headers(read, source):
    response = SSEResponse(source(["a", {"data": {"x": 1}, "event": "e"}]), keepalive=None)
    assert read(response) == b'data: a\n\nevent: e\ndata: {"x":1}\n\n'
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"


def test_sse_sync_source_with_keepalive(read):
    response = SSEResponse(sgen(["a", "b"]), keepalive=30)
    assert read(response) == b"data: a\n\ndata: b\n\n"


def test_default_encoder_handles_drf_types(read, source):
    item = {
        "price": decimal.Decimal("9.99"),
        "at": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "id": uuid.UUID(int=1),
    }
    body = read(NDJSONResponse(source([item])))
    assert json.loads(body) == {
        "price": 9.99,
        "at": "2026-01-02T03:04:05Z",
        "id": "00000000-0000-0000-0000-000000000001",
    }


def test_encoder_class_is_used(read):
    item = {"price": decimal.Decimal("9.99")}
    body = read(NDJSONResponse(sgen([item]), encoder=DjangoJSONEncoder))
    assert json.loads(body) == {"price": "9.99"}


def test_encoder_instance_is_used(read):
    encoder = json.JSONEncoder(indent=2)
    body = read(NDJSONResponse(sgen([{"a": [1, 2]}]), encoder=encoder))
    # Indentation newlines would break NDJSON framing, so they are removed.
    assert body.count(b"\n") == 1
    assert json.loads(body) == {"a": [1, 2]}


def test_encoder_without_encode_rejected():
    with pytest.raises(TypeError, match="encode"):
        NDJSONResponse([], encoder=object())


def test_unicode_follows_drf_setting():
    assert read_sync(NDJSONResponse(["é"])) == '"é"\n'.encode()
    with override_settings(REST_FRAMEWORK={"UNICODE_JSON": False}):
        assert read_sync(NDJSONResponse(["é"])) == b'"\\u00e9"\n'


def test_serializer_applied_per_item(read, source):
    response = StreamingJSONListResponse(
        source([{"n": 1}, {"n": 2}]), serializer_class=DoubleSerializer
    )
    assert json.loads(read(response)) == [{"n": 1, "double": 2}, {"n": 2, "double": 4}]


def test_async_representation_awaited():
    class AsyncSerializer(DoubleSerializer):
        async def ato_representation(self, instance):
            return {"async": instance["n"]}

    body = read_async(NDJSONResponse(agen([{"n": 3}]), serializer_class=AsyncSerializer))
    assert json.loads(body) == {"async": 3}


def test_serializer_context_passed():
    class ContextSerializer(serializers.Serializer):
        def to_representation(self, instance):
            return {"who": self.context["who"], "n": instance}

    response = NDJSONResponse(
        [1], serializer_class=ContextSerializer, serializer_context={"who": "me"}
    )
    assert json.loads(read_sync(response)) == {"who": "me", "n": 1}


def test_sse_serializer_fills_event_data(read, source):
    items = [{"n": 1}, SSEEvent(data={"n": 2}, event="update", id=2)]
    response = SSEResponse(source(items), serializer_class=DoubleSerializer, keepalive=None)
    assert read(response) == (
        b'data: {"n":1,"double":2}\n\nid: 2\nevent: update\ndata: {"n":2,"double":4}\n\n'
    )


def test_headers_and_status_forwarded():
    response = NDJSONResponse([], status=201, headers={"X-Total": "0"}, content_type="text/x")
    assert response.status_code == 201
    assert response["X-Total"] == "0"
    assert response["Content-Type"] == "text/x"


def test_non_iterable_rejected():
    with pytest.raises(TypeError, match="NDJSONResponse needs an iterable"):
        NDJSONResponse(42)


@pytest.mark.parametrize("keepalive", [0, -1, "15", True])
def test_invalid_keepalive_rejected(keepalive):
    with pytest.raises(ValueError, match="keepalive"):
        SSEResponse([], keepalive=keepalive)


def test_getvalue_reads_async_source():
    assert NDJSONResponse(agen([1, 2])).getvalue() == b"1\n2\n"


# --- failures -----------------------------------------------------------------


def test_failure_leaves_array_open(read, source, caplog):
    response = StreamingJSONListResponse(source([1, 2, 3], fail_at=2))
    parts = []

    def consume():
        if read is read_sync:
            for part in response:
                parts.append(part)
        else:

            async def main():
                async for part in response:
                    parts.append(part)

            asyncio.run(main())

    with caplog.at_level(logging.ERROR, "restflow.responses"), pytest.raises(RuntimeError):
        consume()

    assert b"".join(parts) == b"[1,2"
    records = [r for r in caplog.records if r.name == "restflow.responses.streaming"]
    assert len(records) == 1
    assert "after 2 item(s)" in records[0].getMessage()
    assert records[0].exc_info is not None


def test_failure_sends_no_partial_ndjson_line(source):
    response = NDJSONResponse(source([1, 2, 3], fail_at=1))
    parts = []
    with pytest.raises(RuntimeError):
        for part in response:
            parts.append(part)
    assert b"".join(parts) == b"1\n"


def test_bad_sse_event_cuts_stream():
    response = SSEResponse(sgen(["ok", {"id": "a\nb", "data": "x"}]), keepalive=None)
    parts = []
    with pytest.raises(ValueError, match="'id'"):
        for part in response:
            parts.append(part)
    assert b"".join(parts) == b"data: ok\n\n"


# --- closing and keep-alive ------------------------------------------------------


def test_closing_async_stream_closes_source():
    closed = []

    async def producer():
        try:
            yield 1
            await asyncio.Event().wait()
            yield 2
        finally:
            closed.append(True)

    async def main():
        response = NDJSONResponse(producer())
        iterator = aiter(response)
        first = await anext(iterator)
        await iterator.aclose()
        return first

    assert asyncio.run(main()) == b"1\n"
    assert closed == [True]


def test_closing_sync_stream_in_asgi_closes_source():
    closed = threading.Event()
    release = threading.Event()

    def producer():
        try:
            yield 1
            release.wait(10)
            yield 2
            yield 3
        finally:
            closed.set()

    async def main():
        response = NDJSONResponse(producer())
        iterator = aiter(response)
        first = await anext(iterator)
        await iterator.aclose()
        release.set()
        return first

    assert asyncio.run(main()) == b"1\n"
    assert closed.wait(10)


def test_sync_consumer_closes_async_source():
    closed = []

    async def producer():
        try:
            for n in range(10):
                yield n
        finally:
            closed.append(True)

    iterator = iter(NDJSONResponse(producer()))
    assert next(iterator) == b"0\n"
    iterator.close()
    assert closed == [True]


@pytest.mark.parametrize("kind", ["async", "sync"])
def test_sse_keepalive_while_idle(kind):
    """The producer waits until the consumer has seen a keep-alive frame."""
    seen_keepalive = threading.Event()

    async def async_producer():
        yield "first"
        while not seen_keepalive.is_set():
            await asyncio.sleep(0.01)
        yield "second"

    def sync_producer():
        yield "first"
        seen_keepalive.wait(10)
        yield "second"

    producer = async_producer() if kind == "async" else sync_producer()

    async def main():
        parts = []
        async for part in SSEResponse(producer, keepalive=0.05):
            parts.append(part)
            if part == b": keep-alive\n\n":
                seen_keepalive.set()
        return b"".join(parts)

    body = asyncio.run(main())
    assert body.startswith(b"data: first\n\n: keep-alive\n\n")
    assert body.endswith(b"data: second\n\n")
