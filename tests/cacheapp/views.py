"""Views cached with @cache_response, used by the response-caching tests."""

from __future__ import annotations

from collections import Counter

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.caching import InvalidationRule, RequestValueKeyField, cache_response
from restflow.views import AsyncAPIView

# How often each view body ran; tests compare it before and after requests.
CALLS: Counter[str] = Counter()


class WhoAmIView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication, BasicAuthentication]
    permission_classes = [IsAuthenticated]

    @cache_response(ttl=60)
    def get(self, request):
        CALLS["whoami"] += 1
        return Response({"user": request.user.username})


class ProductDetailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @cache_response(
        ttl=60,
        set_cache_headers=True,
        invalidates_on=[InvalidationRule(model="catalog.Product", field_mapping={"pk": "pk"})],
    )
    def get(self, request, pk):
        from catalog.models import Product

        CALLS["product"] += 1
        product = get_object_or_404(Product, pk=pk)
        return Response({"id": product.pk, "price": str(product.price)})


class BehaviourView(APIView):
    """Return the status, cookie and headers the query string names, to test what is stored."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @cache_response(ttl=60, set_cache_headers=True)
    def get(self, request):
        CALLS["behaviour"] += 1
        params = request.query_params
        response = Response({"calls": CALLS["behaviour"]}, status=int(params.get("status", 200)))
        if "cookie" in params:
            response.set_cookie("flavour", "oat")
        if "cache_control" in params:
            response["Cache-Control"] = params["cache_control"]
        if "vary" in params:
            response["Vary"] = params["vary"]
        return response

    def post(self, request):
        CALLS["behaviour-post"] += 1
        return Response({"posted": True})


class PathKeyedView(APIView):
    """Cached under a key of the path alone: only the response's Vary splits entries."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @cache_response(
        key_constructor={"fields": {"path": RequestValueKeyField("path")}}, set_cache_headers=True
    )
    def get(self, request):
        CALLS["path-keyed"] += 1
        return Response({"calls": CALLS["path-keyed"]})


@api_view(["GET"])
@permission_classes([AllowAny])
@cache_response(ttl=60, set_cache_headers=True)
def category_list(request):
    from catalog.models import Category

    CALLS["categories"] += 1
    return Response([category.name for category in Category.objects.order_by("name")])


class AsyncProductView(AsyncAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @cache_response(
        ttl=60,
        set_cache_headers=True,
        invalidates_on=[InvalidationRule(model="catalog.Product", field_mapping={"pk": "pk"})],
    )
    async def get(self, request, pk):
        from catalog.models import Product

        CALLS["async-product"] += 1
        product = await Product.objects.aget(pk=pk)
        return Response({"id": product.pk, "price": str(product.price)})


@cache_response(ttl=60, set_cache_headers=True)
async def plain_async_view(request):
    CALLS["plain-async"] += 1
    user = await request.auser()
    return JsonResponse({"user": user.username if user.is_authenticated else None})


def uncached_product_list(request):
    """A plain view with no decorator, cached only by a route rule in settings."""
    from catalog.models import Product

    CALLS["route-products"] += 1
    data = [{"id": p.pk, "price": str(p.price)} for p in Product.objects.order_by("pk")]
    return JsonResponse(data, safe=False)
