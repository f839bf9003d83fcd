"""The FilterSet proposed for the example product list, tested on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from catalog.models import Product
from django.db.models import Q
from rest_framework import generics, serializers

from restflow.filters import FilterSet, ListField, RestflowFilterBackend, SearchField, StringField


class ProductFilterSet(FilterSet):
    search = SearchField(
        fields=[("name", "A"), ("description", "B")],
        config="english",
        fallback="icontains",
        help_text="Words in the name or description; ranked by relevance on PostgreSQL",
    )
    in_stock: bool
    tags = ListField(child=StringField(), method="filter_tags", help_text="Any of these tags")

    class Meta:
        model = Product
        fields = ["price", "category", "brand", "category__slug", "brand__slug"]
        extra_kwargs = {"price": {"lookups": ["comparison", "range"]}}
        order_fields = [
            ("price", "price"),
            ("name", "name"),
            ("newest", "-created_at"),
            ("rating", "-rating"),
        ]
        order_field_labels = [("newest", "Newest first"), ("rating", "Best rated first")]

    def filter_tags(self, queryset, value):
        # Product.tags is a JSON list of strings; matching the JSON-encoded
        # tag works on SQLite and PostgreSQL alike.
        condition = Q()
        for tag in value:
            condition |= Q(tags__icontains=json.dumps(tag))
        return condition


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class ProductList(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filter_backends = [RestflowFilterBackend]
    filterset_class = ProductFilterSet
