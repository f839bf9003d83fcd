"""Views under test: every async generic, sync and async viewsets, and paginated lists."""

from __future__ import annotations

from typing import Any

from catalog.models import Product, Review
from rest_framework import serializers
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from restflow import pagination
from restflow.permissions import BasePermission, IsAdminUser, IsAuthenticated
from restflow.views import (
    ActionConfig,
    AsyncAPIView,
    AsyncCreateAPIView,
    AsyncDestroyAPIView,
    AsyncListAPIView,
    AsyncListCreateAPIView,
    AsyncModelViewSet,
    AsyncRetrieveAPIView,
    AsyncRetrieveDestroyAPIView,
    AsyncRetrieveUpdateAPIView,
    AsyncRetrieveUpdateDestroyAPIView,
    AsyncUpdateAPIView,
    ModelViewSet,
    PostFetch,
)
from tests.viewsapp.models import Gadget
from tests.viewsapp.serializers import (
    GadgetSerializer,
    ProductListSerializer,
    ProductSerializer,
)


class IsOwnerOrReadOnly(BasePermission):
    """Anyone may read; only the gadget's owner may change it (sync and async hooks)."""

    message = "Only the owner may change this gadget."

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or obj.owner_id == request.user.pk

    async def ahas_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return request.method in ("GET", "HEAD", "OPTIONS") or obj.owner_id == request.user.pk


class GadgetPolicy:
    # Basic first, so a missing login is a 401 with WWW-Authenticate.
    authentication_classes = [BasicAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated & IsOwnerOrReadOnly]
    serializer_class = GadgetSerializer
    queryset = Gadget.objects.order_by("id")
    pagination_class = None


# --- every concrete async generic view --------------------------------------


class GadgetList(GadgetPolicy, AsyncListAPIView):
    pass


class GadgetCreate(GadgetPolicy, AsyncCreateAPIView):
    def perform_create(self, serializer: Any) -> None:
        # A DRF-style sync override: the async mixin must call it.
        serializer.save(owner=self.request.user)


class GadgetRetrieve(GadgetPolicy, AsyncRetrieveAPIView):
    pass


class GadgetUpdate(GadgetPolicy, AsyncUpdateAPIView):
    pass


class GadgetDestroy(GadgetPolicy, AsyncDestroyAPIView):
    pass


class GadgetListCreate(GadgetPolicy, AsyncListCreateAPIView):
    async def aperform_create(self, serializer: Any) -> None:
        await serializer_save(serializer, owner=self.request.user)


class GadgetRetrieveUpdate(GadgetPolicy, AsyncRetrieveUpdateAPIView):
    pass


class GadgetRetrieveDestroy(GadgetPolicy, AsyncRetrieveDestroyAPIView):
    pass


class GadgetRetrieveUpdateDestroy(GadgetPolicy, AsyncRetrieveUpdateDestroyAPIView):
    pass


async def serializer_save(serializer: Any, **kwargs: Any) -> Any:
    from restflow.views.mixins import asave_serializer

    return await asave_serializer(serializer, **kwargs)


# --- viewsets, async and sync -------------------------------------------------


class GadgetViewSetPolicy(GadgetPolicy):
    action_configs = {
        "destroy": ActionConfig(permission_classes=[IsAdminUser]),
        "mine": ActionConfig(pagination_class=pagination.PageNumberPagination),
    }

    def perform_create(self, serializer: Any) -> None:
        serializer.save(owner=self.request.user)


class AsyncGadgetViewSet(GadgetViewSetPolicy, AsyncModelViewSet):
    @action(detail=False, methods=["get"])
    async def mine(self, request: Any) -> Response:
        queryset = self.get_queryset().filter(owner=request.user)
        return await self.apaginated_response(queryset)

    @action(detail=True, methods=["post"])
    async def rename(self, request: Any, pk: Any = None) -> Response:
        gadget = await self.aget_object()
        gadget.name = str(request.data.get("name", gadget.name))
        await gadget.asave(update_fields=["name"])
        return await self.aserialized_response(gadget)


class SyncGadgetViewSet(GadgetViewSetPolicy, ModelViewSet):
    @action(detail=False, methods=["get"])
    def mine(self, request: Any) -> Response:
        queryset = self.get_queryset().filter(owner=request.user)
        return self.paginated_response(queryset)

    @action(detail=True, methods=["post"])
    def rename(self, request: Any, pk: Any = None) -> Response:
        gadget = self.get_object()
        gadget.name = str(request.data.get("name", gadget.name))
        gadget.save(update_fields=["name"])
        return self.serialized_response(gadget)


class ProductPages(pagination.FastPageNumberPagination):
    page_size = 3


REVIEWS = PostFetch(
    Review.objects.all(),
    "top_reviews",
    ["title", "rating"],
    limit=2,
    order_by=["-rating", "id"],
    product_id="id",
)


class ProductWithReviewsSerializer(ProductListSerializer):
    top_reviews = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta(ProductListSerializer.Meta):
        fields = [*ProductListSerializer.Meta.fields, "top_reviews"]


class ProductViewSetPolicy:
    authentication_classes = [BasicAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    queryset = Product.objects.select_related("category").order_by("id")
    serializer_class = ProductSerializer
    pagination_class = ProductPages
    action_configs = {
        "list": ActionConfig(
            response_serializer_class=ProductWithReviewsSerializer, post_fetches=[REVIEWS]
        ),
        "destroy": ActionConfig(permission_classes=[IsAdminUser]),
    }


class AsyncProductViewSet(ProductViewSetPolicy, AsyncModelViewSet):
    pass


class SyncProductViewSet(ProductViewSetPolicy, ModelViewSet):
    pass


# --- paginated lists, one per paginator, sync and async ---------------------


class SmallPages(pagination.PageNumberPagination):
    page_size = 2
    page_size_query_param = "page_size"
    max_page_size = 3


class SmallLimitOffset(pagination.LimitOffsetPagination):
    default_limit = 2
    max_limit = 3


class SmallFastPages(pagination.FastPageNumberPagination):
    page_size = 2
    page_size_query_param = "page_size"
    max_page_size = 3


class SmallCursor(pagination.CursorPagination):
    page_size = 2
    ordering = "-price"
    page_size_query_param = "page_size"
    max_page_size = 3


PAGINATORS = {
    "page": SmallPages,
    "limit": SmallLimitOffset,
    "fast": SmallFastPages,
    "cursor": SmallCursor,
}


class _Lists:
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    queryset = Gadget.objects.order_by("id")
    serializer_class = GadgetSerializer


def paginated_views() -> dict[str, Any]:
    """Return ``{"<kind>-async": view, "<kind>-sync": view}`` for each paginator."""
    from restflow.views import GenericViewSet, ListModelMixin

    views: dict[str, Any] = {}
    for kind, paginator in PAGINATORS.items():
        async_view = type(
            f"{kind.title()}AsyncList", (_Lists, AsyncListAPIView), {"pagination_class": paginator}
        )
        sync_view = type(
            f"{kind.title()}SyncList",
            (_Lists, ListModelMixin, GenericViewSet),
            {"pagination_class": paginator},
        )
        views[f"{kind}-async"] = async_view.as_view()
        views[f"{kind}-sync"] = sync_view.as_view({"get": "list"})
    return views


class Echo(AsyncAPIView):
    """Echo what the view received: user, Authorization header, content type and data."""

    authentication_classes = [SessionAuthentication]
    permission_classes: list[Any] = []

    async def _echo(self, request: Any) -> Response:
        return Response(
            {
                "method": request.method,
                "user": None if request.user.is_anonymous else request.user.username,
                "auth": request.auth,
                "authorization": request.META.get("HTTP_AUTHORIZATION"),
                "custom": request.META.get("HTTP_X_CUSTOM"),
                "content_type": request.content_type,
                "data": request.data,
                "query": request.query_params.dict(),
            }
        )

    get = post = put = patch = delete = options = _echo
