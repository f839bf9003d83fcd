"""JSON-safe task payloads: values keep their type across a broker round trip.

Mapped rule arguments end up in cache keys, whose text depends on the type
(``UUID`` and ``str`` key differently), so a value that JSON cannot carry
is sent as ``{"__rf__": tag, "v": text}`` and rebuilt on the worker. Model
instances travel as label and primary key, never pickled.
"""

from __future__ import annotations

import datetime
import decimal
import math
import uuid
from typing import Any

from django.db import models

__all__ = ["from_json_safe", "to_json_safe"]

TAG = "__rf__"


def to_json_safe(value: Any) -> Any:
    """Return ``value`` as plain JSON types, tagging those JSON lacks.

    Raises ``TypeError`` naming the value's type when it has no JSON form.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {TAG: "float", "v": repr(value)}
    if isinstance(value, decimal.Decimal):
        return {TAG: "decimal", "v": str(value)}
    if isinstance(value, uuid.UUID):
        return {TAG: "uuid", "v": str(value)}
    if isinstance(value, datetime.datetime):
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, datetime.date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, datetime.time):
        return {TAG: "time", "v": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {TAG: "timedelta", "v": value // datetime.timedelta(microseconds=1)}
    if isinstance(value, (bytes, bytearray)):
        return {TAG: "bytes", "v": bytes(value).hex()}
    if isinstance(value, models.Model):
        return {TAG: "model", "label": value._meta.label, "v": to_json_safe(value.pk)}
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [to_json_safe(item) for item in value]}
    if isinstance(value, (set, frozenset)):
        return {TAG: "set", "v": [to_json_safe(item) for item in value]}
    if isinstance(value, list):
        return [to_json_safe(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value) and TAG not in value:
            return {key: to_json_safe(item) for key, item in value.items()}
        return {TAG: "dict", "v": [[to_json_safe(k), to_json_safe(v)] for k, v in value.items()]}
    raise TypeError(
        f"A {type(value).__module__}.{type(value).__qualname__} value ({value!r}) cannot be sent "
        "to a task queue; map the rule to a field of a JSON type, UUID, Decimal, date or model."
    )


def _model_stub(label: str, pk: Any) -> models.Model:
    from django.apps import apps

    model = apps.get_model(label)
    # Only the label and primary key are needed to build keys; no query is made.
    stub = model()
    stub.pk = pk
    return stub


def from_json_safe(value: Any) -> Any:
    """Rebuild a value produced by :func:`to_json_safe`."""
    if isinstance(value, list):
        return [from_json_safe(item) for item in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag is None:
        return {key: from_json_safe(item) for key, item in value.items()}
    raw: Any = value.get("v")
    if tag == "float":
        return float(raw)
    if tag == "decimal":
        return decimal.Decimal(raw)
    if tag == "uuid":
        return uuid.UUID(raw)
    if tag == "datetime":
        return datetime.datetime.fromisoformat(raw)
    if tag == "date":
        return datetime.date.fromisoformat(raw)
    if tag == "time":
        return datetime.time.fromisoformat(raw)
    if tag == "timedelta":
        return datetime.timedelta(microseconds=raw)
    if tag == "bytes":
        return bytes.fromhex(raw)
    if tag == "model":
        return _model_stub(value["label"], from_json_safe(raw))
    if tag == "tuple":
        return tuple(from_json_safe(item) for item in raw)
    if tag == "set":
        return {from_json_safe(item) for item in raw}
    if tag == "dict":
        return {from_json_safe(key): from_json_safe(item) for key, item in raw}
    raise ValueError(f"Unknown payload tag {tag!r} in a restflow task payload.")
