"""restflow: async views, FilterSet, the serializer fast path, its paginators, JWT and caching."""

from __future__ import annotations

from catalog.models import Product
from django.urls import path
from rest_framework.permissions import IsAuthenticated

from bench.stacks.common import ALIASES, FIELDS, PAGE_SIZE, VALUE_FIELDS, aslow_dependency
from restflow.authentication import JWTAuthentication, JWTStatelessUserAuthentication
from restflow.caching.response_cache import cache_response
from restflow.filters import DecimalField, FilterSet, RestflowFilterBackend
from restflow.pagination import CursorPagination, FastPageNumberPagination
from restflow.responses import NDJSONResponse
from restflow.serializers import ModelSerializer
from restflow.views import AsyncAPIView, AsyncListAPIView, AsyncRetrieveAPIView


class ProductSerializer(ModelSerializer):
    class Meta:
        model = Product
        fields = FIELDS


class ProductFilterSet(FilterSet):
    price = DecimalField(lookups=["gte", "lte"])
    in_stock: bool

    class Meta:
        model = Product
        fields = ["category"]
        order_fields = [("price", "price")]
        order_param = "ordering"


class Pages(FastPageNumberPagination):
    page_size = PAGE_SIZE


class Cursor(CursorPagination):
    ordering = "id"
    page_size = PAGE_SIZE


def product_list(alias: str, slow: bool = False):
    class ProductList(AsyncListAPIView):
        queryset = Product.objects.using(alias).all()
        serializer_class = ProductSerializer
        pagination_class = Pages
        filter_backends = [RestflowFilterBackend]
        filterset_class = ProductFilterSet

        async def get(self, request, *args, **kwargs):
            if slow:
                await aslow_dependency()
            return await super().get(request, *args, **kwargs)

    return ProductList.as_view()


class ProductDetail(AsyncRetrieveAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]


class StatelessProductDetail(ProductDetail):
    """The same checks on the token; the user comes from its claims, with no user query."""

    authentication_classes = [JWTStatelessUserAuthentication]


class CachedProductDetail(AsyncRetrieveAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer

    @cache_response(ttl=3600)
    async def get(self, request, *args, **kwargs):
        return await self.retrieve(request, *args, **kwargs)


class RuleCachedProductDetail(AsyncRetrieveAPIView):
    """Cached by the route rule in ``RESTFLOW_SETTINGS["MIDDLEWARE"]["CACHE_RULES"]``."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer


def deep_list(pagination_class):
    class DeepList(AsyncListAPIView):
        queryset = Product.objects.using("deep").order_by("id")
        serializer_class = ProductSerializer

    DeepList.pagination_class = pagination_class
    return DeepList.as_view()


class Export(AsyncAPIView):
    """NDJSON export of the first ``?rows=`` products of the 1,000,000-row table, streamed."""

    async def get(self, request, *args, **kwargs):
        rows = int(request.query_params.get("rows", 1_000_000))
        queryset = Product.objects.using("deep").order_by("id").values(*VALUE_FIELDS)[:rows]
        return NDJSONResponse(queryset.aiterator(chunk_size=2000))


urlpatterns = [
    *(path(f"{db}/products/", product_list(alias)) for db, alias in ALIASES.items()),
    *(
        path(f"{db}/slow-products/", product_list(alias, slow=True))
        for db, alias in ALIASES.items()
    ),
    path("pg/products/<int:pk>/", ProductDetail.as_view()),
    path("pg/stateless-products/<int:pk>/", StatelessProductDetail.as_view()),
    path("pg/cached/<int:pk>/", CachedProductDetail.as_view()),
    path("pg/rule-cached/<int:pk>/", RuleCachedProductDetail.as_view()),
    path("deep/cursor/", deep_list(Cursor)),
    path("deep/pages/", deep_list(Pages)),
    path("deep/export/", Export.as_view()),
]
