"""A plain DRF API with no restflow import, for the OpenAPI adoption test.

Only settings switch restflow on: the schema class, the filter backend, the
paginator, JWT authentication and the exception handler.
"""

from __future__ import annotations

from catalog.models import Category, Product
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price", "in_stock"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField()


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_fields = ["in_stock", "category"]
    ordering_fields = ["price", "name"]


class CategoryList(generics.ListCreateAPIView):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    filterset_fields = {"name": ["exact", "icontains"]}


class CategoryDetail(generics.RetrieveAPIView):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer


@extend_schema(responses=HealthSerializer)
@api_view(["GET"])
def health(request):
    return Response({"status": "ok"})


router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/categories/", CategoryList.as_view()),
    path("api/categories/<int:pk>/", CategoryDetail.as_view()),
    path("api/health/", health),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]
