"""Response.arender and the event-stream and NDJSON renderers."""

from __future__ import annotations

import asyncio

from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from restflow.responses import EventStreamRenderer, NDJSONRenderer, Response

factory = APIRequestFactory()


def prepared(response: Response) -> Response:
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = "application/json"
    response.renderer_context = {}
    return response


def test_arender_sets_content():
    response = prepared(Response({"a": 1}))
    result = asyncio.run(response.arender())
    assert result is response
    assert response.is_rendered
    assert response.content == b'{"a":1}'


def test_arender_runs_callbacks_in_order():
    calls = []
    replacement = object()
    response = prepared(Response({"a": 1}))

    def first(resp):
        calls.append("sync")

    async def second(resp):
        calls.append("async")
        return replacement

    response.add_post_render_callback(first)
    response.add_post_render_callback(second)

    assert asyncio.run(response.arender()) is replacement
    assert calls == ["sync", "async"]


def test_arender_twice_renders_once():
    calls = []
    response = prepared(Response({"a": 1}))
    response.add_post_render_callback(lambda resp: calls.append(1))
    asyncio.run(response.arender())
    asyncio.run(response.arender())
    assert calls == [1]


def test_sync_render_unchanged():
    response = prepared(Response([1, 2]))
    response.render()
    assert response.content == b"[1,2]"


class Failing(APIView):
    renderer_classes = [EventStreamRenderer, NDJSONRenderer, JSONRenderer]

    def get(self, request):
        return Response({"detail": "no"}, status=409)


class Listing(APIView):
    renderer_classes = [NDJSONRenderer, EventStreamRenderer]

    def get(self, request):
        return Response([{"n": 1}, {"n": 2}])


def test_event_stream_accept_negotiates():
    response = Failing.as_view()(factory.get("/", HTTP_ACCEPT="text/event-stream"))
    response.render()
    assert response.status_code == 409
    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response.content == b'event: error\ndata: {"detail":"no"}\n\n'


def test_event_stream_renderer_plain_message():
    renderer = EventStreamRenderer()
    assert renderer.render({"a": 1}) == b'data: {"a":1}\n\n'
    assert renderer.render(None) == b""


def test_ndjson_renderer_lines_per_item():
    response = Listing.as_view()(factory.get("/", HTTP_ACCEPT="application/x-ndjson"))
    response.render()
    assert response["Content-Type"] == "application/x-ndjson"
    assert response.content == b'{"n":1}\n{"n":2}\n'
    assert NDJSONRenderer().render({"one": 1}) == b'{"one":1}\n'
