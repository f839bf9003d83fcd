"""The base filter field: a DRF field that parses one query parameter and builds its ``Q``.

:class:`Field` adds filter behaviour to a DRF field: where the value goes in
the ORM (``db_field`` / ``filter_by``), which lookup variants it generates
(``lookups``), negation, and custom ``method`` hooks. The typed subclasses
live in :mod:`restflow.filters.fields`.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any, NoReturn

from django.db.models import Q, QuerySet
from rest_framework import fields as drf_fields

from restflow.filters.lookups import LookupSpec, process_lookups
from restflow.filters.values import ValueLimits, read_scalar, short_repr

__all__ = ["Field", "PendingResult"]


class Field(drf_fields.Field):
    """A query parameter that filters a queryset.

    ``db_field`` is the ORM path the value is compared with (the declared
    name by default). ``filter_by`` replaces the whole expression with a
    string (``"price__gte"``) or a callable ``value -> dict | Q``.
    ``method`` replaces the filter with a callable ``(filterset, queryset,
    value)`` or the name of a FilterSet method called as ``(queryset,
    value)``. A method returns a ``Q`` (combined with the other filters) or
    a ``QuerySet`` (used as the new queryset). ``lookups`` generates variant
    parameters (``price__gte``), and every parameter gets a negated twin
    (``price!``) unless ``allow_negate`` is false.

    Used as ``name: T = Field(...)`` in a FilterSet, this exact class means
    "the field class for ``T``, with these arguments".
    """

    lookup_categories: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        db_field: str = "",
        filter_by: str | Callable[[Any], Any] | None = None,
        lookups: Any = None,
        lookup_separator: str | None = None,
        method: Callable[..., Any] | str | None = None,
        negate: bool = False,
        required: bool = False,
        allow_negate: bool | None = None,
        **kwargs: Any,
    ) -> None:
        if method is not None and filter_by is not None:
            raise AssertionError(
                "A filter field takes `method` or `filter_by`, not both: `method` replaces the "
                "whole filter, so `filter_by` would never be used."
            )
        if method is not None and not (callable(method) or isinstance(method, str)):
            raise TypeError(
                f"`method` must be a callable or the name of a FilterSet method, not {method!r}."
            )
        if lookups and method is not None:
            raise AssertionError(
                "`lookups` cannot be combined with `method`: a method receives the value only, "
                "so the lookup variants would all run the same code. Declare one method field "
                "per variant instead."
            )
        if lookups and filter_by is not None and not db_field:
            raise AssertionError(
                "`lookups` with `filter_by` needs `db_field`: variants are built as "
                "`<db_field>__<lookup>`. Pass db_field='<model path>' as well."
            )
        if method is not None and allow_negate:
            raise AssertionError(
                "`allow_negate=True` cannot be used with `method`: a method returns its own "
                "queryset, which restflow cannot negate. Handle exclusion inside the method."
            )

        kwargs.setdefault("allow_null", False)
        kwargs.setdefault("read_only", False)
        kwargs.setdefault("write_only", False)
        super().__init__(required=required, **kwargs)

        self.db_field = db_field
        self.filter_by = filter_by
        self.lookups = lookups
        self.lookup_separator = lookup_separator
        self.method = method
        self.negate = negate
        self.allow_negate = False if method is not None else allow_negate
        # Set on generated variants: the base parameter and the lookup spec.
        self.variant_of: str | None = None
        self.lookup_spec: LookupSpec | None = None
        self.explicit_help_text = "help_text" in kwargs and kwargs["help_text"] is not None
        self._raw_input: Any = None

    # Attributes set after construction (by the FilterSet metaclass) that a
    # copy must keep: DRF's __deepcopy__ rebuilds a field from its arguments only.
    _FILTER_STATE = (
        "db_field",
        "filter_by",
        "lookups",
        "method",
        "negate",
        "allow_negate",
        "variant_of",
        "lookup_spec",
        "explicit_help_text",
        "match_whole",
    )

    def __deepcopy__(self, memo: dict[int, Any]) -> Field:
        clone = super().__deepcopy__(memo)
        for name in self._FILTER_STATE:
            if hasattr(self, name):
                setattr(clone, name, getattr(self, name))
        return clone

    @property
    def groupable(self) -> bool:
        """Whether this parameter may appear in an OR group (only plain conditions can)."""
        return self.method is None

    # --- construction ------------------------------------------------------

    def ensure_db_field(self, name: str) -> None:
        """Default ``db_field`` to ``name`` when no other target is set."""
        if not self.db_field and self.filter_by is None and self.method is None:
            self.db_field = name

    def clone(
        self, _type: type[Field] | None = None, field_name: str | None = None, **overrides: Any
    ) -> Field:
        """Return a new field built from this one's arguments, with ``overrides`` applied.

        ``_type`` builds another class from the same arguments; ``field_name``
        sets ``db_field`` when the clone has none.
        """
        kwargs = copy.deepcopy(dict(self._kwargs))  # type: ignore[attr-defined]
        kwargs.update(overrides)
        field_class = _type or type(self)
        clone = field_class(*copy.deepcopy(self._args), **kwargs)  # type: ignore[attr-defined]
        if field_name:
            clone.ensure_db_field(field_name)
        return clone

    def plain_kwargs(self) -> dict[str, Any]:
        """Return the arguments that describe the value only, without filter behaviour."""
        kwargs = dict(self._kwargs)  # type: ignore[attr-defined]
        for key in (
            "db_field",
            "filter_by",
            "lookups",
            "lookup_separator",
            "method",
            "negate",
            "required",
            "default",
            "help_text",
            "allow_negate",
            "label",
        ):
            kwargs.pop(key, None)
        return copy.deepcopy(kwargs)

    def plain_copy(self, **overrides: Any) -> Field:
        """Return a copy that parses values like this field but filters on nothing itself."""
        return type(self)(*copy.deepcopy(self._args), **{**self.plain_kwargs(), **overrides})  # type: ignore[attr-defined]

    def get_lookup_specs(self) -> list[LookupSpec]:
        """Return the lookup variants this field declares."""
        return process_lookups(self.lookups, self.lookup_categories)

    def build_variant(self, spec: LookupSpec) -> Field:
        """Return the field for the lookup variant ``spec`` of this field.

        ``in`` takes a list of this field's values and ``range`` exactly two.
        ``isnull`` takes a boolean, and date and time components take an
        integer in their range. Any other lookup parses values like this field.
        Override to give a field class its own variants.
        """
        # The variant classes subclass Field, so they are imported on use.
        from restflow.filters.variants import build_variant

        return build_variant(self, spec)

    def build_negation(self) -> Field:
        """Return the ``!`` twin of this field: same value, negated condition."""
        twin = self.clone(
            negate=not self.negate, lookups=None, required=False, default=drf_fields.empty
        )
        for name in self._FILTER_STATE:
            if name not in ("negate", "lookups") and hasattr(self, name):
                setattr(twin, name, getattr(self, name))
        return twin

    # --- reading and parsing -----------------------------------------------

    def get_limits(self) -> ValueLimits:
        root = self.root if self.parent is not None else None
        limits = getattr(root, "value_limits", None)
        return limits if isinstance(limits, ValueLimits) else ValueLimits()

    def get_value(self, dictionary: Any) -> Any:
        return read_scalar(dictionary, self.field_name or "", self.get_limits())

    def run_validation(self, data: Any = drf_fields.empty) -> Any:
        self._raw_input = data
        return super().run_validation(data)

    def fail(self, key: str, **kwargs: Any) -> NoReturn:
        kwargs["input"] = short_repr(kwargs.get("input", self._raw_input))
        super().fail(key, **kwargs)

    # --- filtering ---------------------------------------------------------

    def get_filter_path(self) -> str | None:
        """Return the ORM path this field compares with, or ``None`` when a callable decides."""
        if isinstance(self.filter_by, str):
            return self.filter_by
        if self.filter_by is None and self.method is None:
            return self.db_field or None
        return None

    def build_q(self, value: Any) -> Q:
        """Return the condition for ``value``, negated when this is a ``!`` parameter."""
        if callable(self.filter_by):
            result = self.filter_by(value)
            if isinstance(result, dict):
                condition = Q(**result)
            elif isinstance(result, Q):
                condition = result
            else:
                raise AssertionError(
                    f"filter_by callable of {self.field_name!r} returned {result!r}; it must "
                    "return a dict of ORM lookups or a Q object."
                )
        else:
            path = self.get_filter_path()
            if path is None:
                raise AssertionError(
                    f"{self.field_name!r} has no db_field or filter_by to filter on."
                )
            # A (path, value) child is what Q(**{path: value}) builds, without
            # the keyword dict and its sort.
            condition = Q((path, self.to_query_value(value)))
        return ~condition if self.negate else condition

    def to_query_value(self, value: Any) -> Any:
        """Return the value as the ORM lookup expects it."""
        return value

    def get_method(self, filterset: Any = None) -> Callable[..., Any] | None:
        """Return the callable behind ``method``, bound to ``filterset`` for a method name."""
        if self.method is None:
            return None
        if isinstance(self.method, str):
            bound = getattr(filterset, self.method)
            return lambda _filterset, queryset, value: bound(queryset, value)
        return self.method

    def apply_filter(self, filterset: Any, queryset: QuerySet, value: Any) -> Any:
        """Return ``(queryset, Q or None)`` for ``value`` (an awaitable of it for async methods)."""
        method = self.get_method(filterset)
        if method is None:
            return queryset, self.build_q(value)
        result = method(filterset, queryset, value)
        if inspect.isawaitable(result):
            return _finish_async_method(self, queryset, result)
        return self.interpret_method_result(queryset, result)

    def interpret_method_result(self, queryset: QuerySet, result: Any) -> tuple[QuerySet, Q | None]:
        """Turn what a method returned into ``(queryset, Q or None)``."""
        if isinstance(result, Q):
            return queryset, result
        if isinstance(result, QuerySet):
            return result, None
        return queryset, None


class PendingResult:
    """Awaitable that awaits a method's coroutine and post-processes its result.

    ``close()`` closes the method's coroutine too, so the sync path can
    reject it without a "never awaited" warning.
    """

    def __init__(self, awaitable: Any, finish: Callable[[Any], Any]) -> None:
        self.awaitable = awaitable
        self.finish = finish

    def __await__(self) -> Any:
        value = yield from self.awaitable.__await__()
        return self.finish(value)

    def close(self) -> None:
        close = getattr(self.awaitable, "close", None)
        if callable(close):
            close()


def _finish_async_method(field: Field, queryset: QuerySet, result: Any) -> PendingResult:
    return PendingResult(result, lambda value: field.interpret_method_result(queryset, value))
