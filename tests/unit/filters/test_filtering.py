"""Filtering real rows of the example catalog (runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from catalog.models import Product
from django.db.models import Q
from rest_framework.exceptions import ValidationError

from restflow.filters import (
    BooleanField,
    DecimalField,
    FilterSet,
    IntegerField,
    ListField,
    StringField,
)
from tests.filterapp.catalog_data import make_catalog, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    return make_catalog()


class ProductFilterSet(FilterSet):
    name = StringField(lookups=["icontains"])
    price = DecimalField(lookups=["comparison"])
    in_stock: bool

    class Meta:
        model = Product
        fields = ["category", "brand", "category__name", "created_at"]
        extra_kwargs = {"created_at": {"lookups": {"year": "year", "on": "date", "gte": "gte"}}}
        order_fields = [("price", "price"), ("name", "name")]


def run(filterset_class, data, queryset=None):
    return filterset_class(data=data).filter_queryset(queryset or Product.objects.all())


def test_price_range_and_ordering(catalog):
    result = run(
        ProductFilterSet, {"price__gte": "10", "price__lt": "20", "order_by": "-price,name"}
    )
    assert names(result) == ["SQL Basics", "Chess Set", "Django Unleashed", "Go Board"]


def test_related_path_filters_related_column(catalog):
    result = run(ProductFilterSet, {"category__name": "Books", "order_by": "name"})
    assert names(result) == ["Django Unleashed", "Python Cookbook", "SQL Basics"]
    assert "catalog_category" in str(result.query)


def test_foreign_key_and_negation(catalog):
    result = run(ProductFilterSet, {"category!": str(catalog.books.pk), "order_by": "name"})
    assert names(result) == ["Chess Set", "Go Board", "Puzzle Box"]
    result = run(ProductFilterSet, {"brand": str(catalog.globex.pk), "order_by": "name"})
    assert names(result) == ["Django Unleashed", "Go Board"]


def test_foreign_key_of_wrong_type_is_400(catalog):
    filterset = ProductFilterSet(data={"category": "books"})
    with pytest.raises(ValidationError) as excinfo:
        filterset.filter_queryset(Product.objects.all())
    assert "whole number" in str(excinfo.value.detail["category"][0])


def test_negated_lookup(catalog):
    result = run(ProductFilterSet, {"name__icontains!": "o", "order_by": "name"})
    assert names(result) == ["Chess Set", "SQL Basics"]


def test_boolean_and_absent_boolean(catalog):
    assert len(run(ProductFilterSet, {"in_stock": "No"})) == 2
    assert len(run(ProductFilterSet, {})) == 6


def test_date_components(catalog):
    result = run(ProductFilterSet, {"created_at__year": "2024", "order_by": "name"})
    assert names(result) == ["Django Unleashed", "Go Board", "Python Cookbook", "SQL Basics"]
    result = run(ProductFilterSet, {"created_at__on": "2024-03-05", "order_by": "name"})
    assert names(result) == ["Django Unleashed", "SQL Basics"]


def test_decimal_precision_from_model(catalog):
    fields = ProductFilterSet().fields
    assert fields["price"].decimal_places == 2
    assert run(ProductFilterSet, {"price": "15.00"}).count() == 2


def test_bad_values_collect_every_error(catalog):
    filterset = ProductFilterSet(
        data={
            "price__gte": "abc",
            "created_at__gte": "yesterday",
            "order_by": "secret_field",
            "in_stock": "maybe",
        }
    )
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"price__gte", "created_at__gte", "order_by", "in_stock"}
    assert "price, -price, name, -name" in str(filterset.errors["order_by"][0])


def test_list_annotation_matches_any(catalog):
    class F(FilterSet):
        id: list[int]

    wanted = [catalog.products["Chess Set"].pk, catalog.products["Go Board"].pk]
    result = run(F, {"id": ",".join(map(str, wanted))}).order_by("name")
    assert names(result) == ["Chess Set", "Go Board"]
    filterset = F(data={"id": ""})
    assert not filterset.is_valid()
    assert "at least one value" in str(filterset.errors["id"][0])


@pytest.mark.parametrize(
    "data",
    [{"in_stock": ""}, {"price": " "}, {"name__icontains": ""}, {"price__gte": "\t"}],
)
def test_blank_scalar_filters_nothing(catalog, data):
    filterset = ProductFilterSet(data=data)
    assert filterset.is_valid(), filterset.errors
    result = filterset.filter_queryset(Product.objects.all())
    assert result.count() == Product.objects.count()


def test_filter_by_expression_and_callable(catalog):
    class F(FilterSet):
        cheap = DecimalField(filter_by="price__lt")
        restock = IntegerField(filter_by=lambda value: Q(stock__lte=value) & Q(in_stock=True))

    assert names(run(F, {"cheap": "10"})) == ["Puzzle Box"]
    assert names(run(F, {"restock": "2"}).order_by("name")) == ["Chess Set", "SQL Basics"]


def test_method_returning_q_and_queryset(catalog):
    def rating_at_least(filterset, queryset, value):
        return Q(rating__gte=value)

    class F(FilterSet):
        min_rating = DecimalField(method=rating_at_least)
        q = StringField(method="search")
        top = BooleanField(method="only_top")

        def search(self, queryset, value):
            return Q(name__icontains=value) | Q(description__icontains=value)

        def only_top(self, queryset, value):
            return queryset.filter(rating__gte=4.5) if value else queryset

    assert names(run(F, {"min_rating": "4.5"}).order_by("name")) == ["Go Board", "Python Cookbook"]
    assert names(run(F, {"q": "chess"})) == ["Chess Set"]
    assert names(run(F, {"top": "true", "q": "python"})) == ["Python Cookbook"]
    assert "min_rating!" not in F().fields


def test_method_returning_other_values_is_ignored(catalog):
    class F(FilterSet):
        noop = StringField(method=lambda filterset, queryset, value: None)

    assert run(F, {"noop": "x"}).count() == 6


def test_async_method_refused_on_sync_path(catalog):
    async def method(filterset, queryset, value):
        return Q(name=value)

    class F(FilterSet):
        name = StringField(method=method)

    with pytest.raises(TypeError) as excinfo:
        run(F, {"name": "x"})
    assert "afilter_queryset" in str(excinfo.value)


def test_preprocessors_and_postprocessors_run_in_order(catalog):
    calls = []

    def only_books(filterset, queryset):
        calls.append("pre")
        return queryset.filter(category__slug="books")

    def cheapest_first(filterset, queryset):
        calls.append("post")
        return queryset.order_by("price", "pk")

    class F(FilterSet):
        in_stock: bool

        class Meta:
            preprocessors = [only_books]
            postprocessors = [cheapest_first]

    assert names(run(F, {"in_stock": "true"})) == ["SQL Basics", "Python Cookbook"]
    assert calls == ["pre", "post"]


@pytest.mark.parametrize(
    "operator,expected",
    [
        ("AND", ["Chess Set", "Go Board", "Puzzle Box"]),
        ("or", ["Chess Set", "Go Board", "Puzzle Box", "SQL Basics"]),
        ("XOR", ["SQL Basics"]),
    ],
)
def test_operator(catalog, operator, expected):
    meta = type("Meta", (), {"model": Product, "operator": operator})
    F = type(
        "F",
        (FilterSet,),
        {
            "__annotations__": {"category__slug": str},
            "price": DecimalField(lookups=["lte"]),
            "Meta": meta,
        },
    )
    result = run(F, {"category__slug": "games", "price__lte": "20"}).exclude(
        name="Django Unleashed"
    )
    assert sorted(names(result)) == expected


def test_distinct_across_to_many(catalog):
    class F(FilterSet):
        class Meta:
            model = Product
            fields = ["reviews__rating"]
            extra_kwargs = {"reviews__rating": {"lookups": ["gte"]}}

    result = run(F, {"reviews__rating__gte": "2"})
    assert sorted(names(result)) == ["Chess Set", "Go Board", "Python Cookbook"]
    assert result.query.distinct


def test_no_distinct_for_to_one(catalog):
    result = run(ProductFilterSet, {"category__name": "Books"})
    assert not result.query.distinct


def test_required_and_default(catalog):
    class F(FilterSet):
        in_stock = BooleanField(default=True)
        category__slug = StringField(required=True)

    filterset = F(data={})
    assert not filterset.is_valid()
    assert "category__slug" in filterset.errors
    assert names(run(F, {"category__slug": "games"}).order_by("name")) == ["Chess Set", "Go Board"]
    assert names(run(F, {"category__slug": "games", "in_stock": "false"})) == ["Puzzle Box"]


def test_unknown_parameters_ignored_by_default(catalog):
    assert run(ProductFilterSet, {"colour": "red"}).count() == 6


def test_unknown_parameters_error_option(catalog):
    class F(FilterSet):
        in_stock: bool

        class Meta:
            unknown_parameters = "error"
            known_parameters = ["page"]

    filterset = F(data={"colour": "red", "page": "2", "in_stock": "1"})
    assert not filterset.is_valid()
    assert list(filterset.errors) == ["colour"]
    assert "in_stock" in str(filterset.errors["colour"][0])
    assert F(data={"page": "2"}, known_parameters=["size"]).is_valid()
    assert F(data={"size": "2"}, known_parameters=["size"]).is_valid()


def test_ignore_argument_skips_parameters(catalog):
    result = ProductFilterSet(data={"in_stock": "true", "price__gte": "30"}).filter_queryset(
        Product.objects.all(), ignore=["price__gte"]
    )
    assert result.count() == 4


def test_request_query_params_are_read(catalog, rf):
    from rest_framework.request import Request

    request = Request(rf.get("/", {"price__lte": "10"}))
    filterset = ProductFilterSet(request=request)
    assert names(filterset.filter_queryset(Product.objects.all())) == ["Puzzle Box"]
    assert filterset.context["request"] is request
    django_request = rf.get("/", {"price__lte": "10"})
    assert ProductFilterSet(request=django_request).model_dump() == {"price__lte": Decimal("10.00")}


def test_model_dump_raises_on_invalid():
    with pytest.raises(ValidationError):
        ProductFilterSet(data={"price": "x"}).model_dump()


def test_big_and_hostile_values_are_400(catalog):
    huge = "x" * 100_000
    for data in ({"name": huge}, {"name": "a\x00b"}, {"price": huge}, {"order_by": huge}):
        filterset = ProductFilterSet(data=data)
        assert not filterset.is_valid(), data
        assert list(filterset.errors) == list(data)


def test_list_field_max_items_from_meta(catalog):
    class F(FilterSet):
        stock = ListField(child=IntegerField(), filter_by="stock__in")

        class Meta:
            max_list_items = 3

    assert F(data={"stock": "1,2,3"}).is_valid()
    filterset = F(data={"stock": "1,2,3,4"})
    assert not filterset.is_valid()
    assert "maximum is 3" in str(filterset.errors["stock"][0])
