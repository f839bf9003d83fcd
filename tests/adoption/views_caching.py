"""Plain DRF views with no restflow import; only settings turn on their caching."""

from catalog.models import Category, Product
from rest_framework import generics, serializers, viewsets
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class CategoryListView(generics.ListAPIView):
    queryset = Category.objects.order_by("name")
    serializer_class = CategorySerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.order_by("pk")
    serializer_class = ProductSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []


class MyProfileView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"username": request.user.username})
