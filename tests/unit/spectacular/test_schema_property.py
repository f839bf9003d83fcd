"""Property: any choice and string filter declaration gives a valid schema with matching enums."""

from __future__ import annotations

import keyword

from django.urls import path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import permissions
from rest_framework.views import APIView

from restflow.filters import ChoiceField, FilterSet, IntegerField, StringField
from tests.unit.spectacular.openapi_views import ProductSummarySerializer
from tests.unit.spectacular.support import build_schema, operation

names = st.from_regex(r"[a-z][a-z0-9]{0,11}", fullmatch=True).filter(
    lambda name: not keyword.iskeyword(name) and name not in {"fields", "data", "request"}
)
choice_keys = st.one_of(
    st.text(min_size=1, max_size=12).filter(lambda text: text.strip() == text and text),
    st.integers(min_value=-1000, max_value=1000),
)


def make_view(filterset_class):
    class View(APIView):
        authentication_classes = []
        permission_classes = [permissions.AllowAny]
        throttle_classes = []
        serializer_class = ProductSummarySerializer

        def get(self, request):
            raise NotImplementedError

    View.filterset_class = filterset_class
    return View


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    choice_name=names,
    keys=st.lists(choice_keys, min_size=1, max_size=6, unique_by=str),
    text_name=names,
    low=st.integers(min_value=-100, max_value=0),
)
def test_filters_give_valid_schema(choice_name, keys, text_name, low):
    if choice_name == text_name:
        text_name += "x"
    attributes = {
        choice_name: ChoiceField(choices=[(key, str(key)) for key in keys]),
        text_name: StringField(lookups=["icontains"], max_length=40),
        "amount": IntegerField(min_value=low),
    }
    filterset_class = type("GeneratedFilterSet", (FilterSet,), attributes)
    schema = build_schema([path("api/generated/", make_view(filterset_class).as_view())])
    parameters = {p["name"]: p for p in operation(schema, "/api/generated/")["parameters"]}
    assert parameters[choice_name]["schema"]["enum"] == [str(key) for key in keys]
    assert parameters[f"{choice_name}!"]["schema"]["enum"] == [str(key) for key in keys]
    assert parameters[f"{text_name}__icontains"]["schema"]["maxLength"] == 40
    assert parameters["amount"]["schema"].get("minimum") == low
    assert "400" in operation(schema, "/api/generated/")["responses"]
