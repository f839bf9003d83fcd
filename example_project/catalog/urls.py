"""Routes of the catalog API, included under ``/api/`` by the project."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from catalog import views

app_name = "catalog"

# Path converters instead of regexes: with ProductViewSet's int converter
# the view gets ``pk`` as an int, the type the cache rules match on.
router = SimpleRouter(use_regex_path=False)
router.register("products", views.ProductViewSet, basename="product")

urlpatterns = [
    # Before the router's routes, whose products/<pk>/ would take these paths.
    path("products/export.ndjson", views.ProductExportView.as_view(), name="product-export"),
    path("products/prices/stream/", views.PriceFeedView.as_view(), name="price-stream"),
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("brands/", views.BrandListView.as_view(), name="brand-list"),
    *router.urls,
]
