"""DRF as a team would write it: generic views, django-filter, PageNumberPagination, simplejwt."""

from __future__ import annotations

from catalog.models import Product
from django.urls import path
from django_filters import rest_framework as django_filters
from rest_framework import filters, generics, pagination, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework_simplejwt.authentication import JWTAuthentication

from bench.stacks.common import ALIASES, FIELDS, PAGE_SIZE, slow_dependency


class ProductSerializer(serializers.ModelSerializer):
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

        def list(self, request, *args, **kwargs):
            if slow:
                slow_dependency()
            return super().list(request, *args, **kwargs)

    return ProductList.as_view()


class ProductDetail(generics.RetrieveAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]


class DeepPages(pagination.PageNumberPagination):
    page_size = PAGE_SIZE


class DeepList(generics.ListAPIView):
    queryset = Product.objects.using("deep").order_by("id")
    serializer_class = ProductSerializer
    pagination_class = DeepPages


urlpatterns = [
    *(path(f"{db}/products/", product_list(alias)) for db, alias in ALIASES.items()),
    *(
        path(f"{db}/slow-products/", product_list(alias, slow=True))
        for db, alias in ALIASES.items()
    ),
    path("pg/products/<int:pk>/", ProductDetail.as_view()),
    path("deep/pages/", DeepList.as_view()),
]
