"""DRF renderers for ``text/event-stream`` and ``application/x-ndjson``.

Content negotiation runs before a DRF view's handler, so a client that
sends ``Accept: text/event-stream`` (every browser ``EventSource`` does)
gets a 406 unless one of the view's renderers offers that media type. Add
these renderers to views that return :class:`SSEResponse` or
:class:`NDJSONResponse`; they also render the view's non-streaming
responses, such as an error envelope, in the negotiated format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from restflow.responses.events import SSEEvent, format_sse

__all__ = ["EventStreamRenderer", "NDJSONRenderer"]


def _dumps(data: Any) -> str:
    return json.dumps(data, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


class EventStreamRenderer(BaseRenderer):
    """Render ordinary response data as one Server-Sent Event.

    Data of a response with status >= 400 becomes an ``error`` event, so
    browser code can tell it from a message: ``source.addEventListener("error", ...)``.
    """

    media_type = "text/event-stream"
    format = "event-stream"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        response = (renderer_context or {}).get("response")
        failed = response is not None and response.status_code >= 400
        event = SSEEvent(data=data, event="error" if failed else None)
        return format_sse(event, dumps=_dumps).encode()


class NDJSONRenderer(BaseRenderer):
    """Render ordinary response data as NDJSON: one line per list item, or one line."""

    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        items = data if isinstance(data, list) else [data]
        return "".join(_dumps(item) + "\n" for item in items).encode()
