"""format_sse and reject_control_chars: field order, line splitting, injection guards."""

from __future__ import annotations

import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restflow.responses.events import SSEEvent, format_sse, reject_control_chars
from restflow.responses.streaming import format_sse as streaming_format_sse


def parse_stream(text: str) -> list[dict]:
    """Parse an event stream as the HTML standard specifies for browsers."""
    events: list[dict] = []
    data: list[str] = []
    fields: dict = {}
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line == "":
            if data or fields:
                events.append({**fields, "data": "\n".join(data) if data else None})
            data, fields = [], {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        else:
            fields[name] = value
    return events


def test_string_is_data():
    assert format_sse("hello") == "data: hello\n\n"


def test_fields_in_order():
    text = format_sse({"data": "x", "retry": 100, "event": "tick", "id": 7})
    assert text == "id: 7\nevent: tick\nretry: 100\ndata: x\n\n"


def test_multiline_data_gets_prefix_per_line():
    text = format_sse(SSEEvent(data="one\r\ntwo\rthree\nfour"))
    assert text == "data: one\ndata: two\ndata: three\ndata: four\n\n"


def test_non_string_data_is_json():
    text = format_sse({"data": {"price": decimal.Decimal("1.50"), "tags": ["a"]}})
    assert text == 'data: {"price":1.5,"tags":["a"]}\n\n'


def test_custom_dumps_is_used():
    assert format_sse({"data": [1]}, dumps=lambda value: "LIST") == "data: LIST\n\n"


def test_comment_lines():
    assert format_sse(SSEEvent(comment="a\nb")) == ": a\n: b\n\n"


def test_empty_data_dispatches_empty_message():
    assert format_sse(SSEEvent(data="")) == "data: \n\n"


@pytest.mark.parametrize("field", ["id", "event", "retry"])
@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\r\nb"])
def test_line_breaks_rejected(field, bad):
    with pytest.raises(ValueError, match=repr(field)):
        format_sse({field: bad, "data": "x"})


def test_nul_in_id_rejected():
    with pytest.raises(ValueError, match="NUL"):
        format_sse({"id": "a\0b", "data": "x"})


@pytest.mark.parametrize("retry", [-1, 1.5, "soon", True])
def test_retry_must_be_milliseconds(retry):
    with pytest.raises(ValueError, match="retry"):
        format_sse({"retry": retry})


def test_unknown_dict_key_rejected():
    with pytest.raises(ValueError, match="'price'") as info:
        format_sse({"price": 3})
    assert "{'data': payload}" in str(info.value)


def test_unsupported_event_type_rejected():
    with pytest.raises(TypeError, match="int"):
        format_sse(42)


def test_event_without_fields_rejected():
    with pytest.raises(ValueError, match="at least one"):
        format_sse({})


def test_reject_control_chars_returns_text():
    assert reject_control_chars("id", 12) == "12"


def test_helpers_importable_from_streaming():
    assert streaming_format_sse is format_sse


@given(st.text(), st.text().filter(lambda s: not any(c in s for c in "\r\n\0")))
def test_any_data_round_trips(data, event_name):
    text = format_sse({"data": data, "event": event_name or "x", "id": "1"})
    events = parse_stream(text)
    assert len(events) == 1
    normalised = data.replace("\r\n", "\n").replace("\r", "\n")
    assert events[0]["data"] == normalised
    assert events[0]["event"] == (event_name or "x")


@given(st.text())
def test_injected_fields_never_parse(value):
    try:
        text = format_sse({"event": value, "data": "payload"})
    except ValueError:
        assert any(char in value for char in "\r\n\0")
        return
    events = parse_stream(text)
    assert len(events) == 1
    assert events[0]["data"] == "payload"
