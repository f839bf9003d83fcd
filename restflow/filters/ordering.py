"""The ordering parameter: ``order_by=name,-price`` mapped to ORM ``order_by``.

Keys apply in the order sent, and the primary key is appended as a last
sort key so that rows with equal values keep one order from page to page.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet

from restflow.filters.base import PendingResult
from restflow.filters.fields import MultipleChoiceField
from restflow.filters.values import read_list

__all__ = ["OrderField", "flip_direction"]


def flip_direction(path: str) -> str:
    """Return ``path`` with its leading ``-`` added or removed."""
    return path[1:] if path.startswith("-") else f"-{path}"


class OrderField(MultipleChoiceField):
    """Ordering parameter built from ``fields=[(key, model_path), ...]``.

    Each key is accepted as ``key`` and ``-key`` (descending, or ascending
    when ``override_order_direction="desc"``). ``labels=[(key, label)]``
    only changes the display names; every key in ``fields`` stays valid.
    ``tiebreak`` (on by default) appends the primary key so the order is
    total. A ``method`` receives the list of keys and returns the queryset.
    """

    default_error_messages = {
        "invalid_choice": "{input} is not a valid ordering; use one of: {choices}.",
        "empty": "Give at least one ordering key.",
        "not_a_list": "Expected a comma-separated list of ordering keys, not {input}.",
        "conflict": "{input} is listed more than once; list each ordering key once.",
    }

    def __init__(
        self,
        *,
        fields: Iterable[tuple[str, str]] | Iterable[str],
        labels: Iterable[tuple[str, str]] | None = None,
        override_order_direction: str = "asc",
        tiebreak: bool = True,
        **kwargs: Any,
    ) -> None:
        for ignored in ("distinct", "distinct_order", "exclude", "filter_by", "lookups"):
            kwargs.pop(ignored, None)
        if override_order_direction not in ("asc", "desc"):
            raise ValueError(
                "override_order_direction must be 'asc' or 'desc', "
                f"not {override_order_direction!r}."
            )
        pairs: list[tuple[str, str]] = []
        for item in fields:
            if isinstance(item, str):
                pairs.append((item, item))
            elif (
                isinstance(item, (list, tuple))
                and len(item) == 2
                and all(isinstance(part, str) for part in item)
            ):
                pairs.append((item[0], item[1]))
            else:
                raise TypeError(
                    "OrderField fields must be (query key, model path) pairs or names, "
                    f"not {item!r}."
                )
        self.order_fields = pairs
        self.labels = dict(labels or [])
        unknown = set(self.labels) - {key for key, _path in pairs}
        if unknown:
            raise ValueError(
                f"order_field_labels name keys that are not in order_fields: {sorted(unknown)}. "
                f"Known keys: {[key for key, _path in pairs]}."
            )
        self.override_order_direction = override_order_direction
        self.tiebreak = tiebreak
        self.mapping: dict[str, str] = {}
        choices: list[tuple[str, str]] = []
        ascending, descending = "Ascending", "Descending"
        if override_order_direction == "desc":
            ascending, descending = descending, ascending
        for key, path in pairs:
            label = self.labels.get(key, key)
            self.mapping[key] = path
            self.mapping[f"-{key}"] = flip_direction(path)
            choices.append((key, f"{label} ({ascending})"))
            choices.append((f"-{key}", f"{label} ({descending})"))
        kwargs.setdefault("allow_negate", False)
        super().__init__(choices=choices, **kwargs)
        self.allow_negate = False

    def get_value(self, dictionary: Any) -> Any:
        return read_list(dictionary, self.field_name or "", self.get_limits())

    def to_internal_value(self, data: Any) -> list[str]:
        keys = super().to_internal_value(data)
        seen: set[str] = set()
        for key in keys:
            bare = key.lstrip("-")
            if bare in seen:
                self.fail("conflict", input=bare)
            seen.add(bare)
        return keys

    def get_order_paths(self, keys: Sequence[str]) -> list[str]:
        """Return the ORM ``order_by`` arguments for ``keys``."""
        paths = []
        for key in keys:
            path = self.mapping.get(key, key)
            if self.override_order_direction == "desc":
                path = flip_direction(path)
            paths.append(path)
        return paths

    def order_queryset(self, queryset: QuerySet, keys: Sequence[str]) -> QuerySet:
        """Return ``queryset`` ordered by ``keys``, with the primary key as the last key."""
        paths = self.get_order_paths(keys)
        if self.tiebreak and paths:
            paths = add_pk_tiebreak(queryset, paths)
        return queryset.order_by(*paths)

    def apply_filter(self, filterset: Any, queryset: QuerySet, value: Any) -> Any:
        method = self.get_method(filterset)
        if method is None:
            return self.order_queryset(queryset, value), None
        result = method(filterset, queryset, value)
        if inspect.isawaitable(result):
            return _await_ordering(queryset, result)
        return (result if isinstance(result, QuerySet) else queryset), None

    def get_filter_path(self) -> str | None:
        return None


def add_pk_tiebreak(queryset: QuerySet, paths: list[str]) -> list[str]:
    """Append the primary key to ``paths`` unless it, or a unique field, is already there."""
    opts = queryset.model._meta
    pk_names = {"pk", opts.pk.name, opts.pk.attname}
    for path in paths:
        bare = path.lstrip("-")
        if bare in pk_names:
            return paths
        try:
            field = opts.get_field(bare)
        except Exception:
            continue
        if getattr(field, "unique", False) and not getattr(field, "null", False):
            return paths
    return [*paths, "pk"]


def _await_ordering(queryset: QuerySet, result: Any) -> PendingResult:
    return PendingResult(
        result, lambda value: ((value if isinstance(value, QuerySet) else queryset), None)
    )
