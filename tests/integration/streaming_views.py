"""Views for the streaming tests, served in-process and under a live uvicorn.

A producer that has to block waits for a file named by the ``gate`` query
parameter to appear, and records what happened to it (``started``,
``finally``) in files under the ``record`` directory, so a test in another
process can control and observe it.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import time
import uuid
from pathlib import Path

from django.urls import path
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from restflow.responses import (
    EventStreamRenderer,
    NDJSONRenderer,
    NDJSONResponse,
    SSEEvent,
    SSEResponse,
    StreamingJSONListResponse,
)
from restflow.views import AsyncAPIView

RESPONSES = {
    "json": StreamingJSONListResponse,
    "ndjson": NDJSONResponse,
    "sse": SSEResponse,
}


class PointSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    double = serializers.SerializerMethodField()

    def get_double(self, obj):
        return obj["n"] * 2


def _record(request, name: str, value: str = "1") -> None:
    directory = request.GET.get("record")
    if directory:
        # The tests poll for the file from another process: write it under a
        # temporary name and rename it, so it never appears empty.
        target = Path(directory) / name
        partial = target.with_name(f".{name}.partial")
        partial.write_text(value)
        partial.replace(target)


def _gate(request) -> Path | None:
    gate = request.GET.get("gate")
    return Path(gate) if gate else None


def _kwargs(request, kind: str) -> dict:
    kwargs: dict = {}
    if kind == "sse" and "keepalive" in request.GET:
        kwargs["keepalive"] = float(request.GET["keepalive"])
    if request.GET.get("serializer"):
        kwargs["serializer_class"] = PointSerializer
    return kwargs


def _item(request, kind: str, n: int):
    if request.GET.get("serializer"):
        return {"n": n}
    if kind == "sse":
        return SSEEvent(data={"n": n}, id=n)
    if request.GET.get("rich"):
        return {
            "n": n,
            "price": decimal.Decimal("9.99"),
            "at": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
            "id": uuid.UUID(int=n),
        }
    return {"n": n}


async def async_stream(request, kind):
    """``count`` items from an async generator in an async Django view.

    The producer blocks before item ``block_at`` until the gate file exists
    and raises before item ``fail_at``.
    """
    count = int(request.GET.get("count", 3))
    block_at = int(request.GET.get("block_at", -1))
    fail_at = int(request.GET.get("fail_at", -1))
    gate = _gate(request)

    async def produce():
        _record(request, "started")
        produced = 0
        try:
            for n in range(count):
                if n == block_at and gate is not None:
                    while not gate.exists():
                        await asyncio.sleep(0.01)
                if n == fail_at:
                    raise RuntimeError("producer failed on purpose")
                yield _item(request, kind, n)
                produced += 1
        finally:
            _record(request, "finally", str(produced))

    return RESPONSES[kind](produce(), **_kwargs(request, kind))


class SyncStreamView(APIView):
    """The same stream from a sync generator, in a plain sync DRF view."""

    renderer_classes = [JSONRenderer, NDJSONRenderer, EventStreamRenderer]

    def get(self, request, kind):
        count = int(request.GET.get("count", 3))
        block_at = int(request.GET.get("block_at", -1))
        fail_at = int(request.GET.get("fail_at", -1))
        gate = _gate(request)

        def produce():
            _record(request, "started")
            produced = 0
            try:
                for n in range(count):
                    if n == block_at and gate is not None:
                        while not gate.exists():
                            time.sleep(0.01)
                    if n == fail_at:
                        raise RuntimeError("producer failed on purpose")
                    yield _item(request, kind, n)
                    produced += 1
            finally:
                _record(request, "finally", str(produced))

        return RESPONSES[kind](produce(), **_kwargs(request, kind))


class EventsView(APIView):
    """A fixed SSE stream with every field, for the real SSE client."""

    renderer_classes = [EventStreamRenderer, JSONRenderer]

    def get(self, request):
        def produce():
            yield SSEEvent(data="hello\nworld", event="greeting", id="1", retry=1500)
            yield {"data": {"price": decimal.Decimal("10.50")}, "event": "price", "id": 2}
            yield "plain"

        return SSEResponse(produce())


class AsyncEventsView(AsyncAPIView):
    """SSE from restflow's async view; EventStreamRenderer lets EventSource's Accept negotiate."""

    renderer_classes = [EventStreamRenderer, JSONRenderer]

    async def get(self, request):
        if request.GET.get("deny"):
            raise PermissionDenied("not yours")

        async def produce():
            for n in range(2):
                yield SSEEvent(data={"n": n}, event="tick", id=n)

        return SSEResponse(produce(), keepalive=None)


urlpatterns = [
    path("stream/async/<str:kind>/", async_stream),
    path("stream/sync/<str:kind>/", SyncStreamView.as_view()),
    path("stream/events/", EventsView.as_view()),
    path("stream/async-view/", AsyncEventsView.as_view()),
]
