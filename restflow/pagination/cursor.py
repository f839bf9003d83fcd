"""Keyset (cursor) pagination over every ordering column, with a pk tiebreak.

The cursor stores the ordering values of the row at the page edge, and the
next page is the rows strictly after it. The seek condition is nested as
``a <= X AND (a < X OR (b <= Y AND ...))`` for a descending ``(a, b)``, so
PostgreSQL can start an index range scan at ``X`` on a composite index
instead of walking the index from its first entry.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from typing import Any
from urllib import parse

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination as drf_pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from restflow.pagination import sequences
from restflow.pagination.pagination import (
    BasePagination,
    SettingDefault,
    aslice_items,
    document_size_parameter,
)

__all__ = ["CursorPagination", "OrderingKey"]


@dataclass(frozen=True)
class OrderingKey:
    """One ordering column: its field name, direction and whether it may contain NULLs."""

    name: str
    descending: bool
    nullable: bool


@dataclass(frozen=True)
class _Cursor:
    reverse: bool
    position: list[Any]


# Stand-ins for a condition that is always true or always false, because an
# empty ``Q()`` is dropped by ``|`` and so cannot stand for "true".
_TRUE: Any = object()
_FALSE: Any = object()


def _or(left: Any, right: Any) -> Any:
    if left is _TRUE or right is _TRUE:
        return _TRUE
    if left is _FALSE:
        return right
    if right is _FALSE:
        return left
    return left | right


def _and(left: Any, right: Any) -> Any:
    if left is _FALSE or right is _FALSE:
        return _FALSE
    if left is _TRUE:
        return right
    if right is _TRUE:
        return left
    return left & right


def _json_value(value: Any) -> Any:
    # Full precision on purpose: DjangoJSONEncoder drops microseconds, which
    # would make two rows in the same millisecond share a position.
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _reject_constant(name: str) -> Any:
    # JSON's NaN and Infinity are never written by encode_cursor.
    raise ValueError(f"non-finite number {name} in a cursor")


def _sequence_tiebreak(rows: list[Any]) -> str | None:
    # Model instances have ``pk`` and API dicts usually ``id``: either makes
    # the ordering unique. Without one, rows that tie may repeat or be skipped.
    if not rows:
        return None
    first = rows[0]
    if isinstance(first, dict):
        return "id" if "id" in first else None
    return "pk" if hasattr(first, "pk") else None


def _row_value(row: Any, name: str) -> Any:
    if isinstance(row, dict):
        return row.get(name)
    return getattr(row, name)


class CursorPagination(BasePagination, drf_pagination.CursorPagination):
    """Cursor pagination with a unique ordering, NULL-safe paging and index-friendly seeks.

    ``ordering`` (or the view's ``OrderingFilter``) gives the columns. The
    primary key is appended unless already present, so no two rows share a
    position and no offset is needed. NULLs sort as greater than every value
    (last ascending, first descending, PostgreSQL's default). A cursor that
    cannot be decoded, has the wrong number of values, or holds a value of the
    wrong type gives a 404 ``not_found`` envelope. A list or tuple is paged in
    memory with the same rules, using ``pk`` or an ``id`` key as the tiebreak.
    """

    page_size = SettingDefault("PAGE_SIZE")
    current_cursor: _Cursor | None = None
    invalid_cursor_message = _(  # type: ignore[assignment]
        "Invalid cursor: the 'cursor' parameter must be a value taken from a next or "
        "previous link of this list."
    )

    # --- ordering ---------------------------------------------------------

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return document_size_parameter(
            super().get_schema_operation_parameters(view),
            self.page_size_query_param,
            self.max_page_size,
        )

    def get_ordering_keys(self, request: Request, queryset: Any, view: Any) -> list[OrderingKey]:
        """Return the ordering columns, ending with the primary key as a tiebreak."""
        ordering = self.get_ordering(request, queryset, view)
        meta = queryset.model._meta
        pk_names = {"pk", meta.pk.name, meta.pk.attname}
        keys: list[OrderingKey] = []
        for item in ordering:
            descending = item.startswith("-")
            name = item.lstrip("-")
            if name == "pk":
                name = meta.pk.name
            keys.append(OrderingKey(name, descending, self._nullable(meta, name)))
        if not any(key.name in pk_names for key in keys):
            last_descending = keys[-1].descending if keys else False
            keys.append(OrderingKey(meta.pk.name, last_descending, False))
        return keys

    @staticmethod
    def _nullable(meta: Any, name: str) -> bool:
        try:
            return bool(meta.get_field(name).null)
        except FieldDoesNotExist:
            # An annotation: its nullability is unknown, so page as if NULLs occur.
            return True

    @staticmethod
    def _order_by(key: OrderingKey, reverse: bool) -> OrderBy | str:
        descending = key.descending != reverse
        if not key.nullable:
            # A plain column order keeps the ORDER BY identical to a composite
            # index's order, so the planner can read rows straight from it.
            return f"-{key.name}" if descending else key.name
        if descending:
            return F(key.name).desc(nulls_first=True)
        return F(key.name).asc(nulls_last=True)

    # --- the seek condition -----------------------------------------------

    @staticmethod
    def _after(key: OrderingKey, value: Any, descending: bool, *, inclusive: bool) -> Any:
        """Return the condition "column sorts after ``value``" (or equal, when inclusive)."""
        name = key.name
        if value is None:
            # NULL is the greatest value: ascending, nothing follows it;
            # descending, every non-NULL value does.
            if descending:
                return _TRUE if inclusive else Q(**{f"{name}__isnull": False})
            return Q(**{f"{name}__isnull": True}) if inclusive else _FALSE
        if descending:
            lookup = "lte" if inclusive else "lt"
            return Q(**{f"{name}__{lookup}": value})
        lookup = "gte" if inclusive else "gt"
        condition = Q(**{f"{name}__{lookup}": value})
        if key.nullable:
            condition = condition | Q(**{f"{name}__isnull": True})
        return condition

    def build_seek_condition(
        self, keys: list[OrderingKey], position: list[Any], reverse: bool
    ) -> Any:
        """Return a Q for rows after ``position`` in the (possibly reversed) ordering.

        For keys ``a, b`` the result is ``a >= X AND (a > X OR b > Y)``, nested
        the same way for more keys, with ``>`` flipped for descending columns.
        Returns the ``_TRUE``/``_FALSE`` markers when no filter or no rows result.
        """
        condition: Any = None
        for key, value in reversed(list(zip(keys, position, strict=True))):
            descending = key.descending != reverse
            strict = self._after(key, value, descending, inclusive=False)
            if condition is None:
                condition = strict
                continue
            inclusive = self._after(key, value, descending, inclusive=True)
            condition = _and(inclusive, _or(strict, condition))
        return _TRUE if condition is None else condition

    # --- cursors ----------------------------------------------------------

    def decode_cursor(self, request: Request) -> _Cursor | None:  # type: ignore[override]
        """Return the cursor from the query string; raise ``NotFound`` when it is invalid."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            querystring = base64.b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse.parse_qs(querystring, keep_blank_values=True, strict_parsing=True)
            reverse_token = tokens.get("r", ["0"])[0]
            if reverse_token not in ("0", "1"):
                raise ValueError(reverse_token)
            position = json.loads(tokens["p"][0], parse_constant=_reject_constant)
        except (TypeError, ValueError, KeyError, IndexError, binascii.Error, UnicodeError):
            raise NotFound(self.invalid_cursor_message)
        if not isinstance(position, list) or not all(
            value is None or isinstance(value, (str, int, float, bool)) for value in position
        ):
            raise NotFound(self.invalid_cursor_message)
        return _Cursor(reverse=reverse_token == "1", position=position)

    def encode_cursor(self, cursor: _Cursor) -> str:  # type: ignore[override]
        """Return the page URL carrying ``cursor``."""
        tokens = {
            "r": "1" if cursor.reverse else "0",
            "p": json.dumps(cursor.position, separators=(",", ":")),
        }
        encoded = base64.b64encode(parse.urlencode(tokens).encode("ascii")).decode("ascii")
        return replace_query_param(str(self.base_url), self.cursor_query_param, encoded)

    def _position_of(self, row: Any) -> list[Any]:
        return [_json_value(_row_value(row, key.name)) for key in self.keys]

    # --- paging -------------------------------------------------------------

    def _plan(self, queryset: Any, request: Request, view: Any) -> QuerySet[Any] | None:
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.keys = self.get_ordering_keys(request, queryset, view)
        self.ordering = tuple(("-" if key.descending else "") + key.name for key in self.keys)
        self.current_cursor = self.decode_cursor(request)
        reverse = self.current_cursor is not None and self.current_cursor.reverse

        queryset = queryset.order_by(*[self._order_by(key, reverse) for key in self.keys])
        if self.current_cursor is None:
            return queryset
        if len(self.current_cursor.position) != len(self.keys):
            raise NotFound(self.invalid_cursor_message)
        condition = self.build_seek_condition(self.keys, self.current_cursor.position, reverse)
        if condition is _FALSE:
            return queryset.none()
        if condition is _TRUE:
            return queryset
        try:
            # Field lookups convert the cursor's strings here, so a tampered
            # value (a date that is not a date) fails now, not in the database.
            return queryset.filter(condition)
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise NotFound(self.invalid_cursor_message)

    def _finish(self, rows: list[Any]) -> list[Any]:
        has_more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if self.current_cursor is not None and self.current_cursor.reverse:
            rows.reverse()
            self.has_previous = has_more
            self.has_next = True
        else:
            self.has_next = has_more
            self.has_previous = self.current_cursor is not None
        self.page = rows
        self.display_page_controls = self.template is not None and (
            self.has_next or self.has_previous
        )
        return rows

    def _paginate_sequence(self, items: Any, request: Request) -> list[Any] | None:
        """Page a list or tuple in memory, with the same cursors as the SQL path."""
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        rows = list(items)
        ordering = (self.ordering,) if isinstance(self.ordering, str) else tuple(self.ordering)
        keys = [OrderingKey(item.lstrip("-"), item.startswith("-"), True) for item in ordering]
        tiebreak = _sequence_tiebreak(rows)
        if tiebreak and not any(key.name in ("pk", "id") for key in keys):
            keys.append(OrderingKey(tiebreak, keys[-1].descending if keys else False, True))
        self.keys = keys
        self.current_cursor = self.decode_cursor(request)
        reverse = self.current_cursor is not None and self.current_cursor.reverse

        names = [key.name for key in keys]
        directions = [key.descending != reverse for key in keys]
        try:
            rows = sequences.sort_rows(rows, names, directions)
            if self.current_cursor is not None:
                if len(self.current_cursor.position) != len(keys):
                    raise ValueError("wrong number of cursor values")
                position = sequences.coerce_position(rows, names, self.current_cursor.position)
                rows = sequences.rows_after(rows, names, directions, position)
        except (ValueError, TypeError, AttributeError, decimal.InvalidOperation):
            raise NotFound(self.invalid_cursor_message)
        return self._finish(rows[: self.page_size + 1])

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        if not isinstance(queryset, QuerySet):
            return self._paginate_sequence(queryset, request)
        planned = self._plan(queryset, request, view)
        if planned is None:
            return None
        return self._finish(list(planned[: self.page_size + 1]))

    async def apaginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        if not isinstance(queryset, QuerySet):
            return self._paginate_sequence(queryset, request)
        planned = self._plan(queryset, request, view)
        if planned is None:
            return None
        return self._finish(await aslice_items(planned, 0, self.page_size + 1))

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        if self.page:
            return self.encode_cursor(_Cursor(False, self._position_of(self.page[-1])))
        # An empty page reached through a cursor: continue from that cursor.
        assert self.current_cursor is not None
        return self.encode_cursor(_Cursor(False, self.current_cursor.position))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if self.page:
            return self.encode_cursor(_Cursor(True, self._position_of(self.page[0])))
        assert self.current_cursor is not None
        return self.encode_cursor(_Cursor(True, self.current_cursor.position))
