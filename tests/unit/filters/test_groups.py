from __future__ import annotations

import pytest
from catalog.models import Product

from restflow.filters import DecimalField, FilterSet, StringField
from restflow.filters.groups import group_pattern
from tests.filterapp.catalog_data import make_catalog, names

pytestmark = pytest.mark.django_db


class Grouped(FilterSet):
    price = DecimalField(lookups=["lt", "gte"])
    in_stock: bool
    q = StringField(method="search")

    class Meta:
        model = Product
        fields = ["category__slug", "brand__slug"]
        order_fields = ["name"]
        or_groups = True
        max_or_groups = 2

    def search(self, queryset, value):
        return queryset.filter(name__icontains=value)


def run(data, filterset_class=Grouped):
    return filterset_class(data=data).filter_queryset(Product.objects.order_by("name"))


def test_pattern_matches_prefix_and_numbers():
    pattern = group_pattern("or")
    assert pattern.match("or.price__lt").groups() == ("", "price__lt")
    assert pattern.match("or12.in_stock").groups() == ("12", "in_stock")
    assert pattern.match("order.x") is None
    assert pattern.match("or1234.x") is None


def test_group_ors_inside_ands_outside():
    make_catalog()
    result = run({"or.price__lt": "12", "or.in_stock": "false", "category__slug": "books"})
    assert names(result) == ["Django Unleashed"]
    result = run({"or.price__lt": "12", "or.brand__slug": "globex"})
    assert names(result) == ["Django Unleashed", "Go Board", "Puzzle Box"]


def test_numbered_groups_are_and_ed():
    make_catalog()
    result = run(
        {
            "or1.category__slug": "books",
            "or1.price__lt": "10",
            "or2.brand__slug": "globex",
            "or2.in_stock!": "true",
        }
    )
    assert names(result) == ["Django Unleashed", "Puzzle Box"]


def test_group_values_are_validated_like_plain_ones():
    filterset = Grouped(data={"or.price__lt": "abc", "or.in_stock": "maybe"})
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"or.price__lt", "or.in_stock"}


def test_unknown_ordering_and_method_members_are_rejected():
    filterset = Grouped(data={"or.colour": "red", "or.order_by": "name", "or.q": "x"})
    assert not filterset.is_valid()
    assert "not a filter" in str(filterset.errors["or.colour"][0])
    assert "cannot be used" in str(filterset.errors["or.order_by"][0])
    assert "cannot be used" in str(filterset.errors["or.q"][0])


def test_too_many_groups_rejected():
    filterset = Grouped(data={"or1.in_stock": "1", "or2.in_stock": "1", "or3.in_stock": "1"})
    assert not filterset.is_valid()
    assert "Too many OR groups" in str(next(iter(filterset.errors.values()))[0])


def test_groups_off_by_default_are_unknown_parameters():
    make_catalog()

    class Plain(FilterSet):
        in_stock: bool

    assert Plain(data={"or.in_stock": "false"}).filter_queryset(Product.objects.all()).count() == 6

    class Strict(FilterSet):
        in_stock: bool

        class Meta:
            unknown_parameters = "error"

    filterset = Strict(data={"or.in_stock": "false"})
    assert not filterset.is_valid()
    assert "or.in_stock" in filterset.errors


def test_group_keys_are_not_unknown_when_enabled():
    class StrictGrouped(Grouped):
        class Meta:
            unknown_parameters = "error"

    assert StrictGrouped(data={"or.in_stock": "1", "or.price__lt": "5"}).is_valid()


def test_custom_prefix():
    make_catalog()

    class AnyOf(FilterSet):
        in_stock: bool
        price = DecimalField(lookups=["lt"])

        class Meta:
            or_groups = True
            or_group_prefix = "any"

    result = AnyOf(data={"any.in_stock": "false", "any.price__lt": "13"}).filter_queryset(
        Product.objects.order_by("name")
    )
    assert names(result) == ["Django Unleashed", "Go Board", "Puzzle Box"]
