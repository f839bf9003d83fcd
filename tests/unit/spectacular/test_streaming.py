"""Stream descriptions and the streaming_schema decorator."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse

from restflow.responses import NDJSONResponse, SSEResponse, StreamingJSONListResponse
from restflow.responses.streaming import BaseStreamingResponse
from restflow.spectacular import streaming_schema
from restflow.spectacular.streaming import STREAM_ATTRIBUTE, StreamSchema, describe_stream

ITEM = {"$ref": "#/components/schemas/Item"}


def test_json_list_is_an_array():
    assert describe_stream(StreamingJSONListResponse, ITEM) == (
        "application/json",
        {"type": "array", "items": ITEM},
    )


def test_ndjson_is_one_line_schema():
    media_type, schema = describe_stream(NDJSONResponse, ITEM)
    assert media_type == "application/x-ndjson"
    assert schema["allOf"] == [ITEM]
    assert "each line" in schema["description"]


def test_ndjson_inline_item_keeps_its_keys():
    _, schema = describe_stream(NDJSONResponse, {"type": "object"})
    assert schema["type"] == "object"
    assert "allOf" not in schema


def test_sse_is_text():
    media_type, schema = describe_stream(SSEResponse, ITEM)
    assert media_type == "text/event-stream"
    assert schema["type"] == "string"


def test_subclass_can_describe_itself():
    class CSVStream(BaseStreamingResponse):
        default_content_type = "text/csv"

        @classmethod
        def get_openapi_schema(cls, item_schema):
            return {"type": "string", "description": "CSV rows"}

    assert describe_stream(CSVStream, ITEM) == (
        "text/csv",
        {"type": "string", "description": "CSV rows"},
    )


def test_unknown_subclass_is_binary():
    class Raw(BaseStreamingResponse):
        default_content_type = "application/octet-stream"

    assert describe_stream(Raw, ITEM) == (
        "application/octet-stream",
        {"type": "string", "format": "binary"},
    )


def test_decorator_marks_handler():
    @streaming_schema(NDJSONResponse, dict, status=206, description="Part")
    def handler(self, request):
        return None

    assert getattr(handler, STREAM_ATTRIBUTE) == StreamSchema(NDJSONResponse, dict, 206, "Part")


@pytest.mark.parametrize("value", [StreamingHttpResponse, "ndjson", None])
def test_decorator_rejects_other_classes(value):
    with pytest.raises(TypeError, match="expects a streaming response class"):
        streaming_schema(value)
