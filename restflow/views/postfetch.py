"""``PostFetch``: attach related rows to a page of objects with one query per relation.

Use it where ``prefetch_related`` cannot express the relation: the first N
rows per object in a chosen order, rows joined on columns that are not a
foreign key, or ``.values()`` dicts instead of model instances.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber

__all__ = [
    "PostFetch",
    "aperform_post_fetches",
    "build_key_tuple",
    "get_value",
    "perform_post_fetches",
]

_ROW_NUMBER = "_restflow_post_fetch_row"


def get_value(obj: Any, attr: str, default: Any = None) -> Any:
    """Return ``obj[attr]`` for a mapping and ``getattr(obj, attr)`` otherwise.

    A dotted ``attr`` (``"brand.id"``) follows each step; a missing step gives ``default``.
    """
    current = obj
    for part in attr.split("."):
        if isinstance(current, Mapping):
            current = current.get(part, default)
        else:
            current = getattr(current, part, default)
        if current is None:
            return current
    return current


def build_key_tuple(obj: Any, field_mapping: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
    """Return the join key of ``obj``: its value of each base field in ``field_mapping``."""
    return tuple(get_value(obj, base_field) for _, base_field in field_mapping)


def _attach(item: Any, name: str, value: Any) -> None:
    if isinstance(item, dict):
        item[name] = value
    else:
        setattr(item, name, value)


def _order_expression(entry: Any) -> Any:
    if isinstance(entry, str):
        return F(entry[1:]).desc() if entry.startswith("-") else F(entry).asc()
    return entry


class PostFetch:
    """Attach rows of ``queryset`` to each base object under ``to_attr``.

    ``queries`` pair a field of ``queryset`` with a field of the base objects,
    ``PostFetch(Review.objects.all(), "top_reviews", ["id", "title"],
    limit=3, order_by=["-rating"], product_id="id")`` attaches up to three
    review dicts per product. Several pairs join on all of them at once.

    ``limit=1`` attaches one dict or None, ``limit=N`` a list of up to N dicts
    (cut per object in the database with ``ROW_NUMBER()``), ``limit=None`` a
    list of all. ``values`` and ``values_dict`` go to ``.values()``; join
    fields that ``values`` does not name are used for grouping and left out of
    the attached dicts.
    """

    def __init__(
        self,
        queryset: QuerySet[Any],
        to_attr: str,
        values: Sequence[str],
        values_dict: Mapping[str, Any] | None = None,
        limit: int | None = 1,
        order_by: Sequence[Any] | None = None,
        **queries: str,
    ) -> None:
        if not queries:
            raise TypeError(
                "PostFetch needs at least one join pair as a keyword argument, "
                "for example product_id='id' (field of the fetched rows = field of the base "
                "objects)."
            )
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise ValueError(f"PostFetch limit must be None or an integer >= 1, not {limit!r}.")
        if isinstance(values, str):
            raise TypeError(f"PostFetch values must be a list of field names, not {values!r}.")
        self.queryset = queryset
        self.to_attr = to_attr
        self.values = tuple(values)
        self.values_dict = dict(values_dict or {})
        self.limit = limit
        self.order_by = tuple(order_by or ())
        self.joins: tuple[tuple[str, str], ...] = tuple(queries.items())

    def __repr__(self) -> str:
        joins = ", ".join(f"{secondary}={base!r}" for secondary, base in self.joins)
        return f"<PostFetch {self.to_attr!r} from {self.queryset.model.__name__} on {joins}>"

    @property
    def empty_value(self) -> Any:
        """The value attached to an object with no matching rows."""
        return None if self.limit == 1 else []

    def build_filter_kwargs(self, base: Iterable[Any]) -> dict[str, list[Any]] | None:
        """Return the ``<field>__in`` filter for ``base``, or None when no object can match."""
        collected: list[set[Any]] = [set() for _ in self.joins]
        for item in base:
            key = build_key_tuple(item, self.joins)
            if any(value is None for value in key):
                continue
            for index, value in enumerate(key):
                collected[index].add(value)
        if not all(collected):
            return None
        return {
            f"{secondary}__in": list(values)
            for (secondary, _), values in zip(self.joins, collected, strict=True)
        }

    def build_queryset(self, filter_kwargs: Mapping[str, Any]) -> QuerySet[Any]:
        """Return the one query that fetches the rows for every base object."""
        queryset = self.queryset.filter(**filter_kwargs)
        secondaries = [secondary for secondary, _ in self.joins]
        ordering = [_order_expression(entry) for entry in self.order_by]
        if ordering:
            queryset = queryset.order_by(*ordering)
        if self.limit is not None:
            # Without order_by, "first N" follows the queryset's own ordering,
            # the same order the rows come out in.
            default = list(self.queryset.query.order_by or self.queryset.model._meta.ordering)
            window_order = ordering or [_order_expression(entry) for entry in default]
            window_order = window_order or [F("pk").asc()]
            queryset = queryset.annotate(
                **{
                    _ROW_NUMBER: Window(
                        RowNumber(),
                        partition_by=[F(name) for name in secondaries],
                        order_by=[
                            entry if isinstance(entry, OrderBy) else entry.asc()
                            for entry in window_order
                        ],
                    )
                }
            ).filter(**{f"{_ROW_NUMBER}__lte": self.limit})
        fields = list(self.values) + [name for name in secondaries if name not in self.values]
        return queryset.values(*fields, **self.values_dict)

    def _attach_rows(self, items: list[Any], rows: Iterable[Mapping[str, Any]]) -> None:
        secondaries = [secondary for secondary, _ in self.joins]
        hidden = [name for name in secondaries if name not in self.values]
        groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        for row in rows:
            key = tuple(row[name] for name in secondaries)
            if any(value is None for value in key):
                continue
            record = {name: value for name, value in row.items() if name not in hidden}
            groups.setdefault(key, []).append(record)
        for item in items:
            matched = groups.get(build_key_tuple(item, self.joins), [])
            if self.limit == 1:
                _attach(item, self.to_attr, matched[0] if matched else None)
            elif self.limit is None:
                _attach(item, self.to_attr, matched)
            else:
                _attach(item, self.to_attr, matched[: self.limit])

    def _attach_empty(self, items: list[Any]) -> None:
        for item in items:
            _attach(item, self.to_attr, self.empty_value)

    def fetch(self, base: Iterable[Any]) -> list[Any]:
        """Attach the rows to every object of ``base`` and return the objects as a list."""
        items = list(base)
        if not items:
            return items
        filter_kwargs = self.build_filter_kwargs(items)
        if filter_kwargs is None:
            self._attach_empty(items)
            return items
        self._attach_rows(items, list(self.build_queryset(filter_kwargs)))
        return items

    async def afetch(self, base: Any) -> list[Any]:
        """Async twin of :meth:`fetch`; both the base and the rows are read with the async ORM."""
        items = await amaterialize(base)
        if not items:
            return items
        filter_kwargs = self.build_filter_kwargs(items)
        if filter_kwargs is None:
            self._attach_empty(items)
            return items
        rows = [row async for row in self.build_queryset(filter_kwargs)]
        self._attach_rows(items, rows)
        return items


async def amaterialize(items: Any) -> list[Any]:
    """Return ``items`` as a list, reading an unevaluated QuerySet with ``async for``."""
    if isinstance(items, QuerySet):
        if items._result_cache is not None:
            return list(items._result_cache)
        return [item async for item in items]
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


def perform_post_fetches(items: Iterable[Any], post_fetches: Iterable[PostFetch]) -> list[Any]:
    """Run each PostFetch on ``items`` in order and return the items as a list."""
    materialized = list(items)
    for post_fetch in post_fetches:
        materialized = post_fetch.fetch(materialized)
    return materialized


async def aperform_post_fetches(items: Any, post_fetches: Iterable[PostFetch]) -> list[Any]:
    """Async twin of :func:`perform_post_fetches`; uses ``afetch`` when a fetch has it."""
    materialized = await amaterialize(items)
    for post_fetch in post_fetches:
        hook = getattr(post_fetch, "afetch", None)
        if hook is not None:
            materialized = await hook(materialized)
        else:  # pragma: no cover - a duck-typed fetch without the async twin
            from asgiref.sync import sync_to_async

            materialized = await sync_to_async(post_fetch.fetch)(materialized)
    return materialized
