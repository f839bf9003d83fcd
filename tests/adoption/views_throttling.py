"""Plain DRF views written without restflow: throttles reach them only through settings."""

import os

from catalog.models import Category
from rest_framework import generics, serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    def get(self, request):
        # The pid shows which server process answered in the multi-worker test.
        return Response({"ok": True, "pid": os.getpid()})


class UploadView(APIView):
    throttle_scope = "uploads"

    def post(self, request):
        return Response({"stored": True}, status=201)


@api_view(["GET"])
def ping_function(request):
    return Response({"ok": True})


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]


class CategoryListView(generics.ListAPIView):
    queryset = Category.objects.order_by("id")
    serializer_class = CategorySerializer
