from __future__ import annotations

from decimal import Decimal

import pytest
from catalog.models import Product

from restflow.filters import DecimalField, FilterSet, InlineFilterSet, StringField


def test_needs_model_or_fields():
    with pytest.raises(ValueError):
        InlineFilterSet()


def test_names():
    assert InlineFilterSet(model=Product).__name__ == "ProductFilterSet"
    assert InlineFilterSet(fields={"a": int}).__name__ == "_FilterSet"
    assert InlineFilterSet(name="Mine", fields={"a": int}).__name__ == "Mine"


def test_new_class_every_call():
    assert InlineFilterSet(fields={"a": int}) is not InlineFilterSet(fields={"a": int})


def test_dict_fields_mix_types_and_instances():
    F = InlineFilterSet(
        fields={"price": Decimal, "name": StringField(lookups=["icontains"])},
        extra_kwargs={"price": {"lookups": ["gte"]}},
        allow_negate=False,
    )
    assert issubclass(F, FilterSet)
    assert list(F().fields) == ["price", "price__gte", "name", "name__icontains"]
    assert isinstance(F().fields["price"], DecimalField)


def test_model_list_fields_and_default_order_param():
    F = InlineFilterSet(model=Product, fields=["price"], order_fields=[("price", "price")])
    assert list(F().fields) == ["price", "price!", "order_by"]


def test_model_without_fields_generates_all():
    fields = InlineFilterSet(model=Product)().fields
    assert "category" in fields
    assert "slug!" in fields


def test_all_string_generates_all():
    fields = InlineFilterSet(model=Product, fields="__all__")().fields
    assert "category" in fields
    assert "price" in fields


def test_model_with_dict_fields_generates_no_model_fields():
    fields = InlineFilterSet(model=Product, fields={"name": str})().fields
    assert list(fields) == ["name", "name!"]


def test_processors_and_operator_pass_through():
    def pre(filterset, queryset):
        return queryset

    F = InlineFilterSet(
        fields={"a": int}, preprocessors=[pre], operator="or", unknown_parameters="error"
    )
    options = F.get_options()
    assert options.preprocessors == (pre,)
    assert options.operator == "OR"
    assert options.unknown_parameters == "error"
