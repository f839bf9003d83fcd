"""Finding a view's FilterSet and merging its parameters."""

from __future__ import annotations

import logging

import django_filters
from catalog.models import Product

from restflow.filters import FilterSet, StringField
from restflow.filters.schema import build_filterset_parameters as filters_builder
from restflow.spectacular import build_filterset_parameters, resolve_filterset_class
from restflow.spectacular.parameters import build_view_filter_parameters, merge_parameters


class NameFilterSet(FilterSet):
    name = StringField()


class OtherFilterSet(FilterSet):
    slug = StringField()


def test_builder_is_the_filters_one():
    assert build_filterset_parameters is filters_builder
    assert build_filterset_parameters(None) == []


def test_resolve_prefers_getter():
    class View:
        filterset_class = OtherFilterSet

        def get_filterset_class(self):
            return NameFilterSet

    assert resolve_filterset_class(View()) is NameFilterSet


def test_resolve_getter_none_uses_attribute():
    class View:
        filterset_class = OtherFilterSet

        def get_filterset_class(self):
            return None

    assert resolve_filterset_class(View()) is OtherFilterSet


def test_resolve_getter_failure_is_logged(caplog):
    class View:
        filterset_class = OtherFilterSet

        def get_filterset_class(self):
            raise KeyError("needs a request")

    with caplog.at_level(logging.WARNING, logger="restflow.spectacular.parameters"):
        assert resolve_filterset_class(View()) is OtherFilterSet
    assert "View.get_filterset_class() failed" in caplog.text


def test_resolve_without_filterset():
    assert resolve_filterset_class(object()) is None


def test_view_parameters_of_restflow_filterset():
    class View:
        filterset_class = NameFilterSet

    names = [parameter["name"] for parameter in build_view_filter_parameters(View())]
    assert names == ["name", "name!"]


def test_view_parameters_skip_django_filter():
    class ProductFilter(django_filters.FilterSet):
        class Meta:
            model = Product
            fields = ["name"]

    class View:
        filterset_class = ProductFilter

    assert build_view_filter_parameters(View()) == []


def test_broken_filterset_is_logged(caplog):
    class Broken(FilterSet):
        name = StringField()

        def __init__(self, *args, **kwargs):
            raise RuntimeError("cannot build")

    class View:
        filterset_class = Broken

    with caplog.at_level(logging.WARNING, logger="restflow.spectacular.parameters"):
        assert build_view_filter_parameters(View()) == []
    assert "Broken" in caplog.text


def test_merge_keeps_first_of_name_and_location():
    existing = [{"name": "page", "in": "query", "schema": {"type": "integer"}}]
    extra = [
        {"name": "page", "in": "query", "schema": {"type": "string"}},
        {"name": "page", "in": "header", "schema": {"type": "string"}},
        {"name": "name", "in": "query", "schema": {"type": "string"}},
    ]
    merged = merge_parameters(existing, extra)
    assert [(p["name"], p["in"]) for p in merged] == [
        ("page", "query"),
        ("page", "header"),
        ("name", "query"),
    ]
    assert merged[0]["schema"] == {"type": "integer"}
    assert len(existing) == 1
