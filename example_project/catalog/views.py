"""Plain DRF views of the catalog API: products (list, create, detail) and categories."""

from __future__ import annotations

from rest_framework import generics
from rest_framework.pagination import PageNumberPagination

from catalog.models import Category, Product
from catalog.serializers import CategorySerializer, ProductSerializer


class CatalogPagination(PageNumberPagination):
    # Set on the view rather than through REST_FRAMEWORK["PAGE_SIZE"]: DRF
    # copies its pagination defaults into class attributes at import time.
    page_size = 50


class ProductListView(generics.ListCreateAPIView):
    """List products 50 to a page (``?page=N``), or create one with POST."""

    queryset = Product.objects.select_related("category", "brand").order_by("id")
    serializer_class = ProductSerializer
    pagination_class = CatalogPagination


class ProductDetailView(generics.RetrieveAPIView):
    queryset = Product.objects.select_related("category", "brand")
    serializer_class = ProductSerializer


class CategoryListView(generics.ListAPIView):
    """List every category in one response (there are only a few)."""

    queryset = Category.objects.order_by("name")
    serializer_class = CategorySerializer
    pagination_class = None
