"""Views of the catalog API: the product viewset, categories, brands and two streams."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import AsyncIterator
from typing import Any

from django.utils import timezone
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from catalog.filters import ProductFilterSet
from catalog.models import Brand, Category, Product, Review
from catalog.serializers import (
    BrandSerializer,
    CategorySerializer,
    PriceChangeSerializer,
    ProductDetailSerializer,
    ProductListSerializer,
    ProductSerializer,
)
from restflow.caching import InvalidationRule, cache_response
from restflow.filters import RestflowFilterBackend
from restflow.pagination import FastPageNumberPagination
from restflow.permissions import IsAdminUser, IsAuthenticatedOrReadOnly
from restflow.responses import (
    EventStreamRenderer,
    NDJSONRenderer,
    NDJSONResponse,
    Response,
    SSEEvent,
    SSEResponse,
)
from restflow.spectacular import streaming_schema
from restflow.views import ActionConfig, AsyncAPIView, AsyncModelViewSet, PostFetch

__all__ = [
    "BrandListView",
    "CategoryListView",
    "PriceFeedView",
    "ProductExportView",
    "ProductPagination",
    "ProductViewSet",
]


class ProductPagination(FastPageNumberPagination):
    """``?page=N&page_size=M``, 50 to a page by default and at most 100, without a COUNT."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


# The three best reviews of each listed product, in one query per page.
TOP_REVIEWS = PostFetch(
    Review.objects.all(),
    "top_reviews",
    ["id", "author_name", "rating", "title"],
    limit=3,
    order_by=["-rating", "-created_at"],
    product_id="id",
)


class ProductViewSet(AsyncModelViewSet):
    """Products: anyone reads, signed-in users write, only staff delete."""

    queryset = Product.objects.select_related("category", "brand").order_by("id")
    serializer_class = ProductSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = ProductPagination
    filter_backends = [RestflowFilterBackend]
    filterset_class = ProductFilterSet
    lookup_value_converter = "int"
    action_configs = {
        "list": ActionConfig(serializer_class=ProductListSerializer, post_fetches=[TOP_REVIEWS]),
        "retrieve": ActionConfig(
            serializer_class=ProductDetailSerializer,
            queryset=Product.objects.select_related("category", "brand").prefetch_related(
                "reviews"
            ),
        ),
        "destroy": ActionConfig(permission_classes=[IsAdminUser]),
    }

    # The cache key contains the ``pk`` of the URL, so a save of the product
    # or of one of its reviews deletes only that product's entry. A category
    # save deletes every entry, because each one embeds its category.
    @cache_response(
        ttl=300,
        set_cache_headers=True,
        invalidates_on=[
            InvalidationRule(model="catalog.Product", field_mapping={"pk": "pk"}),
            InvalidationRule(
                model="catalog.Review", field_mapping={"pk": "product_id"}, trigger_on_create=True
            ),
            InvalidationRule(model="catalog.Category", field_mapping={}),
        ],
    )
    async def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await super().retrieve(request, *args, **kwargs)


class CategoryListView(generics.ListAPIView):
    """Every category in one response (there are only a few)."""

    queryset = Category.objects.order_by("name")
    serializer_class = CategorySerializer
    pagination_class = None

    # One entry for the whole list: any category save deletes it.
    @cache_response(
        ttl=300,
        set_cache_headers=True,
        invalidates_on=[
            InvalidationRule(model="catalog.Category", field_mapping={}, trigger_on_create=True)
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class BrandListView(generics.ListAPIView):
    """Every brand. No decorator: a route rule in ``RESTFLOW_SETTINGS`` caches it."""

    queryset = Brand.objects.order_by("name")
    serializer_class = BrandSerializer
    pagination_class = None


class ProductExportView(AsyncAPIView):
    """Every product as NDJSON, one line per product in id order, streamed as it is read."""

    renderer_classes = [NDJSONRenderer, JSONRenderer]

    @streaming_schema(NDJSONResponse, ProductSerializer)
    async def get(self, request: Request) -> NDJSONResponse:
        products = Product.objects.select_related("category", "brand").order_by("id")
        return NDJSONResponse(
            products.aiterator(chunk_size=500),
            serializer_class=ProductSerializer,
            serializer_context={"request": request},
        )


async def price_changes(since: datetime.datetime) -> AsyncIterator[dict[str, Any]]:
    """Yield each product saved after ``since``, polling the table once a second."""
    while True:
        rows = (
            Product.objects.filter(updated_at__gt=since)
            .order_by("updated_at")
            .values("id", "name", "price", "updated_at")
        )
        async for row in rows:
            since = row["updated_at"]
            yield row
        await asyncio.sleep(1)


class PriceFeedView(AsyncAPIView):
    """Server-Sent Events: a ``price`` event for each saved product.

    A reconnecting ``EventSource`` sends the last event id, a timestamp, and
    resumes after it.
    """

    # EventSource requests text/event-stream. JSON is there for error responses.
    renderer_classes = [EventStreamRenderer, JSONRenderer]

    @streaming_schema(SSEResponse, PriceChangeSerializer, description="One event per product save.")
    async def get(self, request: Request) -> SSEResponse:
        last_id = request.headers.get("Last-Event-ID")
        since = _parse_event_id(last_id) if last_id else timezone.now()

        async def events() -> AsyncIterator[SSEEvent]:
            async for row in price_changes(since):
                yield SSEEvent(
                    event="price",
                    id=row["updated_at"].isoformat(),
                    data={"product": row["id"], "name": row["name"], "price": str(row["price"])},
                )

        return SSEResponse(events(), keepalive=15)


def _parse_event_id(value: str) -> datetime.datetime:
    """Return the timestamp of a ``Last-Event-ID``, or now when a client sent something else."""
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return timezone.now()
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
