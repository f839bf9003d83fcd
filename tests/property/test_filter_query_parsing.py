"""Hypothesis: no query string makes a FilterSet raise anything but a validation error."""

from __future__ import annotations

import contextlib
import datetime
import json
from urllib.parse import urlencode

import pytest
from catalog.models import Product
from django.core.exceptions import EmptyResultSet
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from restflow.filters import (
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    FilterSet,
    IntegerField,
    IPAddressField,
    JSONValueField,
    ListField,
    OrderField,
    StringField,
    TimeField,
    UUIDField,
)
from tests.filterapp.models import Part


class Everything(FilterSet):
    name = StringField(lookups=["icontains", "in"])
    price = DecimalField(lookups=["comparison", "range", "isnull"])
    stock = IntegerField(lookups=["gte", "in"])
    in_stock = BooleanField()
    created_at = DateTimeField(lookups=["year", "date", "gte", "week_day", "hour"])
    ref = UUIDField(db_field="slug", required=False)
    id = ListField(child=IntegerField())

    class Meta:
        model = Product
        fields = ["category", "brand__name", "tags"]
        extra_kwargs = {"tags": {"lookups": ["json", "in"]}}
        order_fields = [("price", "price"), ("name", "name")]
        or_groups = True
        unknown_parameters = "error"


KEYS = sorted(Everything().fields) + [
    "or.price__gte",
    "or1.in_stock",
    "or2.id",
    "colour",
    "or.order_by",
]
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
values = st.one_of(
    text,
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59-12:00",
            "0001-01-01",
            "10000-01-01",
            "1e999999",
            "-0",
            "１２",
            "1e999",
            "NaN",
            "-Infinity",
            '{"a": [1, 2.5, null]}',
            "[" * 400 + "]" * 400,
        ]
    ),
    st.sampled_from(
        [
            "",
            ",",
            " , ",
            "true",
            "MAYBE",
            "1,2,3",
            "-price,name",
            "price,-price",
            "\x00",
            "x" * 2000,
        ]
    ),
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), text), values), max_size=12)


def check(data):
    filterset = Everything(data=data)
    try:
        queryset = filterset.filter_queryset(Product.objects.all())
    except ValidationError as exc:
        assert isinstance(exc.detail, dict)
        for key, messages in exc.detail.items():
            assert isinstance(key, str)
            assert messages
        return
    # A valid query must also compile to SQL. EmptyResultSet is Django's way
    # of saying no row can match (stock=-1 on a positive column), not an error.
    with contextlib.suppress(EmptyResultSet):
        str(queryset.query)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs)
def test_query_strings_only_raise_validation_errors(items):
    check(QueryDict(urlencode(items)))


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(KEYS),
        st.one_of(values, st.lists(values, max_size=4), st.integers(), st.none()),
    )
)
def test_plain_dicts_only_raise_validation_errors(data):
    check(data)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs)
def test_valid_queries_run_against_the_database(items):
    filterset = Everything(data=QueryDict(urlencode(items)))
    if filterset.is_valid():
        list(filterset.filter_queryset(Product.objects.all()))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["price", "-price", "name", "-name"]),
        min_size=1,
        max_size=4,
        unique_by=lambda key: key.lstrip("-"),
    )
)
def test_ordering_keeps_the_request_order(keys):
    filterset = Everything(data={"order_by": ",".join(keys)})
    assert filterset.model_dump()["order_by"] == keys
    assert filterset.filter_queryset(Product.objects.all()).query.order_by == (*keys, "pk")


class EveryColumn(FilterSet):
    class Meta:
        model = Part
        fields = "__all__"
        extra_kwargs = {
            "weight": {"lookups": ["comparison", "range"]},
            "lead_time": {"lookups": ["comparison"]},
            "opens_at": {"lookups": ["comparison", "hour"]},
            "released_on": {"lookups": ["comparison", "year", "week_day"]},
            "attributes": {"lookups": ["json"]},
            "server_ip": {"lookups": ["startswith"]},
            "supplier": {"lookups": ["in"]},
        }
        order_fields = ["sku", "weight", "released_on"]


PART_KEYS = sorted(EveryColumn().fields)
part_values = st.one_of(
    values,
    st.uuids().map(str),
    st.sampled_from(
        [
            "999999999 00:00:00",
            "P99999999999D",
            "-1 00:00:00",
            "25:00",
            "23:59:59.999999",
            "::ffff:1.2.3.4",
            "256.0.0.1",
            "draft",
            "99999.9999",
            "1e-30",
            '{"k": "v"}',
            "[" * 60 + "]" * 60,
        ]
    ),
)


@pytest.mark.django_db
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(PART_KEYS), part_values), max_size=8))
def test_every_column_type_gives_rows_or_validation_errors(items):
    filterset = EveryColumn(data=QueryDict(urlencode(items)))
    try:
        queryset = filterset.filter_queryset(Part.objects.all())
    except ValidationError as exc:
        assert isinstance(exc.detail, dict)
        return
    assert list(queryset) == []


def _plausible(field):
    """Return a strategy of query values that this field is likely to accept."""
    if isinstance(field, OrderField):
        return st.lists(st.sampled_from(list(field.choices)), min_size=1, max_size=3).map(",".join)
    if isinstance(field, ListField):
        return st.lists(_plausible(field.child), min_size=1, max_size=3).map(",".join)
    if isinstance(field, ChoiceField):
        return st.sampled_from([str(key) for key in field.choices])
    if isinstance(field, BooleanField):
        return st.sampled_from(["true", "FALSE", "1", "off"])
    if isinstance(field, IntegerField):
        low = field.min_value if field.min_value is not None else -(2**63)
        high = field.max_value if field.max_value is not None else 2**63 - 1
        return st.integers(low, high).map(str)
    if isinstance(field, DecimalField):
        return st.decimals(min_value=-99999, max_value=99999, places=3, allow_nan=False).map(str)
    if isinstance(field, UUIDField):
        return st.uuids().map(str)
    if isinstance(field, DateTimeField):
        return st.datetimes(min_value=datetime.datetime(2, 1, 1)).map(
            lambda value: value.isoformat()
        )
    if isinstance(field, DateField):
        return st.dates(min_value=datetime.date(2, 1, 1)).map(str)
    if isinstance(field, TimeField):
        return st.times().map(str)
    if isinstance(field, DurationField):
        limit = datetime.timedelta(days=100_000_000)
        return st.timedeltas(min_value=-limit, max_value=limit).map(str)
    if isinstance(field, IPAddressField):
        return st.ip_addresses().map(str)
    if isinstance(field, JSONValueField):
        scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=10)
        documents = st.recursive(
            scalars,
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=8,
        )
        return documents.map(json.dumps)
    return text


PLAUSIBLE = {name: _plausible(field) for name, field in EveryColumn().fields.items()}


@pytest.mark.django_db
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(st.sampled_from(PART_KEYS), st.just(None), min_size=1, max_size=4).flatmap(
        lambda keys: st.fixed_dictionaries({key: PLAUSIBLE[key] for key in keys})
    )
)
def test_plausible_values_run_against_the_database(data):
    filterset = EveryColumn(data=data)
    try:
        queryset = filterset.filter_queryset(Part.objects.all())
    except ValidationError as exc:
        assert isinstance(exc.detail, dict)
        return
    assert list(queryset) == []
