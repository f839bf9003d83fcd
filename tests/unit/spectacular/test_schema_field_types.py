"""Every filter field type gives a valid schema with no drf-spectacular warning."""

from __future__ import annotations

import pytest
from django.urls import path
from rest_framework import permissions
from rest_framework.views import APIView

from restflow.filters import (
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    EmailField,
    FilterSet,
    FloatField,
    IntegerField,
    IPAddressField,
    JSONValueField,
    ListField,
    MultipleChoiceField,
    StringField,
    TimeField,
    UUIDField,
)
from tests.unit.spectacular.openapi_views import ProductSummarySerializer
from tests.unit.spectacular.support import build_schema, operation


def schema_of(filterset_class):
    class View(APIView):
        authentication_classes = []
        permission_classes = [permissions.AllowAny]
        throttle_classes = []
        serializer_class = ProductSummarySerializer

        def get(self, request):
            raise NotImplementedError

    View.filterset_class = filterset_class
    schema = build_schema([path("api/typed/", View.as_view())])
    return {p["name"]: p for p in operation(schema, "/api/typed/")["parameters"]}


class EveryType(FilterSet):
    flag = BooleanField()
    kind = ChoiceField(choices=[(1, "One"), (2, "Two")])
    kinds = MultipleChoiceField(choices=[("a", "A"), ("b", "B")])
    day = DateField()
    moment = DateTimeField()
    at = TimeField()
    span = DurationField()
    price = DecimalField(max_digits=8, decimal_places=2, min_value=0)
    ratio = FloatField(max_value=1)
    count = IntegerField(min_value=1, max_value=10)
    contact = EmailField()
    address = IPAddressField()
    token = UUIDField()
    label = StringField(min_length=2, max_length=20)
    ids = ListField(child=IntegerField())
    attributes = JSONValueField(db_field="tags")


def test_every_field_type():
    parameters = schema_of(EveryType)
    assert parameters["flag"]["schema"] == {"type": "boolean"}
    assert parameters["kind"]["schema"] == {"type": "string", "enum": ["1", "2"]}
    assert parameters["kinds"]["schema"]["uniqueItems"] is True
    assert parameters["kinds"]["explode"] is False
    assert parameters["day"]["schema"] == {"type": "string", "format": "date"}
    assert parameters["moment"]["schema"] == {"type": "string", "format": "date-time"}
    assert parameters["at"]["schema"] == {"type": "string", "format": "time"}
    assert parameters["span"]["schema"] == {"type": "string", "format": "duration"}
    assert parameters["price"]["schema"]["format"] == "decimal"
    assert parameters["price"]["schema"]["minimum"] == 0
    assert parameters["price"]["schema"]["x-maxDigits"] == 8
    assert parameters["ratio"]["schema"] == {"type": "number", "format": "float", "maximum": 1}
    assert parameters["count"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 10}
    assert parameters["contact"]["schema"] == {"type": "string", "format": "email"}
    assert parameters["address"]["schema"] == {"type": "string"}
    assert parameters["token"]["schema"] == {"type": "string", "format": "uuid"}
    assert parameters["label"]["schema"] == {"type": "string", "minLength": 2, "maxLength": 20}
    assert parameters["ids"]["schema"] == {"type": "array", "items": {"type": "integer"}}
    assert "attributes" in parameters
    assert "flag!" in parameters


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_field_types():
    from restflow.filters import RangeField, SearchField, TrigramField

    class PostgresTypes(FilterSet):
        search = SearchField(fields=["title"])
        similar = TrigramField(fields=["title"])
        ages = RangeField(kind="integer")

    parameters = schema_of(PostgresTypes)
    assert parameters["search"]["schema"]["type"] == "string"
    assert parameters["similar"]["schema"]["type"] == "string"
    assert parameters["ages"]["schema"] == {
        "type": "array",
        "items": {"type": "integer"},
        "minItems": 2,
        "maxItems": 2,
    }
    assert parameters["ages"]["style"] == "form"
