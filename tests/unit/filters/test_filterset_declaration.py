from __future__ import annotations

import sys
import types
from decimal import Decimal
from typing import Annotated, Literal

import pytest
from catalog.models import Product
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from typing_extensions import NotRequired

from restflow.filters import (
    BooleanField,
    ChoiceField,
    DecimalField,
    Field,
    FilterSet,
    IntegerField,
    ListField,
    OrderField,
    StringField,
)
from restflow.filters.options import FilterOptions


def test_annotations_build_typed_fields():
    class F(FilterSet):
        name: str
        stock: int
        in_stock: bool
        price: Decimal | None
        kind: Literal["a", "b"]
        ids: list[int]
        rating: float | None
        tag: NotRequired[str]
        slug: Annotated[str, "meta"]

    fields = F().fields
    assert isinstance(fields["name"], StringField)
    assert isinstance(fields["stock"], IntegerField)
    assert isinstance(fields["in_stock"], BooleanField)
    assert isinstance(fields["price"], DecimalField)
    assert isinstance(fields["kind"], ChoiceField)
    assert isinstance(fields["ids"], ListField)
    assert fields["ids"].filter_by == "ids__in"
    assert isinstance(fields["ids"].child, IntegerField)


def test_annotation_with_field_kwargs():
    class F(FilterSet):
        price: Decimal = Field(lookups=["gte"], help_text="Price")

    fields = F().fields
    assert isinstance(fields["price"], DecimalField)
    assert "price__gte" in fields
    assert fields["price"].help_text == "Price"


def test_annotation_default_value_becomes_filter_default():
    class F(FilterSet):
        in_stock: bool = True

    assert F(data={}).model_dump() == {"in_stock": True}


def test_unsupported_annotation_raises():
    with pytest.raises(AssertionError):

        class F(FilterSet):
            payload: dict


def test_multi_type_union_raises():
    with pytest.raises(AssertionError):

        class F(FilterSet):
            value: int | str


def test_reserved_name_raises():
    with pytest.raises(ValueError):

        class F(FilterSet):
            data: str


def test_bare_field_without_annotation_raises():
    with pytest.raises(ImproperlyConfigured):

        class F(FilterSet):
            name = Field()


def test_field_priority_explicit_over_annotation_over_meta():
    class F(FilterSet):
        name: int
        name = StringField(lookups=["icontains"])
        stock: str

        class Meta:
            model = Product
            fields = ["stock", "price"]

    fields = F().fields
    assert isinstance(fields["name"], StringField)
    assert isinstance(fields["stock"], StringField)
    assert isinstance(fields["price"], DecimalField)


def test_variants_and_negations_follow_base():
    class F(FilterSet):
        price = DecimalField(lookups=["gte", "lte"])

    assert list(F().fields) == [
        "price",
        "price!",
        "price__gte",
        "price__gte!",
        "price__lte",
        "price__lte!",
    ]


def test_meta_allow_negate_false_reaches_every_field():
    class F(FilterSet):
        name: str
        price = DecimalField(lookups=["gte"])

        class Meta:
            model = Product
            fields = ["stock"]
            allow_negate = False

    assert not any(name.endswith("!") for name in F().fields)


def test_field_allow_negate_false():
    class F(FilterSet):
        name = StringField(allow_negate=False, lookups=["icontains"])

    assert list(F().fields) == ["name", "name__icontains"]


def test_custom_lookup_separator():
    class F(FilterSet):
        price = DecimalField(lookups={"min": "gte"}, lookup_separator="_")

        class Meta:
            allow_negate = False

    fields = F().fields
    assert list(fields) == ["price", "price_min"]
    assert fields["price_min"].filter_by == "price__gte"


def test_date_component_variants_take_integers_in_range():
    class F(FilterSet):
        created_at = __import__("restflow.filters", fromlist=["DateTimeField"]).DateTimeField(
            lookups={"year": "year", "month": "month", "day": "date"}
        )

    filterset = F(data={"created_at__month": "13"})
    assert not filterset.is_valid()
    assert "12" in str(filterset.errors["created_at__month"][0])
    filterset = F(data={"created_at__year": "2024", "created_at__day": "2024-01-10"})
    assert filterset.is_valid(), filterset.errors


def test_isnull_variant_is_boolean():
    class F(FilterSet):
        price = DecimalField(lookups=["isnull"])

    assert isinstance(F().fields["price__isnull"], BooleanField)


def test_range_variant_requires_two_values():
    class F(FilterSet):
        price = DecimalField(lookups=["range"])

    filterset = F(data={"price__range": "1,2,3"})
    assert not filterset.is_valid()
    assert "exactly two values" in str(filterset.errors["price__range"][0])
    assert F(data={"price__range": "1,2"}).is_valid()


@pytest.mark.parametrize("raw", [",", "", " , ", "1"])
def test_range_variant_blank_or_short_asks_for_two(raw):
    class F(FilterSet):
        price = DecimalField(lookups=["range"])

    filterset = F(data={"price__range": raw})
    assert not filterset.is_valid()
    message = str(filterset.errors["price__range"][0])
    assert "exactly two values" in message
    assert "at least one value" not in message


def test_unknown_lookup_fails_at_class_creation():
    with pytest.raises(ImproperlyConfigured) as excinfo:

        class F(FilterSet):
            price = DecimalField(lookups=["gtee"])

    assert "gte" in str(excinfo.value)


def test_lookup_unsupported_by_model_field_fails():
    with pytest.raises(ImproperlyConfigured):

        class F(FilterSet):
            in_stock = BooleanField(lookups=["year"])

            class Meta:
                model = Product


def test_unknown_model_path_fails_at_class_creation():
    with pytest.raises(ImproperlyConfigured) as excinfo:

        class F(FilterSet):
            colour: str

            class Meta:
                model = Product

    assert "colour" in str(excinfo.value)


def test_lookup_variant_clash_fails():
    with pytest.raises(ImproperlyConfigured):

        class F(FilterSet):
            price = DecimalField(lookups=["gte"])
            price__gte = IntegerField()


def test_method_name_must_exist():
    with pytest.raises(ImproperlyConfigured):

        class F(FilterSet):
            q = StringField(method="missing")


def test_bad_operator_fails():
    with pytest.raises(ValueError):

        class F(FilterSet):
            class Meta:
                operator = "NAND"


def test_unknown_meta_option_fails():
    with pytest.raises(ImproperlyConfigured) as excinfo:

        class F(FilterSet):
            class Meta:
                order_feilds = []

    assert "order_fields" in str(excinfo.value)


def test_bad_fields_type_fails():
    with pytest.raises(TypeError):

        class F(FilterSet):
            class Meta:
                model = Product
                fields = "name"


def test_options_inherit_and_override():
    class Base(FilterSet):
        class Meta:
            operator = "or"
            max_value_length = 10

    class Child(Base):
        class Meta:
            max_list_items = 7

    options = Child.get_options()
    assert isinstance(options, FilterOptions)
    assert options.operator == "OR"
    assert options.max_value_length == 10
    assert options.max_list_items == 7


def test_redeclared_field_drops_stale_variants():
    class Base(FilterSet):
        price = DecimalField(lookups=["comparison"])

    class Child(Base):
        price = DecimalField(lookups=["gte"])

    assert "price__lt" in Base().fields
    assert "price__lt" not in Child().fields
    assert "price__gte" in Child().fields


def test_subclass_inherits_fields_and_ordering():
    class Base(FilterSet):
        name: str

        class Meta:
            order_fields = [("name", "name")]

    class Child(Base):
        stock: int

    assert list(Child().fields) == ["name", "name!", "stock", "stock!", "order_by"]


def test_two_order_fields_rejected():
    with pytest.raises(ValueError):

        class F(FilterSet):
            a = OrderField(fields=["name"])
            b = OrderField(fields=["price"])


def test_explicit_order_field_wins_and_is_last():
    class F(FilterSet):
        sort = OrderField(fields=[("price", "price")])
        name: str

        class Meta:
            order_fields = [("name", "name")]

    fields = list(F().fields)
    assert fields[-1] == "sort"
    assert "order_by" not in fields


def test_required_fields_option_marks_required():
    class F(FilterSet):
        name: str

        class Meta:
            required_fields = ["name"]

    filterset = F(data={})
    assert not filterset.is_valid()
    assert "name" in filterset.errors


def test_many_true_is_rejected():
    class F(FilterSet):
        name: str

    with pytest.raises(TypeError):
        F(many=True)


def test_string_annotations_resolve(monkeypatch):
    module = types.ModuleType("filters_string_annotations")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(
        "from __future__ import annotations\n"
        "from decimal import Decimal\n"
        "from restflow.filters import FilterSet\n"
        "class F(FilterSet):\n"
        "    price: Decimal\n",
        module.__dict__,
    )
    assert isinstance(module.F().fields["price"], DecimalField)


def test_non_mapping_data_is_a_validation_error():
    class F(FilterSet):
        name: str

    filterset = F(data=["name"])
    assert not filterset.is_valid()
    assert "non_field_errors" in filterset.errors


def test_subclass_meta_keeps_inherited_explicit_fields():
    class Base(FilterSet):
        price = DecimalField(lookups=["gte"])

        class Meta:
            model = Product
            fields = ["price", "stock"]

    class Child(Base):
        class Meta:
            max_list_items = 5

    fields = Child().fields
    assert "price__gte" in fields
    assert "stock" in fields
    assert Child.get_options().max_list_items == 5


@pytest.mark.parametrize(
    ("fields", "path", "problem", "model"),
    [
        (["nope"], "nope", "has no field 'nope'", "Product"),
        (["category__nope"], "category__nope", "has no field 'nope'", "Category"),
        (["price__gte"], "price__gte", "Product.price is not a relation", "Product"),
    ],
)
def test_meta_fields_bad_path_improperly_configured(fields, path, problem, model):
    meta = type("Meta", (), {"model": Product, "fields": fields})
    with pytest.raises(ImproperlyConfigured) as excinfo:
        type("BadPathFilterSet", (FilterSet,), {"__module__": __name__, "Meta": meta})
    message = str(excinfo.value)
    assert message.startswith("BadPathFilterSet.Meta.fields")
    assert repr(path) in message
    assert problem in message
    assert model in message
    assert isinstance(excinfo.value.__cause__, FieldDoesNotExist)


def test_meta_related_fields_bad_name_improperly_configured():
    meta = type("Meta", (), {"model": Product, "fields": ["nope"], "related_fields": ["nope"]})
    with pytest.raises(ImproperlyConfigured) as excinfo:
        type("BadRelatedFilterSet", (FilterSet,), {"__module__": __name__, "Meta": meta})
    assert "BadRelatedFilterSet.Meta.fields" in str(excinfo.value)
