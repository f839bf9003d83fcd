"""Plain DRF list views written for django-filter and OrderingFilter, with no restflow import."""

import django_filters
from catalog.models import Product
from rest_framework import generics, serializers


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price", "in_stock"]


class ProductListView(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_fields = {"price": ["gte", "lte"], "category": ["exact"]}
    ordering_fields = ["price", "name"]
    ordering = ["name"]


class ProductByFlagsView(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_fields = ["in_stock", "brand"]


class ProductFilter(django_filters.FilterSet):
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Product
        fields = ["category", "in_stock"]


class DjangoFilterProductView(generics.ListAPIView):
    queryset = Product.objects.order_by("name")
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
