"""Read raw query-string values for one parameter, enforcing the size limits.

Every value passes through here before a field parses it, so a 100 KB value,
a NUL byte or a thousand repeats of one key becomes a validation error that
names the parameter instead of reaching the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty

__all__ = [
    "DEFAULT_MAX_LIST_ITEMS",
    "DEFAULT_MAX_VALUE_LENGTH",
    "ValueLimits",
    "get_raw_values",
    "read_list",
    "read_scalar",
    "short_repr",
]

# A filter value is a number, a date, a name or a short phrase; 1,024
# characters is far above any of those and far below a request-size attack.
DEFAULT_MAX_VALUE_LENGTH = 1024
# Items across all repeats and commas of one list parameter.
DEFAULT_MAX_LIST_ITEMS = 100


@dataclass(frozen=True)
class ValueLimits:
    """Size limits applied to the raw values of every parameter of a FilterSet."""

    max_value_length: int = DEFAULT_MAX_VALUE_LENGTH
    max_list_items: int = DEFAULT_MAX_LIST_ITEMS


def short_repr(value: Any, limit: int = 40) -> str:
    """Return ``repr(value)`` cut to about ``limit`` characters, for error messages."""
    text = repr(value)
    if len(text) > limit:
        return text[: limit - 5] + "...'" if text.startswith("'") else text[:limit] + "..."
    return text


def get_raw_values(data: Any, key: str) -> list[Any] | Any:
    """Return every value sent for ``key`` as a list, or ``empty`` when the key is absent.

    ``data`` is a ``QueryDict`` (or any object with ``getlist``) or a plain
    mapping whose values may be single values or lists.
    """
    if data is None or key not in data:
        return empty
    getlist = getattr(data, "getlist", None)
    if callable(getlist):
        return list(getlist(key))
    if isinstance(data, Mapping):
        value = data[key]
        if isinstance(value, (list, tuple, set, frozenset)):
            return list(value)
        return [value]
    return empty


def _check_text(value: Any, limits: ValueLimits) -> None:
    if not isinstance(value, str):
        return
    if len(value) > limits.max_value_length:
        raise ValidationError(
            f"The value is {len(value)} characters long; the maximum is "
            f"{limits.max_value_length}. Send a shorter value.",
            code="max_length",
        )
    if "\x00" in value:
        raise ValidationError(
            "The value contains a NUL character (\\x00), which no filter accepts. "
            "Remove it from the value.",
            code="null_characters_not_allowed",
        )


def read_scalar(data: Any, key: str, limits: ValueLimits) -> Any:
    """Return the single raw value of ``key``, or ``empty`` when it is absent or blank.

    Raise ``ValidationError`` when the key is repeated (only list parameters
    take several values), or the value is too long or contains a NUL byte.
    """
    values = get_raw_values(data, key)
    if values is empty:
        return empty
    if len(values) > 1:
        raise ValidationError(
            f"Send this parameter once: it takes one value, but {len(values)} were sent.",
            code="multiple_values",
        )
    if not values:
        return empty
    value = values[0]
    _check_text(value, limits)
    if isinstance(value, str) and value.strip() == "":
        return empty
    return value


def read_list(data: Any, key: str, limits: ValueLimits, separator: str | None = ",") -> Any:
    """Return the items of list parameter ``key``, or ``empty`` when it is absent.

    Repeated keys and ``separator``-separated values combine; items are
    trimmed and blank items dropped, so ``?tags=`` gives ``[]``. Raise
    ``ValidationError`` past ``limits.max_list_items`` items or for an item
    that is too long or contains a NUL byte.
    """
    values = get_raw_values(data, key)
    if values is empty:
        return empty
    if len(values) > limits.max_list_items:
        raise ValidationError(
            f"Too many values: {len(values)} were sent, the maximum is {limits.max_list_items}.",
            code="max_items",
        )
    items: list[Any] = []
    for value in values:
        _check_text(value, limits)
        if isinstance(value, str) and separator:
            pieces = [piece.strip() for piece in value.split(separator)]
            items.extend(piece for piece in pieces if piece)
        elif isinstance(value, str):
            if value.strip():
                items.append(value.strip())
        elif value is not None:
            items.append(value)
        if len(items) > limits.max_list_items:
            raise ValidationError(
                f"Too many values: more than {limits.max_list_items} were sent, the maximum "
                f"is {limits.max_list_items}.",
                code="max_items",
            )
    return items
