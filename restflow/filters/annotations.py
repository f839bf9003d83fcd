"""Turn FilterSet type annotations (``price: Decimal | None``) into filter fields."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from restflow.filters import fields as ff
from restflow.helpers import Email, IPAddress, resolve_field_from_type

__all__ = ["DataTypeSerializerMap", "build_filter_field"]

DataTypeSerializerMap: dict[Any, type[ff.Field]] = {
    int: ff.IntegerField,
    float: ff.FloatField,
    str: ff.StringField,
    bool: ff.BooleanField,
    datetime.datetime: ff.DateTimeField,
    datetime.date: ff.DateField,
    datetime.time: ff.TimeField,
    datetime.timedelta: ff.DurationField,
    decimal.Decimal: ff.DecimalField,
    uuid.UUID: ff.UUIDField,
    Email: ff.EmailField,
    IPAddress: ff.IPAddressField,
}
"""Annotation -> filter field class; add entries to support more types."""


def _list_hook(kwargs: dict[str, Any], field_name: str | None, _child_type: Any) -> None:
    # A list annotation matches rows whose value is any of the items.
    if field_name and "filter_by" not in kwargs and "method" not in kwargs:
        db_field = kwargs.get("db_field") or field_name
        kwargs["db_field"] = db_field
        kwargs["filter_by"] = f"{db_field}__in"


def build_filter_field(data_type: Any, field_name: str | None = None, **kwargs: Any) -> ff.Field:
    """Return the filter field for the annotation ``data_type``.

    ``list[T]`` becomes a ``ListField`` of ``T`` matching any item
    (``<name>__in``); ``Literal[...]`` a ``ChoiceField``; ``T | None``,
    ``NotRequired[T]`` and ``Annotated[T, ...]`` unwrap to ``T``. Raise an
    ``AssertionError`` naming the field for other types and for unions of
    several types.
    """
    return resolve_field_from_type(
        data_type,
        type_map=DataTypeSerializerMap,
        field_name=field_name,
        list_field_class=ff.ListField,
        list_field_hook=_list_hook,
        choice_field_class=ff.ChoiceField,
        error_message="filter annotations must be a supported type",
        **kwargs,
    )
