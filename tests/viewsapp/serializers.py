"""Plain DRF serializers used by the view tests (no restflow serializer features)."""

from __future__ import annotations

from typing import Any

from catalog.models import Brand, Category, Product
from rest_framework import serializers

from tests.viewsapp.models import Gadget


class ProductSerializer(serializers.ModelSerializer):
    # A related field read lazily, which fails on the event loop and must run in a thread.
    category_name = serializers.CharField(source="category.name", read_only=True)
    slug = serializers.SlugField(required=False)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "slug",
            "price",
            "stock",
            "created_at",
            "category",
            "brand",
            "category_name",
        ]
        extra_kwargs = {"created_at": {"required": False}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "slug" not in attrs and "name" in attrs:
            attrs["slug"] = attrs["name"].lower().replace(" ", "-")
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Product:
        from tests.viewsapp.support import BASE_TIME

        validated_data.setdefault("created_at", BASE_TIME)
        return super().create(validated_data)


class ProductListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class ProductCreateSerializer(serializers.ModelSerializer):
    """Request-only serializer: accepts a name and a price, nothing else."""

    class Meta:
        model = Product
        fields = ["name", "price", "category", "brand"]

    def create(self, validated_data: dict[str, Any]) -> Product:
        from tests.viewsapp.support import BASE_TIME

        return Product.objects.create(
            slug=validated_data["name"].lower().replace(" ", "-"),
            created_at=BASE_TIME,
            **validated_data,
        )


class ContextEchoSerializer(serializers.Serializer):
    """Renders the serializer context key ``marker``, to test context overrides."""

    id = serializers.IntegerField()
    marker = serializers.SerializerMethodField()

    def get_marker(self, obj: Any) -> Any:
        return self.context.get("marker")


class GadgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gadget
        fields = ["id", "name", "price", "rank", "owner"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class BrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name"]
