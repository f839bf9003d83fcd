"""Query parameters of the product list: search, price, category, brand, stock, tags, order."""

from __future__ import annotations

import json

from django.db.models import Q, QuerySet

from catalog.models import Product
from restflow.filters import FilterSet, ListField, SearchField, StringField

__all__ = ["ProductFilterSet"]


class ProductFilterSet(FilterSet):
    """``?search=``, ``?price__gte=``, ``?category!=``, ``?tags=a,b``, ``?order_by=-price``..."""

    # Ranked full-text search on PostgreSQL, a case-insensitive match elsewhere.
    search = SearchField(
        fields=[("name", "A"), ("description", "B")],
        config="english",
        fallback="icontains",
        help_text="Words in the name or description.",
    )
    in_stock: bool
    tags = ListField(child=StringField(), method="filter_tags", help_text="Any of these tags.")

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

    def filter_tags(self, queryset: QuerySet[Product], value: list[str]) -> Q:
        # Tags are a JSON list: matching the quoted string works on SQLite and PostgreSQL.
        condition = Q()
        for tag in value:
            condition |= Q(tags__icontains=json.dumps(tag))
        return condition
