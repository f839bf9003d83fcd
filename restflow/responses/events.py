"""Server-Sent Events framing: turn one event into the ``text/event-stream`` wire format."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rest_framework.utils.encoders import JSONEncoder

__all__ = ["KEEPALIVE_FRAME", "SSEEvent", "format_sse", "reject_control_chars"]

# A comment frame: clients ignore it, proxies see traffic on an idle stream.
KEEPALIVE_FRAME = ": keep-alive\n\n"

SSE_FIELDS = ("id", "event", "retry", "data", "comment")


@dataclass(frozen=True)
class SSEEvent:
    """One Server-Sent Event.

    ``data`` is sent as is when it is a string (one ``data:`` line per
    line) and as JSON otherwise; ``None`` sends no data line. ``id`` sets
    the browser's ``lastEventId``, ``retry`` the reconnection delay in
    milliseconds, ``comment`` a comment line that clients ignore.
    """

    data: Any = None
    event: str | None = None
    id: str | int | None = None
    retry: int | None = None
    comment: str | None = None


def reject_control_chars(name: str, value: Any) -> str:
    """Return ``value`` as a string; raise ``ValueError`` naming ``name`` if it holds CR, LF or NUL.

    A line break in ``id``, ``event`` or ``retry`` would end the field early
    and let the rest of the value inject fields of its own.
    """
    text = str(value)
    for char, label in (("\r", "CR"), ("\n", "LF"), ("\0", "NUL")):
        if char in text:
            raise ValueError(
                f"The SSE {name!r} field must not contain {label} characters, got {text!r}."
            )
    return text


def _default_dumps(value: Any) -> str:
    return json.dumps(value, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _as_event(event: Any) -> SSEEvent:
    if isinstance(event, SSEEvent):
        return event
    if isinstance(event, str):
        return SSEEvent(data=event)
    if isinstance(event, Mapping):
        unknown = sorted(str(key) for key in event if key not in SSE_FIELDS)
        if unknown:
            raise ValueError(
                f"An SSE event dict accepts the keys {', '.join(SSE_FIELDS)}; got unknown "
                f"key(s) {', '.join(map(repr, unknown))}. Wrap a payload as {{'data': payload}}."
            )
        return SSEEvent(**{str(key): value for key, value in event.items()})
    raise TypeError(
        f"An SSE event must be a str, a dict of {', '.join(SSE_FIELDS)} or an SSEEvent, "
        f"not {type(event).__name__}."
    )


def format_sse(event: Any, *, dumps: Callable[[Any], str] | None = None) -> str:
    """Return the wire form of ``event``: its fields, one per line, ended by a blank line.

    ``event`` is a string (the data), a dict with the keys ``id``, ``event``,
    ``retry``, ``data`` and ``comment``, or an :class:`SSEEvent`. Fields are
    written in the order comment, id, event, retry, data; CRLF and CR in
    data and comments become LF and every line gets its own prefix.
    ``dumps`` encodes non-string data (DRF's JSON encoder by default).
    Raises ``ValueError`` for CR, LF or NUL in ``id``, ``event`` or ``retry``,
    for a ``retry`` that is not an integer >= 0, and for unknown dict keys.
    """
    sse = _as_event(event)
    lines: list[str] = []
    if sse.comment is not None:
        lines.extend(": " + line for line in _split_lines(str(sse.comment)))
    if sse.id is not None:
        lines.append("id: " + reject_control_chars("id", sse.id))
    if sse.event is not None:
        lines.append("event: " + reject_control_chars("event", sse.event))
    if sse.retry is not None:
        retry = reject_control_chars("retry", sse.retry)
        if isinstance(sse.retry, bool) or not retry.isdigit():
            raise ValueError(
                f"The SSE 'retry' field must be an integer number of milliseconds >= 0, "
                f"got {sse.retry!r}."
            )
        lines.append("retry: " + retry)
    if sse.data is not None:
        text = sse.data if isinstance(sse.data, str) else (dumps or _default_dumps)(sse.data)
        lines.extend("data: " + line for line in _split_lines(text))
    if not lines:
        raise ValueError("An SSE event needs at least one of data, id, event, retry or comment.")
    return "\n".join(lines) + "\n\n"


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
