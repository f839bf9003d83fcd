"""InlineSerializer classes get distinct OpenAPI component names in drf-spectacular."""

from __future__ import annotations

import pytest
from django.urls import path
from rest_framework import generics

from restflow.serializers import InlineSerializer

spectacular = pytest.importorskip("drf_spectacular")


def schema_components(serializers_by_route):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.openapi import AutoSchema

    patterns = []
    for route, serializer_class in serializers_by_route.items():
        view = type(
            f"View{route.title()}",
            (generics.CreateAPIView,),
            {"serializer_class": serializer_class, "schema": AutoSchema()},
        )
        patterns.append(path(f"{route}/", view.as_view()))
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    return schema["components"]["schemas"]


def test_same_name_different_shape_gets_two_components():
    first = InlineSerializer(name="OpenApiPayloadSerializer", fields={"a": int})
    second = InlineSerializer(name="OpenApiPayloadSerializer", fields={"b": str})
    components = schema_components({"one": first, "two": second})
    assert components["OpenApiPayload"]["properties"].keys() == {"a"}
    assert components["OpenApiPayload2"]["properties"].keys() == {"b"}


def test_unnamed_inline_serializers_do_not_collide():
    first = InlineSerializer(fields={"x": int})
    second = InlineSerializer(fields={"y": int})
    components = schema_components({"one": first, "two": second})
    properties = sorted(tuple(c["properties"]) for c in components.values())
    assert properties == [("x",), ("y",)]
