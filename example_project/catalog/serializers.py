"""Serializers of the catalog API, declared with type annotations."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Brand, Category, Product, Review
from restflow.serializers import Field, ModelSerializer, Serializer

__all__ = [
    "BrandSerializer",
    "CategorySerializer",
    "PriceChangeSerializer",
    "ProductDetailSerializer",
    "ProductListSerializer",
    "ProductSerializer",
    "ReviewSerializer",
    "ReviewSummarySerializer",
]


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description"]


class BrandSerializer(ModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name", "slug", "country"]


class ReviewSerializer(ModelSerializer):
    rating: int = Field(min_value=1, max_value=5)

    class Meta:
        model = Review
        fields = ["id", "author_name", "rating", "title", "body", "created_at"]


class ReviewSummarySerializer(Serializer):
    """A review in a product list, from the rows that ``PostFetch`` attaches."""

    id: int
    author_name: str
    rating: int
    title: str


class ProductListSerializer(ModelSerializer):
    """A product in a list: no description, and its three best reviews in short."""

    category_name: str = Field(source="category.name", read_only=True)
    brand_name: str = Field(source="brand.name", read_only=True)
    tags: list[str] = Field(read_only=True)
    # Attached to each page by the list action's PostFetch, not by a join.
    top_reviews: list[ReviewSummarySerializer] = Field(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "slug",
            "price",
            "in_stock",
            "rating",
            "tags",
            "category",
            "category_name",
            "brand",
            "brand_name",
            "top_reviews",
        ]


class PriceChangeSerializer(Serializer):
    """The data of one event of the price feed."""

    product: int
    name: str
    price: Decimal = Field(max_digits=10, decimal_places=2)


class ProductSerializer(ModelSerializer):
    """A product as clients write it. The server sets the slug, stock flag, rating and dates."""

    # Field() inside Annotated bounds each tag; the outer Field() bounds the list.
    tags: list[Annotated[str, Field(max_length=40)]] = Field(required=False, max_length=20)
    category_name: str = Field(source="category.name", read_only=True)
    brand_name: str = Field(source="brand.name", read_only=True)

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

    def update(self, instance: Product, validated_data: dict[str, Any]) -> Product:
        if "stock" in validated_data:
            validated_data["in_stock"] = validated_data["stock"] > 0
        return super().update(instance, validated_data)


class ProductDetailSerializer(ProductSerializer):
    """One product with its category and every review."""

    category_detail: CategorySerializer = Field(source="category", read_only=True)
    reviews: list[ReviewSerializer] = Field(read_only=True)

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "category_detail", "reviews"]
