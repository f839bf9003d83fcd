"""Views for the OpenAPI tests: restflow viewsets and generics, plain DRF views, streams."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from catalog.models import Category, Product
from django.urls import include, path
from rest_framework import generics, serializers
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView as DRFAPIView

from restflow.authentication.jwt_authentication import JWTAuthentication
from restflow.filters import ChoiceField, FilterSet, RestflowFilterBackend, StringField
from restflow.pagination import (
    CursorPagination,
    FastPageNumberPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)
from restflow.responses import NDJSONResponse, SSEResponse, StreamingJSONListResponse
from restflow.spectacular import streaming_schema
from restflow.throttling import UserRateThrottle
from restflow.views import (
    ActionConfig,
    AsyncAPIView,
    AsyncListAPIView,
    AsyncModelViewSet,
    AsyncRetrieveAPIView,
    ModelViewSet,
)


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price", "in_stock"]


class ProductCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["name", "slug", "price", "category", "brand", "created_at"]


class ProductSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name"]


class PriceChangeSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=10, decimal_places=2)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ProductFilterSet(FilterSet):
    name = StringField(lookups=["icontains"])
    status = ChoiceField(choices=[("new", "New"), ("used", "Used")], method="filter_status")
    in_stock: bool

    class Meta:
        model = Product
        order_fields = [("price", "price"), ("name", "name")]

    def filter_status(self, queryset, value):
        return queryset


class SmallPages(PageNumberPagination):
    page_size = 5


class FastPages(FastPageNumberPagination):
    page_size = 4


class CursorPages(CursorPagination):
    page_size = 5
    ordering = "-created_at"


class ProductViewSet(AsyncModelViewSet):
    """Products, with a different serializer per action."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filter_backends = [RestflowFilterBackend]
    filterset_class = ProductFilterSet
    pagination_class = SmallPages
    authentication_classes = [JWTAuthentication]
    permission_classes = [drf_permissions.IsAuthenticated]
    throttle_classes = [UserRateThrottle]
    action_configs = {
        "create": ActionConfig(
            request_serializer_class=ProductCreateSerializer,
            response_serializer_class=ProductSerializer,
        ),
        "recent": ActionConfig(
            response_serializer_class=ProductSummarySerializer,
            pagination_class=FastPageNumberPagination,
        ),
        "reprice": ActionConfig(
            request_serializer_class=PriceChangeSerializer,
            response_serializer_class=ProductSummarySerializer,
        ),
    }

    @action(detail=False, methods=["get"])
    async def recent(self, request):
        raise NotImplementedError

    @action(detail=True, methods=["post"])
    async def reprice(self, request, pk=None):
        raise NotImplementedError


class SyncProductViewSet(ModelViewSet):
    """The sync twin of ProductViewSet, with the same action configs."""

    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    filterset_class = ProductFilterSet
    pagination_class = SmallPages
    authentication_classes = [JWTAuthentication]
    permission_classes = [drf_permissions.IsAuthenticated]
    throttle_classes = [UserRateThrottle]
    action_configs = ProductViewSet.action_configs

    @action(detail=False, methods=["get"])
    def recent(self, request):
        raise NotImplementedError

    @action(detail=True, methods=["post"])
    def reprice(self, request, pk=None):
        raise NotImplementedError


class SplitProductList(AsyncListAPIView):
    """A generic view with the request/response split and the count-free paginator."""

    queryset = Product.objects.all()
    response_serializer_class = ProductSummarySerializer
    serializer_class = ProductSerializer
    pagination_class = FastPages
    filter_backends = [RestflowFilterBackend]
    filterset_class = ProductFilterSet
    authentication_classes = []
    permission_classes = [drf_permissions.AllowAny]
    throttle_classes = []


class LimitOffsetCategories(generics.ListAPIView):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    pagination_class = LimitOffsetPagination
    filter_backends = []
    authentication_classes = []
    permission_classes = [drf_permissions.AllowAny]
    throttle_classes = []


class CursorProducts(generics.ListAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSummarySerializer
    pagination_class = CursorPages
    filter_backends = []
    authentication_classes = []
    permission_classes = [drf_permissions.AllowAny]
    throttle_classes = []


class ProductDetail(AsyncRetrieveAPIView):
    queryset = Product.objects.all()
    serializer_class = ProductSerializer
    authentication_classes = [JWTAuthentication]
    permission_classes = [drf_permissions.IsAuthenticated]
    throttle_classes = []


class FilteredPlainView(DRFAPIView):
    """A plain APIView that applies a FilterSet by hand: its filters are still documented."""

    filterset_class = ProductFilterSet
    serializer_class = ProductSummarySerializer
    authentication_classes = []
    permission_classes = [drf_permissions.AllowAny]
    throttle_classes = []

    def get(self, request):
        raise NotImplementedError


class StreamBase(AsyncAPIView):
    authentication_classes = []
    permission_classes = [drf_permissions.AllowAny]
    throttle_classes = []


async def _products():
    # The rows are read in the handler, before streaming starts: the stream
    # is consumed in another thread, whose database connection would stay
    # open past the test and block the test database teardown.
    rows = await sync_to_async(list)(Product.objects.order_by("id"))

    async def stream():
        for row in rows:
            yield row

    return stream()


class NDJSONProducts(StreamBase):
    @streaming_schema(NDJSONResponse, ProductSummarySerializer)
    async def get(self, request):
        return NDJSONResponse(await _products(), serializer_class=ProductSummarySerializer)


class EventProducts(StreamBase):
    @streaming_schema(SSEResponse, ProductSummarySerializer, description="Price changes.")
    async def get(self, request):
        return SSEResponse(
            await _products(), serializer_class=ProductSummarySerializer, keepalive=None
        )


class ArrayProducts(StreamBase):
    @streaming_schema(StreamingJSONListResponse, ProductSummarySerializer)
    async def get(self, request):
        return StreamingJSONListResponse(
            await _products(), serializer_class=ProductSummarySerializer
        )


router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("sync-products", SyncProductViewSet, basename="sync-product")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/split/", SplitProductList.as_view()),
    path("api/categories/", LimitOffsetCategories.as_view()),
    path("api/cursor/", CursorProducts.as_view()),
    path("api/detail/<int:pk>/", ProductDetail.as_view()),
    path("api/plain/", FilteredPlainView.as_view()),
    path("api/stream/ndjson/", NDJSONProducts.as_view()),
    path("api/stream/events/", EventProducts.as_view()),
    path("api/stream/array/", ArrayProducts.as_view()),
]
