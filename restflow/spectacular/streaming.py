"""OpenAPI descriptions of restflow's streaming responses.

A view handler declares what it streams with :func:`streaming_schema`,
because a ``StreamingHttpResponse`` is built at request time and schema
generation cannot see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from restflow.responses.streaming import (
    BaseStreamingResponse,
    NDJSONResponse,
    SSEResponse,
    StreamingJSONListResponse,
)

__all__ = ["STREAM_ATTRIBUTE", "StreamSchema", "describe_stream", "streaming_schema"]

F = TypeVar("F", bound=Callable[..., Any])

#: Name of the function attribute that :func:`streaming_schema` sets.
STREAM_ATTRIBUTE = "restflow_stream_schema"


@dataclass(frozen=True)
class StreamSchema:
    """What a handler streams: the response class, the item serializer and the status."""

    response_class: type
    serializer: Any = None
    status: int = 200
    description: str | None = None


def streaming_schema(
    response_class: type,
    serializer: Any = None,
    *,
    status: int = 200,
    description: str | None = None,
) -> Callable[[F], F]:
    """Mark a view handler as returning ``response_class`` with one ``serializer`` item per element.

    ``RestflowAutoSchema`` documents the handler's response with the
    stream's media type instead of the view's renderers and leaves out
    pagination. Put it next to ``@action`` or on an ``APIView`` method::

        @streaming_schema(NDJSONResponse, ProductSerializer)
        async def get(self, request):
            return NDJSONResponse(Product.objects.aiterator(), serializer_class=ProductSerializer)

    Raises ``TypeError`` when ``response_class`` is not a restflow
    streaming response class.
    """
    if not (isinstance(response_class, type) and issubclass(response_class, BaseStreamingResponse)):
        raise TypeError(
            f"streaming_schema() expects a streaming response class such as NDJSONResponse, "
            f"SSEResponse or StreamingJSONListResponse, not {response_class!r}."
        )
    spec = StreamSchema(response_class, serializer, status, description)

    def decorator(handler: F) -> F:
        setattr(handler, STREAM_ATTRIBUTE, spec)
        return handler

    return decorator


def describe_stream(
    response_class: type, item_schema: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """Return ``(media type, schema)`` of a stream whose elements match ``item_schema``.

    A JSON array stream is an array of items. NDJSON is documented by the
    schema of one line, because OpenAPI 3.0 has no type for a sequence of
    documents. An event stream is text whose ``data:`` lines carry the
    items. A project subclass of ``BaseStreamingResponse`` may define
    ``get_openapi_schema(item_schema)`` to describe its own framing.
    """
    media_type = str(getattr(response_class, "default_content_type", "application/octet-stream"))
    own = getattr(response_class, "get_openapi_schema", None)
    if callable(own):
        return media_type, own(item_schema)
    if issubclass(response_class, StreamingJSONListResponse):
        return media_type, {"type": "array", "items": item_schema}
    if issubclass(response_class, NDJSONResponse):
        return media_type, {
            "description": "Newline-delimited JSON: each line is one document of this schema.",
            **_wrap(item_schema),
        }
    if issubclass(response_class, SSEResponse):
        return media_type, {
            "type": "string",
            "description": (
                "Server-Sent Events. The data lines of each event carry one JSON document; "
                "idle periods send comment frames as keep-alives."
            ),
        }
    return media_type, {"type": "string", "format": "binary"}


def _wrap(schema: dict[str, Any]) -> dict[str, Any]:
    # A $ref cannot have sibling keys in OpenAPI 3.0, so a description next to
    # a reference goes through allOf.
    if "$ref" in schema:
        return {"allOf": [schema]}
    return dict(schema)
