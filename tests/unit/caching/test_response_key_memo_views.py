"""Through an async view, remembered keys keep callers apart and hits repeat the miss."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient, override_settings

from tests.cacheapp.views import CALLS

pytestmark = [pytest.mark.django_db(transaction=True)]

# The cache headers tell hit from miss; the request id is new on every request.
PER_REQUEST = {"x-cache-status", "x-cached-at", "x-cache-expires-at", "x-request-id"}


def _headers(response):
    return [(name, value) for name, value in response.items() if name.lower() not in PER_REQUEST]


async def test_hits_repeat_the_miss_and_variants_stay_apart(make_product):
    CALLS.clear()
    product = await sync_to_async(make_product)()
    client = AsyncClient()
    url = f"/api/async-products/{product.pk}/"
    variants = [
        {},
        {"Accept-Language": "de"},
        {"X-Forwarded-Host": "other.example"},
        {"Authorization": "Token abc"},
    ]
    with override_settings(ROOT_URLCONF="tests.cacheapp.urls"):
        misses = []
        for extra in variants:
            miss = await client.get(url, headers=extra)
            assert miss["X-Cache-Status"] == "MISS", extra
            misses.append(miss)
        for _ in range(2):
            for extra, miss in zip(variants, misses, strict=True):
                hit = await client.get(url, headers=extra)
                assert hit["X-Cache-Status"] == "HIT", extra
                assert _headers(hit) == _headers(miss)
                assert hit.content == miss.content
    assert CALLS["async-product"] == len(variants)
