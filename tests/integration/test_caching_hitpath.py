"""The one-read hit path of response caching never serves an entry that was invalidated.

A response entry keeps the generation token it was written under, and a hit
reads it together with the current generation numbers. Each test stores an
entry and checks that the next request is a hit. It then changes something
that must invalidate the entry: a model save, a partition wipe, a
whole-function wipe, a wipe of everything or a version bump. The very next
request must be a miss with fresh data, on the local-memory cache and on
Redis.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.test import AsyncClient, Client, RequestFactory, override_settings

from restflow.caching import KeyConstructor, RequestValueKeyField
from restflow.caching.backends import get_backend
from restflow.caching.registry import CacheRegister
from restflow.caching.response_cache import cache_response
from tests.cacheapp import views
from tests.cacheapp.views import CALLS

pytestmark = pytest.mark.django_db(transaction=True)

# Rule names of their own: a rule's id comes from its name, and the fixtures
# drop only the rules whose ids they did not find registered before.
ROUTE_RULES = [
    {
        "path": r"^/api/route-products/$",
        "name": "hitpath-route",
        "ttl": 60,
        "invalidates_on": ["catalog.Product"],
    }
]
REDIS_ROUTE_RULES = [{**ROUTE_RULES[0], "name": "hitpath-route-redis", "cache_alias": "redis"}]

ADAPTERS = [
    pytest.param(
        {"MIDDLEWARE": {"CACHE_RULES": ROUTE_RULES}},
        id="locmem",
    ),
    pytest.param(
        {
            "CACHE_SETTINGS": {"BACKEND": "redis", "CACHE_ALIAS": "redis"},
            "MIDDLEWARE": {"CACHE_RULES": REDIS_ROUTE_RULES},
        },
        id="redis",
        marks=pytest.mark.redis,
    ),
]

_numbers = itertools.count()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(params=ADAPTERS)
def adapter(request):
    CALLS.clear()
    caches["default"].clear()
    before = {rule.rule_id for rule in CacheRegister.rules()}
    with override_settings(ROOT_URLCONF="tests.cacheapp.urls", RESTFLOW_SETTINGS=request.param):
        yield request.param
    for rule in CacheRegister.rules():
        if rule.rule_id not in before:
            CacheRegister._drop(rule.rule_id)
    caches["default"].clear()
    from tests.unit.caching.conftest import _close_executor_connections

    _close_executor_connections()
    if "redis" in request.node.callspec.id and "redis" in settings.CACHES:
        from tests.cacheapp.redis_cleanup import delete_restflow_keys

        delete_restflow_keys()


def _product(price: str = "10.00"):
    from catalog.models import Brand, Category, Product

    number = next(_numbers)
    category = Category.objects.create(name=f"Hit {number}", slug=f"hit-{number}")
    brand = Brand.objects.create(name=f"Hit {number}", slug=f"hit-brand-{number}")
    return Product.objects.create(
        name=f"Hit {number}",
        slug=f"hit-product-{number}",
        price=Decimal(price),
        created_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        category=category,
        brand=brand,
    )


def _status(response) -> str:
    return response["X-Cache-Status"]


def test_save_makes_next_request_miss(adapter):
    product = _product()
    client = Client()
    url = f"/api/products/{product.pk}/"
    assert _status(client.get(url)) == "MISS"
    assert _status(client.get(url)) == "HIT"
    product.price = Decimal("2.50")
    product.save()
    after = client.get(url)
    assert _status(after) == "MISS"
    assert after.json()["price"] == "2.50"
    assert _status(client.get(url)) == "HIT"
    assert CALLS["product"] == 2


def test_partition_wipe_reaches_only_its_partition(adapter):
    first, second = _product(), _product()
    client = Client()
    for product in (first, second):
        client.get(f"/api/products/{product.pk}/")
    views.ProductDetailView.get.delete_by_prefix(pk=first.pk)
    assert _status(client.get(f"/api/products/{first.pk}/")) == "MISS"
    assert _status(client.get(f"/api/products/{second.pk}/")) == "HIT"


def test_function_and_global_wipes_miss(adapter):
    product = _product()
    client = Client()
    url = f"/api/products/{product.pk}/"
    client.get(url)
    views.ProductDetailView.get.invalidate_all()
    assert _status(client.get(url)) == "MISS"
    assert _status(client.get(url)) == "HIT"
    get_backend(adapter.get("CACHE_SETTINGS", {}).get("CACHE_ALIAS")).wipe_prefix("rf")
    assert _status(client.get(url)) == "MISS"


@pytest.mark.anyio
async def test_async_view_misses_after_a_save(adapter):
    from asgiref.sync import sync_to_async

    product = await sync_to_async(_product)()
    client = AsyncClient()
    url = f"/api/async-products/{product.pk}/"
    assert _status(await client.get(url)) == "MISS"
    assert _status(await client.get(url)) == "HIT"
    product.price = Decimal("3.75")
    await sync_to_async(product.save)()
    after = await client.get(url)
    assert _status(after) == "MISS"
    assert after.json()["price"] == "3.75"
    await views.AsyncProductView.get.adelete_by_prefix(pk=product.pk)
    assert _status(await client.get(url)) == "MISS"


def test_old_generation_vary_not_trusted(adapter):
    # The first response varies on X-Flavour; after a wipe the view stops
    # varying. An entry stored for one flavour before the wipe must not be
    # served, and the new entry serves every flavour.
    client = Client()
    url = "/api/behaviour/?vary=X-Flavour"
    client.get(url, HTTP_X_FLAVOUR="oat")
    assert _status(client.get(url, HTTP_X_FLAVOUR="oat")) == "HIT"
    assert _status(client.get(url, HTTP_X_FLAVOUR="rye")) == "MISS"
    views.BehaviourView.get.invalidate_all()
    assert _status(client.get(url, HTTP_X_FLAVOUR="oat")) == "MISS"
    assert CALLS["behaviour"] == 3


def test_route_rule_misses_after_save_and_wipe(adapter):
    from restflow.caching.middleware import route_rules

    product = _product()
    client = Client()
    assert _status(client.get("/api/route-products/")) == "MISS"
    assert _status(client.get("/api/route-products/")) == "HIT"
    product.price = Decimal("7.00")
    product.save()
    after = client.get("/api/route-products/")
    assert _status(after) == "MISS"
    assert after.json()[0]["price"] == "7.00"
    assert _status(client.get("/api/route-products/")) == "HIT"
    route_rules()[0].wrapper.invalidate_all()
    assert _status(client.get("/api/route-products/")) == "MISS"
    assert CALLS["route-products"] == 3


@pytest.mark.anyio
async def test_route_rule_under_asgi_misses_after_a_save(adapter):
    from asgiref.sync import sync_to_async

    product = await sync_to_async(_product)()
    client = AsyncClient()
    assert _status(await client.get("/api/route-products/")) == "MISS"
    assert _status(await client.get("/api/route-products/")) == "HIT"
    product.price = Decimal("8.00")
    await sync_to_async(product.save)()
    after = await client.get("/api/route-products/")
    assert _status(after) == "MISS"
    assert after.json()[0]["price"] == "8.00"


class _VersionOne(KeyConstructor):
    path = RequestValueKeyField("path")

    class Meta:
        namespace = "hitpath-versions"
        version = 1


class _VersionTwo(_VersionOne):
    class Meta:
        namespace = "hitpath-versions"
        version = 2


def _versioned(request):
    CALLS["versioned"] += 1
    return HttpResponse(f"call {CALLS['versioned']}")


def test_version_bump_skips_old_entries(adapter):
    alias = adapter.get("CACHE_SETTINGS", {}).get("CACHE_ALIAS")
    one = cache_response(_VersionOne, set_cache_headers=True, cache_alias=alias)(_versioned)
    two = cache_response(_VersionTwo, set_cache_headers=True, cache_alias=alias)(_versioned)
    request = RequestFactory().get("/api/versioned/")
    assert _status(one(request)) == "MISS"
    assert _status(one(request)) == "HIT"
    bumped = two(request)
    assert _status(bumped) == "MISS"
    assert bumped.content == b"call 2"
    assert _status(two(request)) == "HIT"


def test_retired_entry_not_served(adapter):
    alias = adapter.get("CACHE_SETTINGS", {}).get("CACHE_ALIAS")
    cached = cache_response(_VersionOne, set_cache_headers=True, cache_alias=alias)(_versioned)
    request = RequestFactory().get("/api/retired/")
    cached(request)
    assert _status(cached(request)) == "HIT"
    cached.delete_cache(request)
    assert _status(cached(request)) == "MISS"


class CountingLocMemCache(LocMemCache):
    """A local-memory cache that records the reads restflow makes (get_many reads by get)."""

    reads: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_many = False

    def get_many(self, keys, version=None):
        self.reads.append("get_many")
        self._in_many = True
        try:
            return super().get_many(keys, version=version)
        finally:
            self._in_many = False

    def get(self, key, default=None, version=None):
        if not self._in_many:
            self.reads.append("get")
        return super().get(key, default=default, version=version)


@pytest.fixture
def counting_cache():
    counting = {
        "BACKEND": "tests.integration.test_caching_hitpath.CountingLocMemCache",
        "LOCATION": "hitpath-counting",
    }
    rules = [{**ROUTE_RULES[0], "name": "hitpath-counting", "cache_alias": "counting"}]
    CALLS.clear()
    before = {rule.rule_id for rule in CacheRegister.rules()}
    with override_settings(
        CACHES={**settings.CACHES, "counting": counting},
        ROOT_URLCONF="tests.cacheapp.urls",
        RESTFLOW_SETTINGS={
            "CACHE_SETTINGS": {"CACHE_ALIAS": "counting"},
            "MIDDLEWARE": {"CACHE_RULES": rules},
        },
    ):
        caches["counting"].clear()
        CountingLocMemCache.reads.clear()
        yield CountingLocMemCache.reads
        caches["counting"].clear()
    # The route rule invalidates through the "counting" alias, which is gone
    # now: a later save must not run it.
    for rule in CacheRegister.rules():
        if rule.rule_id not in before:
            CacheRegister._drop(rule.rule_id)


@pytest.mark.anyio
async def test_hit_is_one_get_many(counting_cache):
    from asgiref.sync import sync_to_async

    product = await sync_to_async(_product)()
    client = AsyncClient()
    for url in ("/api/route-products/", f"/api/async-products/{product.pk}/"):
        await client.get(url)
        counting_cache.clear()
        hit = await client.get(url)
        assert _status(hit) == "HIT"
        assert counting_cache == ["get_many"]
    from tests.unit.caching.conftest import _close_executor_connections

    await sync_to_async(_close_executor_connections, thread_sensitive=False)()
