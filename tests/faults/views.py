"""The fault harness's own small API on the catalog models, served by uvicorn.

It covers each cached path (``@cache_result`` sync and async,
``@cache_response``, a middleware route rule), a throttled view, the JWT
views, database-bound views and a stream, so a fault in one service can be
watched from the client side.
"""

from __future__ import annotations

import asyncio
import os
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from catalog.models import Brand, Category, Product
from django.db import connection
from django.http import JsonResponse
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.authentication import JWTAuthentication
from restflow.caching import (
    ArgsKeyField,
    InvalidationRule,
    KeyConstructor,
    cache_response,
    cache_result,
)
from restflow.responses import NDJSONResponse
from restflow.throttling import ScopedRateThrottle
from restflow.views import AsyncAPIView

__all__ = [
    "AsyncPriceView",
    "BrandNameView",
    "CategoryListView",
    "GuardedView",
    "LimitedView",
    "MeView",
    "PriceView",
    "ProductDetailView",
    "SlowQueryView",
    "StreamView",
    "brand_name",
    "product_price",
    "slow_brand_invalidator",
]


def product_rule(argument: str = "product_id") -> InvalidationRule:
    """Return a new rule (one object per cached function) mapping ``argument`` to the pk."""
    return InvalidationRule(model="catalog.Product", field_mapping={argument: "pk"})


def marker_dir() -> Path:
    """Return the folder where views leave files the test reads (``FAULTS_MARKER_DIR``)."""
    return Path(os.environ.get("FAULTS_MARKER_DIR", "/nonexistent"))


class ProductKey(KeyConstructor):
    """Key prices by product, as a partition, so an invalidation replaces its generation.

    A generation wipe cannot be undone by a reader that computed the old
    value before the commit and stores it afterwards: that reader stores
    under the old generation, which nobody reads any more.
    """

    product_id = ArgsKeyField("product_id", partition=True)

    class Meta:
        namespace = "faults-prices"


@cache_result(ProductKey, ttl=300, invalidates_on=[product_rule()])
def product_price(product_id: int) -> str:
    return str(Product.objects.values_list("price", flat=True).get(pk=product_id))


@cache_result(ProductKey, ttl=300, invalidates_on=[product_rule()])
async def aproduct_price(product_id: int) -> str:
    price = await Product.objects.values_list("price", flat=True).aget(pk=product_id)
    return str(price)


def _slow_invalidate(wrapper: Any, instance: Any, tag: str) -> None:
    folder = marker_dir()
    if (folder / f"{tag}-slow").exists():
        (folder / f"{tag}-started").write_text(str(os.getpid()))
        (folder / f"{tag}-slow").unlink(missing_ok=True)
        time.sleep(5)
    wrapper.delete_by_prefix(brand_id=instance.pk)


def slow_brand_invalidator(wrapper: Any, instance: Any, **extras: Any) -> None:
    """Invalidate a brand's name, slowly when the test left a ``plain-slow`` file.

    The test kills the RQ work-horse while this sleeps, then checks that the
    job runs again.
    """
    _slow_invalidate(wrapper, instance, "plain")


class BrandKey(KeyConstructor):
    brand_id = ArgsKeyField("brand_id", partition=True)

    class Meta:
        namespace = "faults-brands"


@cache_result(
    BrandKey,
    ttl=300,
    invalidates_on=[
        InvalidationRule(
            model="catalog.Brand",
            invalidator="tests.faults.views.slow_brand_invalidator",
            dispatcher="django_rq",
        )
    ],
)
def brand_name(brand_id: int) -> str:
    return Brand.objects.values_list("name", flat=True).get(pk=brand_id)


def _product_data(product: Product) -> dict[str, Any]:
    return {"id": product.pk, "name": product.name, "price": str(product.price)}


class ProductDetailView(APIView):
    """GET is cached by ``@cache_response``; PATCH writes the price and invalidates."""

    @cache_response(ttl=300, invalidates_on=[product_rule("pk")], set_cache_headers=True)
    def get(self, request: Any, pk: int) -> Response:
        return Response(_product_data(Product.objects.get(pk=pk)))

    def patch(self, request: Any, pk: int) -> Response:
        product = Product.objects.get(pk=pk)
        product.price = Decimal(str(request.data["price"]))
        product.save(update_fields=["price", "updated_at"])
        return Response(_product_data(product))


class PriceView(APIView):
    """The price through a sync ``@cache_result`` function."""

    def get(self, request: Any, pk: int) -> Response:
        return Response({"id": pk, "price": product_price(pk)})


class AsyncPriceView(AsyncAPIView):
    """The price through an async ``@cache_result`` function, on the async view stack."""

    async def get(self, request: Any, pk: int) -> Response:
        return Response({"id": pk, "price": await aproduct_price(pk)})


class BrandNameView(APIView):
    """A brand's name through ``brand_name``, invalidated by an RQ job; PATCH renames."""

    def get(self, request: Any, pk: int) -> Response:
        return Response({"id": pk, "name": brand_name(pk)})

    def patch(self, request: Any, pk: int) -> Response:
        brand = Brand.objects.get(pk=pk)
        brand.name = str(request.data["name"])
        brand.save()
        return Response({"id": pk, "name": brand.name})


class CategoryListView(APIView):
    """Cached by the middleware's route rule ``^/api/categories/$``."""

    def get(self, request: Any) -> Response:
        return Response([{"id": c.pk, "name": c.name} for c in Category.objects.order_by("pk")])


class CategoryRenameView(APIView):
    """GET reads the name through the Celery- and Dramatiq-invalidated functions; PATCH renames."""

    def get(self, request: Any, pk: int) -> Response:
        from tests.faults.queues import celery_label, dramatiq_label

        return Response({"celery": celery_label(pk), "dramatiq": dramatiq_label(pk)})

    def patch(self, request: Any, pk: int) -> Response:
        category = Category.objects.get(pk=pk)
        category.name = str(request.data["name"])
        category.save()
        return Response({"id": pk, "name": category.name})


class LimitedView(APIView):
    """Throttled at ``limited`` (25 an hour by default) in the Redis throttle store."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "limited"

    def get(self, request: Any) -> Response:
        return Response({"ok": True})


class GuardedView(LimitedView):
    """Throttled at a rate no test reaches: it shows the store-down behaviour alone."""

    throttle_scope = "guarded"


class MeView(AsyncAPIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    async def get(self, request: Any) -> Response:
        user = request.user
        return Response({"username": user.get_username()})


class SlowQueryView(APIView):
    """Hold a query on the server for ``seconds`` (default 2), so a test can cut it."""

    def get(self, request: Any) -> Response:
        seconds = float(request.query_params.get("seconds", "2"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [seconds])
        return Response({"slept": seconds, "products": Product.objects.count()})


class StreamView(AsyncAPIView):
    """An endless NDJSON stream whose producer records in a file that it was closed."""

    async def get(self, request: Any) -> NDJSONResponse:
        name = request.query_params.get("name", "stream")
        return NDJSONResponse(_endless(marker_dir() / name))


async def _endless(marker: Path):
    marker.write_text("started")
    index = 0
    try:
        while True:
            yield {"index": index, "padding": "x" * 512}
            index += 1
            await asyncio.sleep(0.01)
    finally:
        marker.write_text(f"closed after {index}")


def health(request: Any) -> JsonResponse:
    return JsonResponse({"ok": True})
