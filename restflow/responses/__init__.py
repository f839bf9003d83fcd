"""Responses for async views: DRF's ``Response`` with ``arender``, and streaming responses."""

from __future__ import annotations

from restflow.responses.events import SSEEvent
from restflow.responses.renderers import EventStreamRenderer, NDJSONRenderer
from restflow.responses.response import Response
from restflow.responses.streaming import (
    NDJSONResponse,
    SSEResponse,
    StreamingJSONListResponse,
)

__all__ = [
    "EventStreamRenderer",
    "NDJSONRenderer",
    "NDJSONResponse",
    "Response",
    "SSEEvent",
    "SSEResponse",
    "StreamingJSONListResponse",
]
