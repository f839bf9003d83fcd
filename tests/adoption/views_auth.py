"""Plain DRF views written without restflow: JWT reaches them only through settings."""

from catalog.models import Category
from rest_framework import generics, permissions, serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.views import APIView


class ProfileView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request):
        return Response({"username": request.user.username})


@api_view(["GET"])
def whoami(request):
    return Response({"authenticated": request.user.is_authenticated})


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class CategoryListCreateView(generics.ListCreateAPIView):
    queryset = Category.objects.order_by("id")
    serializer_class = CategorySerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
