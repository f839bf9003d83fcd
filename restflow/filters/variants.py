"""Build the field of a lookup variant (``price__in``, ``created_at__year``) from its parent."""

from __future__ import annotations

import re
from typing import Any

from django.db.models.constants import LOOKUP_SEP
from rest_framework.exceptions import ValidationError

from restflow.filters.base import Field
from restflow.filters.fields import (
    BooleanField,
    DateField,
    IntegerField,
    ListField,
    StringField,
    TimeField,
)
from restflow.filters.lookups import DATE_COMPONENT_LOOKUPS, LookupSpec, bound_label

__all__ = ["build_variant"]


def build_variant(field: Field, spec: LookupSpec) -> Field:
    """Return the field for the lookup variant ``spec`` of ``field``.

    See ``Field.build_variant`` for the rules.
    """
    path = f"{field.db_field}{LOOKUP_SEP}{spec.lookup}"
    parts = spec.lookup.split(LOOKUP_SEP)
    first, last = parts[0], parts[-1]
    common: dict[str, Any] = {"filter_by": path, "allow_negate": field.allow_negate}
    if spec.help_text:
        common["help_text"] = spec.help_text
    elif field.help_text:
        common["help_text"] = f"{field.help_text} ({bound_label(last)})"

    variant: Field
    if first in DATE_COMPONENT_LOOKUPS:
        low, high = DATE_COMPONENT_LOOKUPS[first]
        value_field: Field = IntegerField(min_value=low, max_value=high)
    elif first == "date":
        value_field = DateField()
    elif first == "time":
        value_field = TimeField()
    else:
        value_field = field.plain_copy()

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
            # A blank value (``?price__range=,``) is a list of none, which
            # the base ListField would reject with "at least one value".
            error_messages={"min_length": message, "max_length": message, "empty": message},
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


def _as_child(field: Field) -> Field:
    # A list's child only parses values; it never filters on its own.
    return field.plain_copy() if isinstance(field, Field) else field


def _validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(f"Enter a valid regular expression: {exc}.", code="invalid")
