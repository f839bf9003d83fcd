"""Typed filter fields: each pairs a DRF field with the filter behaviour of :class:`Field`.

The DRF side parses and validates the query value; :class:`Field` (in
:mod:`restflow.filters.base`) decides where it goes in the ORM, which lookup
variants it generates and how it is negated.
"""

from __future__ import annotations

import datetime
from typing import Any, NoReturn

from django.db.models.constants import LOOKUP_SEP
from rest_framework import fields as drf_fields

from restflow.filters.base import Field
from restflow.filters.lookups import (
    ALL_FIELDS,
    DEFAULT_FIELD_LOOKUPS,
    LOOKUP_BOUND_LABELS,
    LOOKUP_CATEGORIES,
    LOOKUP_DEFAULT_FIELD,
    bound_label,
    known_lookup_names,
    process_lookups,
)
from restflow.filters.values import read_list

__all__ = [
    "ALL_FIELDS",
    "DEFAULT_FIELD_LOOKUPS",
    "INT64_MAX",
    "INT64_MIN",
    "LOOKUP_BOUND_LABELS",
    "LOOKUP_CATEGORIES",
    "LOOKUP_DEFAULT_FIELD",
    "LOOKUP_SET",  # noqa: F822 - provided by the module __getattr__
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
    """A duration such as ``1 02:00:00`` or ``P1DT2H``, within the 64-bit microsecond range.

    Databases without an interval type (SQLite) store a duration as a 64-bit
    count of microseconds, so a longer one would overflow the driver.
    """

    lookup_categories = ("basic", "comparison", "time")
    default_error_messages = {
        "invalid": "Enter a duration in the format {format}, not {input}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", datetime.timedelta(microseconds=INT64_MIN + 1))
        kwargs.setdefault("max_value", datetime.timedelta(microseconds=INT64_MAX))
        super().__init__(**kwargs)


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


def __getattr__(name: str) -> Any:
    # LOOKUP_SET is computed on each access because django.contrib.postgres
    # registers its lookups when its app is ready, after this module loads.
    if name == "LOOKUP_SET":
        return known_lookup_names()
    # These helpers build on this module, so they live elsewhere and are
    # imported on first access to keep the import graph one-way.
    if name in ("extract_model_fields", "DJANGO_FIELD_MAP", "RelatedField"):
        from restflow.filters import modelgen

        return getattr(modelgen, name)
    if name in ("build_filter_field", "DataTypeSerializerMap"):
        from restflow.filters import annotations

        return getattr(annotations, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
