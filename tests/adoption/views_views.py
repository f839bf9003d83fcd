"""Plain DRF views with no restflow import: permissions and pagination come from settings."""

from catalog.models import Product
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "slug", "price", "created_at", "category", "brand"]


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.order_by("id")
    serializer_class = ProductSerializer


class ProductList(generics.ListAPIView):
    queryset = Product.objects.order_by("id")
    serializer_class = ProductSerializer


@api_view(["GET", "POST"])
def ping(request):
    return Response({"method": request.method, "user": request.user.username or None})
