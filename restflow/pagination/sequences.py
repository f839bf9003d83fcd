"""Keyset paging over a Python sequence, so ``CursorPagination`` also pages lists.

Rows are sorted with the same rules as the SQL path (NULL greater than every
value), and a cursor's JSON values are converted back to the types found in
the rows before they are compared.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["coerce_position", "compare_values", "rows_after", "sort_rows"]


def _value(row: Any, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name)


def compare_values(left: Any, right: Any, descending: bool) -> int:
    """Return -1, 0 or 1 for ``left`` against ``right``, with NULL greater than any value."""
    if left is None and right is None:
        return 0
    if left is None:
        result = 1
    elif right is None:
        result = -1
    else:
        result = (left > right) - (left < right)
    return -result if descending else result


def _compare_rows(left: Sequence[Any], right: Sequence[Any], directions: Sequence[bool]) -> int:
    for left_value, right_value, descending in zip(left, right, directions, strict=True):
        result = compare_values(left_value, right_value, descending)
        if result:
            return result
    return 0


def sort_rows(rows: Sequence[Any], names: Sequence[str], directions: Sequence[bool]) -> list[Any]:
    """Return ``rows`` sorted by the ``names`` columns in the given directions."""

    def compare(left: Any, right: Any) -> int:
        return _compare_rows(
            [_value(left, name) for name in names],
            [_value(right, name) for name in names],
            directions,
        )

    return sorted(rows, key=functools.cmp_to_key(compare))


def rows_after(
    rows: Sequence[Any], names: Sequence[str], directions: Sequence[bool], position: Sequence[Any]
) -> list[Any]:
    """Return the rows that sort strictly after ``position``, in order."""
    return [
        row
        for row in rows
        if _compare_rows([_value(row, name) for name in names], position, directions) > 0
    ]


def _converter(sample: Any) -> Callable[[Any], Any]:
    if isinstance(sample, bool):
        return _expect(bool)
    if isinstance(sample, decimal.Decimal):
        return lambda value: decimal.Decimal(_expect(str)(value))
    if isinstance(sample, datetime.datetime):
        return lambda value: datetime.datetime.fromisoformat(_expect(str)(value))
    if isinstance(sample, datetime.date):
        return lambda value: datetime.date.fromisoformat(_expect(str)(value))
    if isinstance(sample, datetime.time):
        return lambda value: datetime.time.fromisoformat(_expect(str)(value))
    if isinstance(sample, uuid.UUID):
        return lambda value: uuid.UUID(_expect(str)(value))
    if isinstance(sample, (int, float)):
        return _expect((int, float))
    return _expect(type(sample))


def _expect(kind: Any) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) and kind is not bool:
            raise ValueError(f"expected {kind}, got a boolean")
        if not isinstance(value, kind):
            raise ValueError(f"expected {kind}, got {type(value).__name__}")
        return value

    return check


def coerce_position(
    rows: Sequence[Any], names: Sequence[str], position: Sequence[Any]
) -> list[Any]:
    """Return ``position`` with each JSON value converted to the type of that column.

    Raises ``ValueError`` when a value cannot stand for the column, such as
    text where the rows hold numbers.
    """
    converted: list[Any] = []
    for name, value in zip(names, position, strict=True):
        if value is None:
            converted.append(None)
            continue
        sample = next((_value(row, name) for row in rows if _value(row, name) is not None), None)
        converted.append(value if sample is None else _converter(sample)(value))
    return converted
