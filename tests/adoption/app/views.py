"""An ordinary DRF catalog API: a viewset, generic views and function views.

Nothing here imports anything beyond Django, DRF and the catalog models.
Which authentication, throttling, filtering, pagination, error format and
caching these views get is decided by the project's settings alone.
"""

from catalog.models import Brand, Category, Product
from rest_framework import generics, permissions, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from tests.adoption.app.serializers import (
    BrandSerializer,
    CategorySerializer,
    ProductSerializer,
)


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.order_by("id")
    serializer_class = ProductSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]


class ProductSearchView(generics.ListAPIView):
    """Product search in the django-filter convention, unpaginated."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_fields = {"price": ["gte", "lte"], "category": ["exact"], "in_stock": ["exact"]}
    ordering_fields = ["price", "name"]
    ordering = ["name"]
    pagination_class = None


class CategoryListView(generics.ListAPIView):
    queryset = Category.objects.order_by("name")
    serializer_class = CategorySerializer
    pagination_class = None


class BrandAdminView(generics.ListCreateAPIView):
    queryset = Brand.objects.order_by("name")
    serializer_class = BrandSerializer
    permission_classes = [permissions.IsAdminUser]


class BrandRequestView(generics.CreateAPIView):
    """Suggest a brand; limited per client by the "brand-requests" throttle scope."""

    serializer_class = BrandSerializer
    throttle_scope = "brand-requests"


@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def me(request):
    return Response({"username": request.user.username})


@api_view(["GET"])
def price_summary(request):
    prices = list(Product.objects.values_list("price", flat=True))
    # An empty catalog divides by zero: the kind of unhandled bug that a
    # project's error handling has to turn into a clean 500.
    return Response({"products": len(prices), "average": str(sum(prices) / len(prices))})
