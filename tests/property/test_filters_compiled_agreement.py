"""Hypothesis: the compiled plan and the general path agree on every query string.

The general path runs when an instance's fields were read before filtering,
which is the hook for per-request field changes. So the same class and data
go through both paths. Every observable result is compared: the SQL and
ordering, the validated values, or the full error envelope with codes.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from catalog.models import Product
from django.core.exceptions import EmptyResultSet
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from restflow.filters import (
    BooleanField,
    DecimalField,
    FilterSet,
    ListField,
    MultipleChoiceField,
    OrderField,
    StringField,
)
from restflow.filters.compiled import get_plan
from tests.filterapp.models import Part
from tests.property.test_filter_query_parsing import (
    KEYS,
    PART_KEYS,
    PLAUSIBLE,
    EveryColumn,
    Everything,
    _plausible,
    part_values,
    values,
)


class Catalog(FilterSet):
    """Shaped like the benchmark's FilterSet, plus defaults, lists and choices."""

    name = StringField(lookups=["icontains", "in"])
    price = DecimalField(lookups=["gte", "lte", "range", "isnull"])
    in_stock: bool
    flag = BooleanField(default=True, db_field="in_stock")
    ids = ListField(child=DecimalField(), db_field="id", max_length=3)
    kind = MultipleChoiceField(choices=["a", "b"], db_field="name")

    class Meta:
        model = Product
        fields = ["category", "brand__name", "created_at"]
        extra_kwargs = {"created_at": {"lookups": ["year", "date", "gte"]}}
        order_fields = [("price", "price"), ("name", "name")]
        default_order_fields = ["-price"]
        order_param = "ordering"


class StrictCatalog(Catalog):
    class Meta:
        unknown_parameters = "error"
        known_parameters = ["page"]


CATALOG_KEYS = [*sorted(Catalog().fields), "page", "colour", "or.price"]
CATALOG_PLAUSIBLE = {
    name: (
        st.sampled_from(["a", "b", "a,b", "b,a", "a,a"])
        if isinstance(field, MultipleChoiceField) and not isinstance(field, OrderField)
        else st.lists(st.integers(1, 99).map(str), min_size=1, max_size=4).map(",".join)
        if name == "ids"
        else _plausible(field)
    )
    for name, field in Catalog().fields.items()
}


def outcome(filterset_class, data, general, *, run_async=False, known=(), planned=None):
    filterset = filterset_class(data=data, known_parameters=known)
    if general:
        filterset.fields  # noqa: B018 - read fields first: the instance takes the general path
    try:
        if run_async:
            queryset = asyncio.run(filterset.afilter_queryset(Product.objects.all()))
        else:
            queryset = filterset.filter_queryset(Product.objects.all())
    except ValidationError as exc:
        return ("error", exc.get_full_details(), repr(filterset.errors))
    if planned is not None:
        # The general path builds the instance's fields; the plan never does.
        planned.append("fields" not in filterset.__dict__)
    try:
        sql = str(queryset.query)
    except EmptyResultSet:
        sql = "<empty>"
    return ("ok", sql, queryset.query.order_by, repr(filterset.validated_data))


def agree(filterset_class, data, *, expect_plan=False, **kwargs):
    planned: list[bool] = []
    compiled = outcome(filterset_class, data, general=False, planned=planned, **kwargs)
    general = outcome(filterset_class, data, general=True, **kwargs)
    assert compiled == general
    if expect_plan and compiled[0] == "ok":
        # With no OR groups, every valid query must have taken the plan.
        assert planned == [True]
    return compiled


def catalog_values():
    return st.one_of(
        values,
        st.sampled_from(["12.5", "3", "a", "b", "a,b", "-price", "name,-price", "2024", "TRUE"]),
        st.decimals(min_value=0, max_value=999, places=2).map(str),
    )


catalog_pairs = st.lists(
    st.tuples(st.one_of(st.sampled_from(CATALOG_KEYS), st.text(max_size=8)), catalog_values()),
    max_size=8,
)


def test_fixture_classes_have_plans():
    assert get_plan(Catalog) is not None
    assert get_plan(StrictCatalog) is not None
    assert get_plan(Everything) is not None
    assert get_plan(EveryColumn) is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog_pairs)
def test_catalog_query_strings_agree(items):
    data = QueryDict(urlencode(items))
    agree(Catalog, data, expect_plan=True)
    agree(StrictCatalog, data, known=("format",), expect_plan=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(sorted(CATALOG_PLAUSIBLE)), st.just(None), min_size=1, max_size=6
    ).flatmap(lambda keys: st.fixed_dictionaries({key: CATALOG_PLAUSIBLE[key] for key in keys}))
)
def test_plausible_catalog_queries_agree(data):
    query = QueryDict(urlencode(sorted(data.items())))
    agree(Catalog, query, expect_plan=True)
    agree(StrictCatalog, query, expect_plan=True)
    agree(Catalog, query, run_async=True, expect_plan=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog_pairs)
def test_catalog_query_strings_agree_async(items):
    agree(Catalog, QueryDict(urlencode(items)), run_async=True)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), values)))
def test_everything_query_strings_agree(items):
    agree(Everything, QueryDict(urlencode(items)))


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(CATALOG_KEYS),
        st.one_of(catalog_values(), st.lists(catalog_values(), max_size=3), st.integers()),
    )
)
def test_plain_dicts_agree(data):
    agree(Catalog, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(PART_KEYS), st.just(None), min_size=1, max_size=4).flatmap(
        lambda keys: st.fixed_dictionaries({key: PLAUSIBLE[key] for key in keys})
    )
)
def test_plausible_values_of_every_column_agree(data):
    compiled = outcome_part(data, general=False)
    assert compiled == outcome_part(data, general=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PART_KEYS), part_values), max_size=6))
def test_every_column_query_strings_agree(items):
    data = QueryDict(urlencode(items))
    assert outcome_part(data, general=False) == outcome_part(data, general=True)


def outcome_part(data, general):
    filterset = EveryColumn(data=data)
    if general:
        filterset.fields  # noqa: B018
    try:
        queryset = filterset.filter_queryset(Part.objects.all())
    except ValidationError as exc:
        return ("error", exc.get_full_details())
    try:
        sql = str(queryset.query)
    except EmptyResultSet:
        sql = "<empty>"
    return ("ok", sql, repr(filterset.validated_data))
