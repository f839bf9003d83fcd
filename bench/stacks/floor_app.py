"""The hand-written floor: plain async Django views, ``.values_list()`` and ``json.dumps``."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import jwt
from catalog.models import Product
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.urls import path

from bench.stacks.common import (
    ALIASES,
    FIELDS,
    PAGE_SIZE,
    VALUE_FIELDS,
    aslow_dependency,
    parse_page,
)

CONSTANT_BODY = b'{"id":1,"name":"Product 1","price":"9.99"}'


def _json(data: object) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":"))
    return HttpResponse(body, content_type="application/json")


def _filtered(alias: str, params) -> object | None:
    try:
        return (
            Product.objects.using(alias)
            .filter(
                price__gte=Decimal(params["price__gte"]),
                price__lte=Decimal(params["price__lte"]),
                category_id=int(params["category"]),
                in_stock=params["in_stock"] == "true",
            )
            .order_by("-price", "id")
        )
    except (KeyError, ValueError, InvalidOperation):
        return None


async def _page(request, alias: str) -> HttpResponse:
    queryset = _filtered(alias, request.GET)
    if queryset is None:
        return JsonResponse({"error": "bad filter"}, status=400)
    page = parse_page(request.GET.get("page"))
    start = (page - 1) * PAGE_SIZE
    window = queryset.values_list(*VALUE_FIELDS)[start : start + PAGE_SIZE + 1]
    rows = [dict(zip(FIELDS, row, strict=False)) async for row in window]
    return _json(
        {
            "next": page + 1 if len(rows) > PAGE_SIZE else None,
            "previous": page - 1 if page > 1 else None,
            "results": rows[:PAGE_SIZE],
        }
    )


def product_list(alias: str):
    async def view(request):
        return await _page(request, alias)

    return view


def slow_product_list(alias: str):
    async def view(request):
        await aslow_dependency()
        return await _page(request, alias)

    return view


async def product_detail(request, pk: int):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer":
        return JsonResponse({"error": "not authenticated"}, status=401)
    try:
        jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return JsonResponse({"error": "invalid token"}, status=401)
    row = await Product.objects.filter(pk=pk).values_list(*VALUE_FIELDS).afirst()
    if row is None:
        return JsonResponse({"error": "not found"}, status=404)
    return _json(dict(zip(FIELDS, row, strict=False)))


async def constant(request, pk: int):
    return HttpResponse(CONSTANT_BODY, content_type="application/json")


async def deep_keyset(request):
    """Keyset page on the 1,000,000-row table: ``?after=<id>``, ordered by id."""
    try:
        after = int(request.GET.get("after", 0))
    except ValueError:
        return JsonResponse({"error": "bad after"}, status=400)
    window = (
        Product.objects.using("deep")
        .filter(id__gt=after)
        .order_by("id")
        .values_list(*VALUE_FIELDS)[: PAGE_SIZE + 1]
    )
    rows = [dict(zip(FIELDS, row, strict=False)) async for row in window]
    last = rows[PAGE_SIZE - 1]["id"] if len(rows) > PAGE_SIZE else None
    return _json({"next": last, "results": rows[:PAGE_SIZE]})


urlpatterns = [
    *(path(f"{db}/products/", product_list(alias)) for db, alias in ALIASES.items()),
    *(path(f"{db}/slow-products/", slow_product_list(alias)) for db, alias in ALIASES.items()),
    path("pg/products/<int:pk>/", product_detail),
    path("pg/constant/<int:pk>/", constant),
    path("deep/keyset/", deep_keyset),
]
