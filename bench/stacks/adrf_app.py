"""adrf: async generic views with adrf's async serializer, django-filter and DRF's paginator."""

from __future__ import annotations

from adrf import generics
from adrf.serializers import ModelSerializer
from catalog.models import Product
from django.urls import path
from django_filters import rest_framework as django_filters
from rest_framework import filters, pagination

from bench.stacks.common import ALIASES, FIELDS, PAGE_SIZE, aslow_dependency


class ProductSerializer(ModelSerializer):
    class Meta:
        model = Product
        fields = FIELDS


class ProductFilter(django_filters.FilterSet):
    class Meta:
        model = Product
        fields = {"price": ["gte", "lte"], "category": ["exact"], "in_stock": ["exact"]}


class Pages(pagination.PageNumberPagination):
    page_size = PAGE_SIZE


def product_list(alias: str, slow: bool = False):
    class ProductList(generics.ListAPIView):
        queryset = Product.objects.using(alias).all()
        serializer_class = ProductSerializer
        pagination_class = Pages
        filter_backends = [django_filters.DjangoFilterBackend, filters.OrderingFilter]
        filterset_class = ProductFilter
        ordering_fields = ["price"]
        ordering = ["id"]

        async def get(self, request, *args, **kwargs):
            if slow:
                await aslow_dependency()
            return await super().get(request, *args, **kwargs)

    return ProductList.as_view()


urlpatterns = [
    *(path(f"{db}/products/", product_list(alias)) for db, alias in ALIASES.items()),
    *(
        path(f"{db}/slow-products/", product_list(alias, slow=True))
        for db, alias in ALIASES.items()
    ),
]
