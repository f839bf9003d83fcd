"""Filter field classes: a DRF field that parses one query parameter and builds its ``Q``.

Each class pairs a DRF field (which parses and validates the value) with the
filter behaviour of :class:`Field`: where the value goes in the ORM
(``db_field`` / ``filter_by``), which lookup variants it generates
(``lookups``), negation, and custom ``method`` hooks.
"""

from __future__ import annotations

import copy
import datetime
import inspect
import re
from collections.abc import Callable
from typing import Any, NoReturn

from django.db.models import Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from rest_framework import fields as drf_fields
from rest_framework.exceptions import ValidationError

from restflow.filters.lookups import (
    ALL_FIELDS,
    DATE_COMPONENT_LOOKUPS,
    DEFAULT_FIELD_LOOKUPS,
    LOOKUP_BOUND_LABELS,
    LOOKUP_CATEGORIES,
    LOOKUP_DEFAULT_FIELD,
    LookupSpec,
    bound_label,
    known_lookup_names,
    process_lookups,
)
from restflow.filters.values import ValueLimits, read_list, read_scalar, short_repr

__all__ = [
    "ALL_FIELDS",
    "DEFAULT_FIELD_LOOKUPS",
    "INT64_MAX",
    "INT64_MIN",
    "LOOKUP_BOUND_LABELS",
    "LOOKUP_CATEGORIES",
    "LOOKUP_DEFAULT_FIELD",
    "LOOKUP_SET",
    "BooleanField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "Field",
    "FloatField",
    "IPAddressField",
    "IntegerField",
    "ListField",
    "MultipleChoiceField",
    "StringField",
    "TimeField",
    "UUIDField",
    "bound_label",
    "process_lookups",
]

# The range of a signed 64-bit integer column: a larger value overflows the
# database driver (SQLite raises OverflowError), so filters reject it first.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


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
        """
        path = f"{self.db_field}{LOOKUP_SEP}{spec.lookup}"
        parts = spec.lookup.split(LOOKUP_SEP)
        first, last = parts[0], parts[-1]
        common: dict[str, Any] = {"filter_by": path, "allow_negate": self.allow_negate}
        if spec.help_text:
            common["help_text"] = spec.help_text
        elif self.help_text:
            common["help_text"] = f"{self.help_text} ({bound_label(last)})"

        variant: Field
        if first in DATE_COMPONENT_LOOKUPS:
            low, high = DATE_COMPONENT_LOOKUPS[first]
            value_field: Field = IntegerField(min_value=low, max_value=high)
        elif first == "date":
            value_field = DateField()
        elif first == "time":
            value_field = TimeField()
        else:
            value_field = self.plain_copy()

        if last == "isnull":
            variant = BooleanField(**common)
        elif last == "in":
            variant = ListField(child=_as_child(value_field), **common)
        elif last == "range":
            message = "Give exactly two values, the low and the high end, such as low,high."
            variant = ListField(
                child=_as_child(value_field),
                min_length=2,
                max_length=2,
                error_messages={"min_length": message, "max_length": message},
                **common,
            )
        elif last in ("regex", "iregex"):
            variant = StringField(validators=[_validate_regex], **common)
        elif last in ("has_keys", "has_any_keys"):
            variant = ListField(child=StringField(), **common)
        elif last == "has_key":
            variant = StringField(**common)
        else:
            variant = value_field.clone(**common)
        variant.variant_of = None
        variant.lookup_spec = spec
        variant.explicit_help_text = bool(spec.help_text)
        return variant

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
            condition = Q(**{path: self.to_query_value(value)})
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


def _as_child(field: Field) -> Field:
    # A list's child only parses values; it never filters on its own.
    return field.plain_copy() if isinstance(field, Field) else field


def _validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(f"Enter a valid regular expression: {exc}.", code="invalid")


class StringField(Field, drf_fields.CharField):
    """Text compared as written (trimmed); a blank value counts as absent."""

    lookup_categories = ("basic", "text")


class IntegerField(Field, drf_fields.IntegerField):
    """A whole number, bounded to the signed 64-bit range unless narrower bounds are given."""

    lookup_categories = ("basic", "comparison")
    default_error_messages = {
        "invalid": "Enter a whole number such as 42, not {input}.",
        "max_value": "Enter a number no greater than {max_value}.",
        "min_value": "Enter a number no less than {min_value}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", INT64_MIN)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)


class FloatField(Field, drf_fields.FloatField):
    """A finite floating-point number."""

    lookup_categories = ("basic", "comparison")
    default_error_messages = {
        "invalid": "Enter a number such as 4.5, not {input}.",
    }


class DecimalField(Field, drf_fields.DecimalField):
    """A decimal number; ``max_digits``/``decimal_places`` default to 10 and 2."""

    lookup_categories = ("basic", "comparison")
    default_error_messages = {
        "invalid": "Enter a decimal number such as 19.99, not {input}.",
    }

    def __init__(
        self, max_digits: int | None = 10, decimal_places: int | None = 2, **kwargs: Any
    ) -> None:
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)


class BooleanField(Field, drf_fields.BooleanField):
    """``true/false``, ``1/0``, ``yes/no``, ``on/off`` (also ``t/f``, ``y/n``) in any case."""

    lookup_categories = ("basic",)
    default_error_messages = {
        "invalid": (
            "Enter true or false (1/0, yes/no and on/off work too, in any case), not {input}."
        ),
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            data = data.strip().lower()
        return super().to_internal_value(data)


class DateField(Field, drf_fields.DateField):
    """A date such as ``2024-05-31``."""

    lookup_categories = ("basic", "comparison", "date")
    default_error_messages = {
        "invalid": "Enter a date in the format {format}, not {input}.",
        "datetime": "Enter a date without a time, not {input}.",
    }


class DateTimeField(Field, drf_fields.DateTimeField):
    """A date and time; a naive value is read in the current time zone when ``USE_TZ`` is on."""

    lookup_categories = ("basic", "comparison", "date", "time")
    default_error_messages = {
        "invalid": "Enter a date and time in the format {format}, not {input}.",
        "date": "Enter a date and time, not only a date: {input}.",
    }

    def to_internal_value(self, value: Any) -> Any:
        # Dates at the ends of the calendar overflow when DRF or the database
        # converts them between time zones, so they are reported as invalid.
        try:
            result = super().to_internal_value(value)
            if isinstance(result, datetime.datetime) and result.tzinfo is not None:
                result.astimezone(datetime.timezone.utc)
        except OverflowError:
            self.fail("overflow")
        return result


class TimeField(Field, drf_fields.TimeField):
    """A time of day such as ``13:45``."""

    lookup_categories = ("basic", "comparison", "time")
    default_error_messages = {
        "invalid": "Enter a time in the format {format}, not {input}.",
    }


class DurationField(Field, drf_fields.DurationField):
    """A duration such as ``1 02:00:00`` or ``P1DT2H``."""

    lookup_categories = ("basic", "comparison", "time")
    default_error_messages = {
        "invalid": "Enter a duration in the format {format}, not {input}.",
    }


class EmailField(Field, drf_fields.EmailField):
    """An e-mail address."""

    lookup_categories = ("basic", "text")
    default_error_messages = {
        "invalid": "Enter a valid e-mail address such as ada@example.com, not {input}.",
    }


class IPAddressField(Field, drf_fields.IPAddressField):
    """An IPv4 or IPv6 address."""

    lookup_categories = ("basic", "text")


class UUIDField(Field, drf_fields.UUIDField):
    """A UUID, for UUID primary keys and foreign keys to them."""

    lookup_categories = ("basic",)
    default_error_messages = {
        "invalid": "Enter a UUID such as 123e4567-e89b-12d3-a456-426614174000, not {input}.",
    }


class ChoiceField(Field, drf_fields.ChoiceField):
    """One value out of ``choices``; the error lists the accepted values."""

    lookup_categories = ("basic",)
    default_error_messages = {
        "invalid_choice": "{input} is not a valid choice; use one of: {choices}.",
    }

    def fail(self, key: str, **kwargs: Any) -> NoReturn:
        kwargs.setdefault("choices", ", ".join(str(key) for key in self.choices))
        super().fail(key, **kwargs)


class MultipleChoiceField(Field, drf_fields.MultipleChoiceField):
    """Several values out of ``choices``, in the order sent, duplicates dropped.

    The base parameter matches rows whose value is any of them (``__in``)
    unless ``filter_by`` sets another expression.
    """

    lookup_categories = ()
    default_error_messages = {
        "invalid_choice": "{input} is not a valid choice; use one of: {choices}.",
        "empty": "Give at least one value.",
        "not_a_list": "Expected a list of values, not {input}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty", False)
        super().__init__(**kwargs)

    def fail(self, key: str, **kwargs: Any) -> NoReturn:
        kwargs.setdefault("choices", ", ".join(str(key) for key in self.choices))
        super().fail(key, **kwargs)

    def get_value(self, dictionary: Any) -> Any:
        return read_list(dictionary, self.field_name or "", self.get_limits())

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, str) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input=data)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        values: list[Any] = []
        for item in data:
            value = drf_fields.ChoiceField.to_internal_value(self, item)
            if value not in values:
                values.append(value)
        return values

    def get_filter_path(self) -> str | None:
        if self.filter_by is None and self.method is None and self.db_field:
            return f"{self.db_field}{LOOKUP_SEP}in"
        return super().get_filter_path()


class ListField(Field, drf_fields.ListField):
    """A list of ``child`` values from repeated keys and ``,``-separated values.

    The base parameter matches rows whose column is any of the items
    (``__in``); ``match_whole=True`` compares the whole list instead, as an
    ``ArrayField`` column needs. An empty list (``?ids=``) is invalid unless
    ``allow_empty=True``;
    ``min_length``/``max_length`` bound the number of items; ``separator``
    (``","``) splits values and ``None`` turns splitting off.
    """

    lookup_categories = ("basic",)
    default_error_messages = {
        "empty": "Give at least one value, such as {example}.",
        "min_length": "Give at least {min_length} values, separated by commas.",
        "max_length": "Give at most {max_length} values.",
        "not_a_list": "Expected a list of values, not {input}.",
    }

    def __init__(
        self,
        *,
        child: Any = None,
        separator: str | None = ",",
        match_whole: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("allow_empty", False)
        self.match_whole = match_whole
        if child is None:
            child = StringField()
        if isinstance(child, Field):
            child.source = None
        self.separator = separator
        super().__init__(child=child, **kwargs)

    def fail(self, key: str, **kwargs: Any) -> NoReturn:
        numeric = isinstance(
            self.child, (drf_fields.IntegerField, drf_fields.FloatField, drf_fields.DecimalField)
        )
        kwargs.setdefault("example", f"{self.field_name}={'1,2' if numeric else 'a,b'}")
        super().fail(key, **kwargs)

    def get_value(self, dictionary: Any) -> Any:
        return read_list(dictionary, self.field_name or "", self.get_limits(), self.separator)

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input=data)
        return super().to_internal_value(list(data))

    def get_filter_path(self) -> str | None:
        # A list compared with a scalar column matches any item; an array
        # column (``match_whole``) compares the whole list.
        if self.filter_by is None and self.method is None and self.db_field:
            return self.db_field if self.match_whole else f"{self.db_field}{LOOKUP_SEP}in"
        return super().get_filter_path()


LOOKUP_SET = known_lookup_names
"""Callable returning Django's registered lookup names (evaluated on call, after apps load)."""


def __getattr__(name: str) -> Any:
    # These helpers build on this module, so they live elsewhere and are
    # imported on first access to keep the import graph one-way.
    if name in ("extract_model_fields", "DJANGO_FIELD_MAP", "RelatedField"):
        from restflow.filters import modelgen

        return getattr(modelgen, name)
    if name in ("build_filter_field", "DataTypeSerializerMap"):
        from restflow.filters import annotations

        return getattr(annotations, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
