"""Lookup names, lookup categories and the parsing of a field's ``lookups=`` argument.

A lookup entry maps the suffix a client writes (``price__min``) to the ORM
lookup it runs (``gte``), with optional help text. Names are checked against
the lookups and transforms Django has registered, so a typo fails when the
FilterSet class is created instead of at query time.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Field as ModelField
from django.db.models.constants import LOOKUP_SEP

__all__ = [
    "ALL_FIELDS",
    "DATE_COMPONENT_LOOKUPS",
    "DEFAULT_FIELD_LOOKUPS",
    "LIST_LOOKUPS",
    "LOOKUP_BOUND_LABELS",
    "LOOKUP_CATEGORIES",
    "LOOKUP_DEFAULT_FIELD",
    "POSTGRES_ONLY_LOOKUPS",
    "LookupSpec",
    "bound_label",
    "known_lookup_names",
    "process_lookups",
    "validate_lookup_name",
]

ALL_FIELDS = "__all__"

LOOKUP_CATEGORIES: dict[str, tuple[str, ...]] = {
    "basic": ("exact", "in", "isnull"),
    "text": ("icontains", "contains", "startswith", "endswith", "iexact"),
    "comparison": ("gt", "gte", "lt", "lte"),
    "date": ("date", "year", "month", "day", "week", "week_day", "quarter"),
    "time": ("time", "hour", "minute", "second"),
    "postgres": ("search", "trigram_similar", "unaccent"),
    # Django's ArrayField lookup is ``overlap`` (not ``overlaps``).
    "pg_array": ("contains", "overlap", "contained_by"),
    "pg_range": ("contains", "contained_by", "overlap", "fully_lt", "fully_gt"),
    "json": ("has_key", "has_keys", "has_any_keys"),
    # Regular expressions reach the database's regex engine: opt in explicitly.
    "unsafe": ("regex", "iregex"),
}

# Kept for compatibility with code that imported it; no field reads it.
DEFAULT_FIELD_LOOKUPS: tuple[str, ...] = ()

# Lookups whose value is a list of values rather than one value.
LIST_LOOKUPS = frozenset({"in", "range", "has_keys", "has_any_keys"})

# Transforms that extract an integer component from a date, time or datetime.
# Years stop one short of datetime's limits: Django turns a year into a range
# of datetimes in the current time zone, which overflows at year 1 or 9999 in
# zones far from UTC.
DATE_COMPONENT_LOOKUPS: dict[str, tuple[int, int]] = {
    "year": (2, 9998),
    "iso_year": (2, 9998),
    "month": (1, 12),
    "day": (1, 31),
    "week": (1, 53),
    "week_day": (1, 7),
    "iso_week_day": (1, 7),
    "quarter": (1, 4),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}

# The field class used for the value of a lookup when it differs from the parent's.
LOOKUP_DEFAULT_FIELD: dict[str, str] = {
    "isnull": "BooleanField",
    "date": "DateField",
    "time": "TimeField",
    **dict.fromkeys(DATE_COMPONENT_LOOKUPS, "IntegerField"),
}

# Lookups that only django.contrib.postgres registers, or that only PostgreSQL runs.
POSTGRES_ONLY_LOOKUPS = frozenset(
    {
        "search",
        "trigram_similar",
        "trigram_word_similar",
        "trigram_strict_word_similar",
        "unaccent",
        "overlap",
        "contained_by",
        "fully_lt",
        "fully_gt",
        "not_lt",
        "not_gt",
        "adjacent_to",
    }
)

LOOKUP_BOUND_LABELS: dict[str, str] = {
    "exact": "Exact Match",
    "iexact": "Exact Match (Case-Insensitive)",
    "contains": "Substring Match",
    "icontains": "Substring Match (Case-Insensitive)",
    "startswith": "Prefix Match",
    "istartswith": "Prefix Match (Case-Insensitive)",
    "endswith": "Suffix Match",
    "iendswith": "Suffix Match (Case-Insensitive)",
    "gt": "Exclusive Lower Bound",
    "gte": "Inclusive Lower Bound",
    "lt": "Exclusive Upper Bound",
    "lte": "Inclusive Upper Bound",
    "in": "Value Set Membership",
    "range": "Inclusive Range",
    "isnull": "Null Check",
    "regex": "Regex Match",
    "iregex": "Regex Match (Case-Insensitive)",
    "date": "Date Component",
    "year": "Year Component",
    "month": "Month Component",
    "day": "Day Component",
    "week": "Week Component",
    "week_day": "Weekday Component",
    "quarter": "Quarter Component",
    "hour": "Hour Component",
    "minute": "Minute Component",
    "second": "Second Component",
    "search": "Full-Text Search",
    "trigram_similar": "Trigram Similarity",
    "unaccent": "Accent-Insensitive Match",
    "overlap": "Overlap",
    "overlaps": "Range Overlap",
    "contained_by": "Contained By",
    "has_key": "Has Key",
    "has_keys": "Has All Keys",
    "has_any_keys": "Has Any Key",
}


def bound_label(lookup: str) -> str:
    """Return the human label of ``lookup``, title-casing names it does not know."""
    return LOOKUP_BOUND_LABELS.get(lookup, lookup.replace("_", " ").title())


@dataclass(frozen=True)
class LookupSpec:
    """One lookup variant: the suffix in the query string, the ORM lookup and its help text."""

    alias: str
    lookup: str
    help_text: str | None = None


def _expand(name: str, categories: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    if name in categories:
        return tuple(categories[name])
    return (name,)


def process_lookups(
    lookups: Any, lookup_categories: Iterable[str] | None = None
) -> list[LookupSpec]:
    """Parse a ``lookups=`` argument into a list of :class:`LookupSpec`.

    Accepted forms:

    - ``None`` or ``[]``: no variants.
    - A list or tuple of lookup and category names. Categories expand,
      duplicates are dropped and the order is kept.
    - A single category or lookup name.
    - ``"__all__"``: every category in ``lookup_categories``.
    - An alias dict ``{"min": "gte"}``.
    - A config dict ``{"min": {"lookup": "gte", "help_text": "..."}}``.

    Raise ``TypeError`` for any other shape or a non-string name.
    """
    if lookups is None:
        return []
    specs: dict[str, LookupSpec] = {}

    def add(alias: str, lookup: str, help_text: str | None = None) -> None:
        if alias not in specs:
            specs[alias] = LookupSpec(alias, lookup, help_text)

    if isinstance(lookups, str):
        if lookups == ALL_FIELDS:
            for category in lookup_categories or ():
                for name in LOOKUP_CATEGORIES[category]:
                    add(name, name)
            return list(specs.values())
        lookups = [lookups]

    if isinstance(lookups, Mapping):
        for alias, config in lookups.items():
            if not isinstance(alias, str):
                raise TypeError(
                    f"lookups: dict keys must be strings, not {alias!r}. "
                    'Use {"min": "gte"} or {"min": {"lookup": "gte", "help_text": "..."}}.'
                )
            if isinstance(config, str):
                add(alias, config)
            elif isinstance(config, Mapping):
                lookup = config.get("lookup", alias)
                help_text = config.get("help_text")
                if not isinstance(lookup, str):
                    raise TypeError(
                        f"lookups[{alias!r}]['lookup'] must be a string, not {lookup!r}."
                    )
                add(alias, lookup, help_text)
            elif config is None and alias in LOOKUP_CATEGORIES:
                for name in LOOKUP_CATEGORIES[alias]:
                    add(name, name)
            elif config is None:
                add(alias, alias)
            else:
                raise TypeError(
                    f"lookups[{alias!r}] must be a lookup name or a dict with 'lookup' and "
                    f"'help_text', not {config!r}."
                )
        return list(specs.values())

    if isinstance(lookups, (list, tuple)):
        for item in lookups:
            if not isinstance(item, str):
                raise TypeError(
                    f"lookups: every item must be a lookup or category name, not {item!r}. "
                    f"Categories: {', '.join(LOOKUP_CATEGORIES)}."
                )
            for name in _expand(item, LOOKUP_CATEGORIES):
                add(name, name)
        return list(specs.values())

    raise TypeError(
        f"lookups must be None, a list of lookup or category names, '__all__' or a dict, "
        f"not {lookups!r}."
    )


def _collect_field_classes() -> list[type[ModelField]]:
    found: list[type[ModelField]] = []
    pending: list[type[ModelField]] = [ModelField]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.__subclasses__())
    return found


def known_lookup_names() -> frozenset[str]:
    """Return every lookup and transform name registered on an imported model field class.

    PostgreSQL lookups (``search``, ``trigram_similar``, ...) appear only once
    ``django.contrib.postgres`` is installed and its app is ready.
    """
    names: set[str] = set()
    for field_class in _collect_field_classes():
        names.update(field_class.get_class_lookups())
        names.update(getattr(field_class, "class_lookups", {}))
    return frozenset(names)


def validate_lookup_name(lookup: str, *, where: str, model_field: ModelField | None = None) -> None:
    """Check that every part of ``lookup`` (``date__gte`` has two) is a registered name.

    With ``model_field``, a single-part lookup must also be one that field
    supports. Raise ``ImproperlyConfigured`` naming ``where``, the lookup and
    the closest known name.
    """
    known = known_lookup_names()
    for part in lookup.split(LOOKUP_SEP):
        if part in known:
            continue
        close = difflib.get_close_matches(part, sorted(known), n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        postgres = (
            " PostgreSQL lookups need 'django.contrib.postgres' in INSTALLED_APPS."
            if part in POSTGRES_ONLY_LOOKUPS or part == "overlaps"
            else ""
        )
        raise ImproperlyConfigured(
            f"{where}: {part!r} in lookup {lookup!r} is not a lookup or transform Django "
            f"knows.{hint}{postgres} Use a lookup such as 'exact', 'icontains', 'gte' or a "
            f"category: {', '.join(LOOKUP_CATEGORIES)}."
        )
    if model_field is not None and LOOKUP_SEP not in lookup:
        supported = model_field.get_lookup(lookup) or model_field.get_transform(lookup)
        if supported is None:
            raise ImproperlyConfigured(
                f"{where}: lookup {lookup!r} is not supported by the model field "
                f"{model_field.model.__name__}.{model_field.name} "
                f"({type(model_field).__name__}). Supported: "
                f"{', '.join(sorted(model_field.get_lookups()))}."
            )
