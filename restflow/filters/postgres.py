"""PostgreSQL filters: full-text search, trigram similarity, range columns and JSON values.

``SearchField``, ``TrigramField`` and ``RangeField`` need PostgreSQL and
``django.contrib.postgres``; a FilterSet that declares one on another
database fails when the class is created. ``JSONValueField`` works on every
database, but its ``contains``/``contained_by`` lookups need PostgreSQL.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP

from restflow.filters.fields import (
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    IntegerField,
    ListField,
    StringField,
)
from restflow.filters.lookups import LookupSpec

__all__ = ["JSONValueField", "RangeField", "SearchField", "TrigramField"]

_SEARCH_TYPES = ("plain", "phrase", "raw", "websearch")


def _postgres_import(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{module} could not be imported ({exc}). PostgreSQL filters need a driver: "
            'pip install "drf-restflow[postgres-psycopg3]"'
        ) from exc


def _vector_fields(fields: Sequence[Any]) -> list[tuple[str, str | None]]:
    result: list[tuple[str, str | None]] = []
    for item in fields:
        if isinstance(item, str):
            result.append((item, None))
        elif isinstance(item, (list, tuple)) and len(item) == 2 and item[1] in ("A", "B", "C", "D"):
            result.append((item[0], item[1]))
        else:
            raise TypeError(
                f"SearchField fields must be model paths or (path, weight) pairs with weight "
                f"'A'-'D', not {item!r}."
            )
    if not result:
        raise TypeError("SearchField needs at least one field to search, e.g. fields=['name'].")
    return result


# Text lookups a SearchField or TrigramField may fall back to off PostgreSQL.
_FALLBACK_LOOKUPS = ("icontains", "contains", "iexact", "exact", "istartswith", "startswith")


def _check_fallback(fallback: str | None) -> str | None:
    if fallback is not None and fallback not in _FALLBACK_LOOKUPS:
        raise ValueError(
            f"fallback must be None or one of {', '.join(_FALLBACK_LOOKUPS)}, not {fallback!r}."
        )
    return fallback


def _on_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _fallback_condition(paths: Sequence[str], lookup: str, value: Any) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}{LOOKUP_SEP}{lookup}": value})
    return condition


class SearchField(StringField):
    """Full-text search over ``fields`` with ``SearchVector``, ``SearchQuery`` and ``SearchRank``.

    ``fields`` are model paths or ``(path, weight)`` pairs. ``config`` is
    the text search configuration, falling back to ``Meta.search_config``
    and then to the database default. ``search_type`` is passed to
    ``SearchQuery``; the default ``websearch`` accepts quotes, ``or`` and
    ``-word``. Matching rows get the rank as ``rank_name`` and are ordered
    by it, best first, unless the request sends the ordering parameter.

    ``fallback`` (``"icontains"`` for example) lets the same FilterSet run on
    another database: there the value is matched with that lookup against
    each field, without ranking. Without it, another database is an error
    when the class is created.
    """

    requires_postgres: str | None = "full-text search (SearchField)"

    def __init__(
        self,
        *,
        fields: Sequence[Any],
        config: str | None = None,
        search_type: str = "websearch",
        rank_name: str = "search_rank",
        order_by_rank: bool = True,
        fallback: str | None = None,
        **kwargs: Any,
    ) -> None:
        if search_type not in _SEARCH_TYPES:
            raise ValueError(f"search_type must be one of {_SEARCH_TYPES}, not {search_type!r}.")
        self.search_fields = _vector_fields(fields)
        self.fallback = _check_fallback(fallback)
        if self.fallback:
            self.requires_postgres = None
        self.config = config
        self.search_type = search_type
        self.rank_name = rank_name
        self.order_by_rank = order_by_rank
        kwargs["allow_negate"] = False
        super().__init__(**kwargs)

    @property
    def groupable(self) -> bool:
        return False

    def get_filter_path(self) -> str | None:
        return None

    def get_lookup_specs(self) -> list[LookupSpec]:
        return []

    def apply_filter(self, filterset: Any, queryset: QuerySet, value: Any) -> Any:
        if self.fallback and not _on_postgres(queryset):
            return queryset, _fallback_condition(
                [path for path, _w in self.search_fields], self.fallback, value
            )
        search = _postgres_import("django.contrib.postgres.search")
        config = self.config or filterset.get_options().search_config
        vector = None
        for path, weight in self.search_fields:
            part = search.SearchVector(path, config=config, weight=weight)
            vector = part if vector is None else vector + part
        query = search.SearchQuery(value, config=config, search_type=self.search_type)
        vector_name = f"{self.rank_name}_vector"
        queryset = (
            queryset.alias(**{vector_name: vector})
            .annotate(**{self.rank_name: search.SearchRank(F(vector_name), query)})
            .filter(**{vector_name: query})
        )
        if self.order_by_rank:
            filterset._rank_ordering.append(F(self.rank_name).desc())
        return queryset, None


class TrigramField(StringField):
    """Fuzzy text match with ``pg_trgm``: rows whose similarity to the value reaches ``threshold``.

    ``fields`` are model paths (the best similarity of them counts);
    ``function`` is ``"similarity"`` or ``"word_similarity"``. The score is
    annotated as ``rank_name`` and orders the rows like :class:`SearchField`,
    and ``fallback`` works the same way.
    The ``pg_trgm`` extension must be installed (``TrigramExtension()`` in a
    migration).
    """

    requires_postgres: str | None = "trigram similarity (TrigramField)"

    def __init__(
        self,
        *,
        fields: Sequence[str],
        threshold: float = 0.3,
        function: str = "similarity",
        rank_name: str = "similarity",
        order_by_rank: bool = True,
        fallback: str | None = None,
        **kwargs: Any,
    ) -> None:
        if function not in ("similarity", "word_similarity"):
            raise ValueError(
                f"function must be 'similarity' or 'word_similarity', not {function!r}."
            )
        if not fields or not all(isinstance(item, str) for item in fields):
            raise TypeError(
                f"TrigramField fields must be a non-empty list of model paths, not {fields!r}."
            )
        if not 0 <= threshold <= 1:
            raise ValueError(f"threshold must be between 0 and 1, not {threshold!r}.")
        self.search_fields = list(fields)
        self.fallback = _check_fallback(fallback)
        if self.fallback:
            self.requires_postgres = None
        self.threshold = threshold
        self.function = function
        self.rank_name = rank_name
        self.order_by_rank = order_by_rank
        kwargs["allow_negate"] = False
        super().__init__(**kwargs)

    @property
    def groupable(self) -> bool:
        return False

    def get_filter_path(self) -> str | None:
        return None

    def get_lookup_specs(self) -> list[LookupSpec]:
        return []

    def apply_filter(self, filterset: Any, queryset: QuerySet, value: Any) -> Any:
        if self.fallback and not _on_postgres(queryset):
            return queryset, _fallback_condition(self.search_fields, self.fallback, value)
        search = _postgres_import("django.contrib.postgres.search")
        from django.db.models.functions import Greatest

        function = (
            search.TrigramSimilarity
            if self.function == "similarity"
            else search.TrigramWordSimilarity
        )
        if self.function == "word_similarity":
            scores = [function(value, path) for path in self.search_fields]
        else:
            scores = [function(path, value) for path in self.search_fields]
        score = scores[0] if len(scores) == 1 else Greatest(*scores)
        queryset = queryset.annotate(**{self.rank_name: score}).filter(
            **{f"{self.rank_name}__gte": self.threshold}
        )
        if self.order_by_rank:
            filterset._rank_ordering.append(F(self.rank_name).desc())
        return queryset, None


_RANGE_KINDS: dict[str, tuple[type[Field], str]] = {
    "integer": (IntegerField, "NumericRange"),
    "bigint": (IntegerField, "NumericRange"),
    "decimal": (DecimalField, "NumericRange"),
    "date": (DateField, "DateRange"),
    "datetime": (DateTimeField, "DateTimeTZRange"),
}
_RANGE_INTERNAL_TYPES = {
    "IntegerRangeField": "integer",
    "BigIntegerRangeField": "bigint",
    "DecimalRangeField": "decimal",
    "DateRangeField": "date",
    "DateTimeRangeField": "datetime",
}
# Range lookups whose value is a single element rather than a range.
_ELEMENT_LOOKUPS = frozenset({"contains"})


class RangeField(ListField):
    """A PostgreSQL range column, filtered with ``low,high`` pairs (both ends included).

    The base parameter matches the exact range; lookups ``contains`` (one
    value inside the range), ``contained_by``, ``overlap``, ``fully_lt``,
    ``fully_gt`` (a ``low,high`` pair) come from ``lookups=["pg_range"]``.
    ``kind`` is ``integer``, ``bigint``, ``decimal``, ``date`` or ``datetime``.
    """

    requires_postgres = "range filtering (RangeField)"
    is_container = True
    lookup_categories = ("pg_range",)

    def __init__(self, *, kind: str = "integer", model_field: Any = None, **kwargs: Any) -> None:
        if model_field is not None:
            kind = _RANGE_INTERNAL_TYPES.get(model_field.get_internal_type(), kind)
        if kind not in _RANGE_KINDS:
            raise ValueError(
                f"RangeField kind must be one of {sorted(_RANGE_KINDS)}, not {kind!r}."
            )
        self.kind = kind
        element_class, self.range_class_name = _RANGE_KINDS[kind]
        child = (
            element_class(max_digits=None, decimal_places=None)
            if element_class is DecimalField
            else element_class()
        )
        kwargs.pop("child", None)
        message = "Give exactly two values, the low and the high end, such as low,high."
        kwargs.setdefault("error_messages", {"min_length": message, "max_length": message})
        super().__init__(child=child, min_length=2, max_length=2, **kwargs)
        # model_field is only read above; keep the copy cheap and picklable.
        self._kwargs.pop("model_field", None)  # type: ignore[attr-defined]
        self._kwargs["kind"] = kind  # type: ignore[attr-defined]

    def get_filter_path(self) -> str | None:
        if self.filter_by is None and self.method is None and self.db_field:
            return self.db_field
        return super().get_filter_path()

    def to_query_value(self, value: Any) -> Any:
        ranges = _postgres_import("django.db.backends.postgresql.psycopg_any")
        low, high = value
        return getattr(ranges, self.range_class_name)(low, high, "[]")

    def build_variant(self, spec: LookupSpec) -> Field:
        last = spec.lookup.split(LOOKUP_SEP)[-1]
        path = f"{self.db_field}{LOOKUP_SEP}{spec.lookup}"
        common: dict[str, Any] = {"filter_by": path, "allow_negate": self.allow_negate}
        if spec.help_text:
            common["help_text"] = spec.help_text
        if last in _ELEMENT_LOOKUPS:
            child: Any = self.child
            variant: Field = child.plain_copy(**common)
        elif last == "isnull":
            return super().build_variant(spec)
        else:
            variant = RangeField(kind=self.kind, **common)
        variant.lookup_spec = spec
        variant.explicit_help_text = bool(spec.help_text)
        return variant


class _NotFinite(Exception):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value) or math.isnan(value):
        raise _NotFinite(text)
    return value


def _no_constant(text: str) -> Any:
    # json.loads accepts NaN and Infinity, which no database stores as JSON.
    raise _NotFinite(text)


def _nesting_depth(value: Any) -> int:
    deepest = 0
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        if isinstance(item, (list, dict)):
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _has_nul(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class JSONValueField(Field):
    """A JSON value: the parameter is parsed as JSON, and text that is not JSON counts as a string.

    ``?attributes={"color": "red"}`` matches the exact document;
    ``lookups=["json"]`` adds ``has_key``, ``has_keys``, ``has_any_keys``;
    ``contains``/``contained_by`` (PostgreSQL only) match containment. Key
    paths work with typed fields: ``color = StringField(db_field="attributes__color")``.
    """

    lookup_categories = ("basic", "json")
    is_container = True

    default_error_messages = {
        "not_finite": "Enter a finite number, not {input}: JSON has no NaN or Infinity.",
        "too_deep": "The JSON value is nested more than {max_depth} levels deep; flatten it.",
        "null_characters_not_allowed": (
            "The JSON value contains a NUL character (\\u0000), which PostgreSQL cannot store in "
            "JSON. Remove it from the value."
        ),
    }
    # Django resolves nested lists recursively when it builds the query, so a
    # deeply nested value would exhaust the stack there.
    max_depth = 32

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        try:
            value = json.loads(data, parse_float=_finite_float, parse_constant=_no_constant)
        except _NotFinite:
            self.fail("not_finite")
        except (ValueError, RecursionError):
            # Text that is not JSON is compared as a JSON string.
            return data
        if _nesting_depth(value) > self.max_depth:
            self.fail("too_deep", max_depth=self.max_depth)
        if _has_nul(value):
            # PostgreSQL's jsonb rejects \u0000 in a string or key, which
            # would fail the query with a 500 instead of naming the parameter.
            self.fail("null_characters_not_allowed")
        return value

    def to_representation(self, value: Any) -> Any:
        return value

    def to_query_value(self, value: Any) -> Any:
        # ``null`` means the JSON null. Django 6.1 deprecates None for that
        # and names it JSONNull(); older versions read None as JSON null.
        if value is None:
            try:
                from django.db.models import JSONNull  # type: ignore[attr-defined]
            except ImportError:
                return None
            return JSONNull()
        return value

    def build_q(self, value: Any) -> Q:
        return super().build_q(value)
