from __future__ import annotations

from catalog.models import Product

from restflow.filters import (
    BooleanField,
    ChoiceField,
    DateTimeField,
    DecimalField,
    EmailField,
    FilterSet,
    IntegerField,
    ListField,
    StringField,
)
from restflow.filters.schema import (
    build_filterset_parameters,
    field_to_schema,
    get_field_description,
)


class Documented(FilterSet):
    name = StringField(lookups=["icontains"], help_text="Product name")
    price = DecimalField(
        lookups={"min": {"lookup": "gte", "help_text": "Lowest price"}, "lt": "lt"}
    )
    in_stock: bool
    stock = ChoiceField(choices=[(1, "one"), (2, "two")])
    ids = ListField(child=IntegerField(), filter_by="id__in", required=True)

    class Meta:
        model = Product
        order_fields = [("price", "price")]


def by_name(parameters):
    return {parameter["name"]: parameter for parameter in parameters}


def test_one_parameter_per_field_ordering_last():
    parameters = build_filterset_parameters(Documented)
    assert [p["name"] for p in parameters][-1] == "order_by"
    assert {
        "name",
        "name!",
        "name__icontains",
        "name__icontains!",
        "price__min",
        "price__lt!",
    } <= set(by_name(parameters))
    assert all(p["in"] == "query" for p in parameters)


def test_none_gives_no_parameters():
    assert build_filterset_parameters(None) == []


def test_schemas_by_type():
    assert field_to_schema(BooleanField()) == {"type": "boolean"}
    assert field_to_schema(IntegerField(min_value=1)) == {"type": "integer", "minimum": 1}
    assert field_to_schema(IntegerField()) == {"type": "integer"}
    assert field_to_schema(DecimalField(max_digits=6, decimal_places=2)) == {
        "type": "string",
        "format": "decimal",
        "x-maxDigits": 6,
        "x-decimalPlaces": 2,
    }
    assert field_to_schema(EmailField())["format"] == "email"
    assert field_to_schema(DateTimeField())["format"] == "date-time"
    assert field_to_schema(ChoiceField(choices=[1, 2])) == {"type": "string", "enum": ["1", "2"]}


def test_array_parameters_are_comma_separated():
    parameters = by_name(build_filterset_parameters(Documented))
    ids = parameters["ids"]
    assert ids["schema"] == {"type": "array", "items": {"type": "integer"}}
    assert ids["style"] == "form"
    assert ids["explode"] is False
    assert ids["required"] is True
    ordering = parameters["order_by"]
    assert ordering["schema"]["items"]["enum"] == ["price", "-price"]
    assert ordering["schema"]["uniqueItems"] is True


def test_descriptions():
    parameters = by_name(build_filterset_parameters(Documented))
    assert parameters["name"]["description"] == "Product name"
    assert parameters["name!"]["description"] == "exclude where name - Product name"
    assert parameters["name__icontains"]["description"].startswith(
        "name contains (case-insensitive)"
    )
    assert parameters["price__min"]["description"] == "Lowest price"
    assert parameters["price__min!"]["description"] == "exclude where Lowest price"
    assert parameters["price__lt"]["description"] == "price is less than"
    assert parameters["price__lt!"]["description"] == "exclude where price is less than"
    assert "description" not in parameters["in_stock"]
    assert parameters["name__icontains"]["description"] == (
        "name contains (case-insensitive) - Product name (Substring Match (Case-Insensitive))"
    )


def test_description_of_plain_field_is_none():
    field = StringField()
    field.bind("plain", None)
    assert get_field_description("plain", field) is None
