"""Admin pages for browsing and editing the seeded catalog."""

from __future__ import annotations

from django.contrib import admin

from catalog.models import Brand, Category, Product, Review


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["author_name", "rating", "title", "created_at"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "brand", "price", "stock", "in_stock", "rating"]
    list_filter = ["in_stock", "category", "brand"]
    search_fields = ["name", "slug"]
    list_select_related = ["category", "brand"]
    raw_id_fields = ["category", "brand"]
    date_hierarchy = "created_at"
    inlines = [ReviewInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "author_name", "rating", "created_at"]
    list_filter = ["rating"]
    raw_id_fields = ["product", "author"]
