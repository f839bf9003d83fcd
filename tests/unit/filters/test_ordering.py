from __future__ import annotations

import pytest
from catalog.models import Product

from restflow.filters import FilterSet, OrderField
from restflow.filters.ordering import add_pk_tiebreak, flip_direction
from tests.filterapp.catalog_data import make_catalog, names


class Sorted(FilterSet):
    class Meta:
        order_fields = [("price", "price"), ("name", "name"), ("newest", "-created_at")]
        order_field_labels = [("price", "Price")]


def ordered(data, filterset_class=Sorted):
    return filterset_class(data=data).filter_queryset(Product.objects.all())


def test_flip_direction():
    assert flip_direction("price") == "-price"
    assert flip_direction("-price") == "price"


def test_choices_cover_every_key_even_unlabelled():
    field = Sorted().fields["order_by"]
    assert list(field.choices) == ["price", "-price", "name", "-name", "newest", "-newest"]
    assert field.choices["price"] == "Price (Ascending)"
    assert field.choices["-name"] == "name (Descending)"
    assert Sorted(data={"order_by": "name"}).is_valid()


def test_labels_for_unknown_keys_rejected():
    with pytest.raises(ValueError):
        OrderField(fields=[("price", "price")], labels=[("nope", "Nope")])


def test_values_keep_request_order():
    assert Sorted(data={"order_by": "name,-price"}).model_dump()["order_by"] == ["name", "-price"]
    assert Sorted(data={"order_by": "-price,name"}).model_dump()["order_by"] == ["-price", "name"]


def test_same_key_twice_is_rejected():
    filterset = Sorted(data={"order_by": "price,-price"})
    assert not filterset.is_valid()
    assert "more than once" in str(filterset.errors["order_by"][0])


@pytest.mark.django_db
def test_sort_keys_apply_in_order_with_pk_tiebreak():
    make_catalog()
    result = ordered({"order_by": "-price,name"})
    assert result.query.order_by == ("-price", "name", "pk")
    assert names(result)[:3] == ["Python Cookbook", "SQL Basics", "Chess Set"]
    by_name_first = ordered({"order_by": "name,-price"})
    assert names(by_name_first)[0] == "Chess Set"


@pytest.mark.django_db
def test_equal_values_page_without_repeats():
    make_catalog()
    result = list(ordered({"order_by": "price"}))
    pages = [result[index : index + 2] for index in range(0, len(result), 2)]
    seen = [product.pk for page in pages for product in page]
    assert len(seen) == len(set(seen)) == 6
    equal = [product for product in result if str(product.price) == "15.00"]
    assert equal[0].pk < equal[1].pk


@pytest.mark.django_db
def test_model_path_with_leading_minus_is_flipped():
    make_catalog()
    assert names(ordered({"order_by": "newest"}))[0] == "Go Board"
    assert names(ordered({"order_by": "-newest"}))[0] == "Puzzle Box"


def test_desc_override_swaps_meaning():
    class F(FilterSet):
        class Meta:
            order_fields = [("price", "price")]
            override_order_direction = "desc"

    field = F().fields["order_by"]
    assert field.get_order_paths(["price"]) == ["-price"]
    assert field.get_order_paths(["-price"]) == ["price"]
    assert field.choices["price"] == "price (Descending)"


def test_tiebreak_skipped_when_pk_or_unique_present():
    queryset = Product.objects.all()
    assert add_pk_tiebreak(queryset, ["-id"]) == ["-id"]
    assert add_pk_tiebreak(queryset, ["slug"]) == ["slug"]
    assert add_pk_tiebreak(queryset, ["price"]) == ["price", "pk"]


def test_tiebreak_can_be_turned_off():
    class F(FilterSet):
        class Meta:
            order_fields = [("price", "price")]
            order_tiebreak = False

    result = F(data={"order_by": "price"}).filter_queryset(Product.objects.all())
    assert result.query.order_by == ("price",)


def test_default_order_applies_when_absent():
    class F(FilterSet):
        class Meta:
            order_fields = [("price", "price")]
            default_order_fields = ["-price"]

    result = F(data={}).filter_queryset(Product.objects.all())
    assert result.query.order_by == ("-price", "pk")


def test_no_ordering_leaves_queryset_order():
    result = Sorted(data={}).filter_queryset(Product.objects.order_by("slug"))
    assert result.query.order_by == ("slug",)


def test_ordering_method():
    def by_length(filterset, queryset, keys):
        return queryset.order_by(*[key.replace("name", "slug") for key in keys])

    class F(FilterSet):
        order_by = OrderField(fields=["name"], method=by_length)

    result = F(data={"order_by": "-name"}).filter_queryset(Product.objects.all())
    assert result.query.order_by == ("-slug",)


def test_custom_order_param_and_no_negation():
    class F(FilterSet):
        class Meta:
            order_fields = ["price"]
            order_param = "sort"

    assert list(F().fields) == ["sort"]


def test_empty_order_param_is_rejected():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):

        class F(FilterSet):
            class Meta:
                order_fields = ["price"]
                order_param = ""
