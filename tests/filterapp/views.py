"""Views and URLs for the filter backend integration tests (used as their ``ROOT_URLCONF``)."""

from __future__ import annotations

import json

import django_filters
from catalog.models import Product
from django.db.models import Q
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination

from restflow.filters import (
    DecimalField,
    FilterSet,
    ListField,
    RestflowFilterBackend,
    StringField,
)


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class ProductFilterSet(FilterSet):
    name = StringField(lookups=["icontains"])
    price = DecimalField(lookups=["comparison"])
    in_stock: bool
    tags = ListField(child=StringField(), method="filter_tags", help_text="Any of these tags")
    id: list[int]

    class Meta:
        model = Product
        fields = ["category", "brand", "created_at"]
        extra_kwargs = {"created_at": {"lookups": ["gte", "lt"]}}
        order_fields = [("price", "price"), ("name", "name")]
        unknown_parameters = "error"

    def filter_tags(self, queryset, value):
        # Product.tags is a JSON list; matching the JSON-encoded string works on
        # SQLite and PostgreSQL alike (PostgreSQL could use tags__contains).
        condition = Q()
        for tag in value:
            condition |= Q(tags__icontains=json.dumps(tag))
        return condition


class Pages(PageNumberPagination):
    page_size = 3
    page_size_query_param = "size"


class ProductList(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filter_backends = [RestflowFilterBackend]
    filterset_class = ProductFilterSet


class PagedProductList(ProductList):
    pagination_class = Pages


class ConventionProductList(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filter_backends = [RestflowFilterBackend]
    filterset_fields = {"price": ["gte", "lte"], "category": ["exact"]}
    ordering_fields = ["price", "name"]
    ordering = ["name"]


class DjangoFilterProducts(django_filters.FilterSet):
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")

    class Meta:
        model = Product
        fields = ["category", "in_stock"]


class DjangoFilterProductList(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filter_backends = [RestflowFilterBackend]
    filterset_class = DjangoFilterProducts


urlpatterns = [
    path("products/", ProductList.as_view()),
    path("paged/", PagedProductList.as_view()),
    path("convention/", ConventionProductList.as_view()),
    path("django-filter/", DjangoFilterProductList.as_view()),
]
