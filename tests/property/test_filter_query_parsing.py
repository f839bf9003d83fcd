"""Hypothesis: no query string makes a FilterSet raise anything but a validation error."""

from __future__ import annotations

import contextlib
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
    DateTimeField,
    DecimalField,
    FilterSet,
    IntegerField,
    ListField,
    StringField,
    UUIDField,
)


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
