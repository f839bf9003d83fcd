"""Plain DRF views with no restflow import: the error envelope comes from settings alone."""

from catalog.models import Product
from django.http import JsonResponse
from rest_framework import generics, serializers, viewsets
from rest_framework.authentication import BasicAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "slug", "price", "stock", "created_at", "category", "brand"]


class ProductViewSet(viewsets.ModelViewSet):
    queryset = Product.objects.order_by("id")
    serializer_class = ProductSerializer
    authentication_classes = []
    permission_classes = [AllowAny]


class ProductList(generics.ListAPIView):
    queryset = Product.objects.order_by("id")
    serializer_class = ProductSerializer
    authentication_classes = []
    permission_classes = [AllowAny]


class Private(APIView):
    authentication_classes = [BasicAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"user": request.user.username})


def plain_crash(request):
    raise RuntimeError("adoption crash")


def plain_ok(request):
    return JsonResponse({"ok": True})
