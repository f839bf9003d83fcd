"""Declarative query-parameter filters for Django REST Framework views.

Declare a :class:`FilterSet`, then plug it into a view with
:class:`RestflowFilterBackend` (``filter_backends`` or DRF's
``DEFAULT_FILTER_BACKENDS``).
"""

from __future__ import annotations

from restflow.filters.backends import RestflowFilterBackend
from restflow.filters.fields import (
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    EmailField,
    Field,
    FloatField,
    IntegerField,
    IPAddressField,
    ListField,
    MultipleChoiceField,
    StringField,
    TimeField,
    UUIDField,
)
from restflow.filters.filterset import FilterSet
from restflow.filters.inline import InlineFilterSet
from restflow.filters.modelgen import RelatedField
from restflow.filters.ordering import OrderField
from restflow.filters.postgres import JSONValueField, RangeField, SearchField, TrigramField
from restflow.helpers import Email, IPAddress

__all__ = [
    "BooleanField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "Email",
    "EmailField",
    "Field",
    "FilterSet",
    "FloatField",
    "IPAddress",
    "IPAddressField",
    "InlineFilterSet",
    "IntegerField",
    "JSONValueField",
    "ListField",
    "MultipleChoiceField",
    "OrderField",
    "RangeField",
    "RelatedField",
    "RestflowFilterBackend",
    "SearchField",
    "StringField",
    "TimeField",
    "TrigramField",
    "UUIDField",
]
