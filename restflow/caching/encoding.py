"""Deterministic, typed text encoding of values that go into cache keys.

Every value becomes a token: a one-letter type tag followed by its content.
Content is percent-encoded down to ``[A-Za-z0-9_.~-]``, so ``1``, ``"1"``,
``True``, ``None`` and ``"null"`` give different tokens, the separators
``:`` ``,`` ``=`` ``(`` ``)`` never appear inside a value, and no character
that memcached rejects or that a Redis glob pattern treats specially
(``* ? [ ] \\``) reaches the backend.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import functools
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from django.db import models
from django.http import HttpRequest

__all__ = ["UnkeyableValueError", "encode_text", "encode_value"]

_SAFE = "_.~-"


class UnkeyableValueError(TypeError):
    """A value has no stable text form, so it cannot be part of a cache key."""


# Short texts (hosts, schemes, paths, field names) repeat on every request.
_MAX_REMEMBERED_TEXT = 128


@functools.lru_cache(maxsize=2048)
def _encode_short_text(text: str) -> str:
    return quote(text, safe=_SAFE)


def encode_text(text: str) -> str:
    """Percent-encode ``text`` so it only uses ``[A-Za-z0-9_.~-%]``."""
    if type(text) is str and len(text) <= _MAX_REMEMBERED_TEXT:
        return _encode_short_text(text)
    return quote(text, safe=_SAFE)


def _has_own_text(value: Any) -> bool:
    kind = type(value)
    return kind.__str__ is not object.__str__ or kind.__repr__ is not object.__repr__


def _qualified_name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def _encode_datetime(value: datetime.datetime) -> str:
    # Equal aware datetimes in different zones compare equal, so they must
    # give one key: aware values are moved to UTC first.
    if value.tzinfo is not None and value.utcoffset() is not None:
        value = value.astimezone(datetime.timezone.utc)
        return "w" + encode_text(value.isoformat())
    return "W" + encode_text(value.isoformat())


def _encode_decimal(value: decimal.Decimal) -> str:
    # Decimal("1.0") == Decimal("1.00"): normalise so equal values share a key.
    if value.is_nan():
        return "d" + ("sNaN" if value.is_snan() else "NaN")
    if value.is_zero():
        return "d0"
    return "d" + encode_text(str(value.normalize()))


def _encode_float(value: float) -> str:
    if value == 0.0:
        # -0.0 == 0.0 in Python.
        return "f0.0"
    return "f" + encode_text(repr(value))


def encode_value(value: Any, *, sort_lists: bool = False, path: str = "value") -> str:
    """Return the key token of ``value``.

    Supported: ``None``, bool, int, float, str, bytes, Decimal, date,
    datetime, time, timedelta, UUID, Enum members, saved model instances
    (by label and primary key), lists, tuples, sets, frozensets and dicts
    of those, objects with a ``__cache_key__()`` method, and objects whose
    class defines its own ``__str__`` or ``__repr__``. ``sort_lists`` makes
    list and tuple order irrelevant. Raises :class:`UnkeyableValueError`
    naming ``path`` for objects with only the default ``repr`` (their
    text holds a memory address, so a key built from it would never hit),
    for unsaved model instances and for request objects.
    """
    if value is None:
        return "n"
    if value is True:
        return "T"
    if value is False:
        return "F"
    hook: Callable[[], Any] | None = getattr(value, "__cache_key__", None)
    if hook is not None and callable(hook) and not isinstance(value, type):
        return (
            "k"
            + encode_text(_qualified_name(type(value)))
            + "("
            + encode_value(hook(), sort_lists=sort_lists, path=path)
            + ")"
        )
    if isinstance(value, enum.Enum):
        return "e" + encode_text(_qualified_name(type(value)) + "." + value.name)
    if isinstance(value, int):
        return "i" + str(int(value))
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, str):
        return "s" + encode_text(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "b" + bytes(value).hex()
    if isinstance(value, decimal.Decimal):
        return _encode_decimal(value)
    if isinstance(value, datetime.datetime):
        return _encode_datetime(value)
    if isinstance(value, datetime.date):
        return "a" + value.isoformat()
    if isinstance(value, datetime.time):
        return "h" + encode_text(value.isoformat())
    if isinstance(value, datetime.timedelta):
        return "g" + str(value // datetime.timedelta(microseconds=1))
    if isinstance(value, uuid.UUID):
        return "u" + value.hex
    if isinstance(value, models.Model):
        if value.pk is None:
            raise UnkeyableValueError(
                f"{path} is an unsaved {type(value).__name__} instance (pk is None); "
                "a cache key needs a saved instance or an explicit value."
            )
        return (
            "m"
            + encode_text(value._meta.label_lower)
            + "("
            + encode_value(value.pk, path=f"{path}.pk")
            + ")"
        )
    if isinstance(value, Mapping):
        items = sorted(
            (
                encode_value(key, sort_lists=sort_lists, path=f"{path} key"),
                encode_value(item, sort_lists=sort_lists, path=f"{path}[{key!r}]"),
            )
            for key, item in value.items()
        )
        return "M(" + ",".join(f"{key}={item}" for key, item in items) + ")"
    if isinstance(value, (set, frozenset)):
        tokens = sorted(encode_value(item, sort_lists=sort_lists, path=path) for item in value)
        return "S(" + ",".join(tokens) + ")"
    if isinstance(value, (list, tuple)):
        tokens = [
            encode_value(item, sort_lists=sort_lists, path=f"{path}[{index}]")
            for index, item in enumerate(value)
        ]
        if sort_lists:
            tokens.sort()
        tag = "L" if isinstance(value, list) else "P"
        return tag + "(" + ",".join(tokens) + ")"
    if isinstance(value, HttpRequest) or hasattr(value, "_request"):
        raise UnkeyableValueError(
            f"{path} is a request object; key it by the values that matter with "
            "QueryParamsKeyField or RequestValueKeyField, or use @cache_response for views."
        )
    if _has_own_text(value):
        return "o" + encode_text(_qualified_name(type(value))) + "(" + encode_text(str(value)) + ")"
    raise UnkeyableValueError(
        f"{path} is a {_qualified_name(type(value))} with the default repr {value!r}, which "
        "changes with every object, so a key built from it would never hit. Give the field a "
        "`path=` or `normalizer=` that picks a stable value, define __cache_key__() on the "
        "class, or leave the argument out of the key."
    )
