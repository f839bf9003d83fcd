"""Plain DRF serializers of the catalog API."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from rest_framework import serializers

from catalog.models import Category, Product


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description"]


class ProductSerializer(serializers.ModelSerializer):
    """A product; ``slug``, ``in_stock``, ``rating`` and the dates are set by the server."""

    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=20
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    brand_name = serializers.CharField(source="brand.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "price",
            "stock",
            "in_stock",
            "rating",
            "tags",
            "category",
            "category_name",
            "brand",
            "brand_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "in_stock", "rating", "created_at", "updated_at"]

    def create(self, validated_data: dict[str, Any]) -> Product:
        # A random suffix keeps the slug unique without a query per attempt.
        validated_data["slug"] = f"{slugify(validated_data['name'])[:200]}-{secrets.token_hex(4)}"
        validated_data["in_stock"] = validated_data.get("stock", 0) > 0
        validated_data["created_at"] = timezone.now()
        return super().create(validated_data)
