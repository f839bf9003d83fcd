"""End-to-end adoption pairs: throttling, JWT, filtering, pagination and route caching."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from tests.adoption.end_to_end.support import drf_detail, envelope, names, off, on

# --- throttling -------------------------------------------------------------


def redis_throttle_keys(client) -> list[str]:
    """Return the client's throttle keys in Redis, under this process's cache prefix."""
    from django.conf import settings
    from django_redis import get_redis_connection

    prefix = settings.CACHES["redis"]["KEY_PREFIX"]
    address = client.defaults["REMOTE_ADDR"]
    pattern = f"{prefix}:*restflow:throttle:*{address}"
    return [key.decode() for key in get_redis_connection("redis").scan_iter(match=pattern)]


@pytest.fixture
def throttled_client(client):
    """Return the client, and delete its throttle keys from Redis afterwards."""
    yield client
    if os.environ.get("REDIS_URL"):
        from django_redis import get_redis_connection

        keys = redis_throttle_keys(client)
        if keys:
            get_redis_connection("redis").delete(*keys)


def suggest_brands(client, count: int) -> list:
    return [
        client.post("/api/brand-requests/", {"name": f"Brand {n}", "slug": f"brand-{n}"})
        for n in range(count)
    ]


@on
@pytest.mark.django_db
def test_throttled_on(throttled_client):
    responses = suggest_brands(throttled_client, 4)
    assert [response.status_code for response in responses] == [201, 201, 201, 429]
    denied = responses[-1]
    error = envelope(denied)
    assert error["code"] == "throttled"
    assert 1 <= error["details"]["retry_after_seconds"] <= 3600
    assert 1 <= int(denied["Retry-After"]) <= 3600


@off
@pytest.mark.django_db
def test_throttled_off(throttled_client):
    responses = suggest_brands(throttled_client, 4)
    assert [response.status_code for response in responses] == [201, 201, 201, 429]
    assert drf_detail(responses[-1]).startswith("Request was throttled.")


@on
@pytest.mark.redis
@pytest.mark.django_db
def test_throttle_store_on(throttled_client):
    from django_redis import get_redis_connection

    suggest_brands(throttled_client, 4)
    keys = redis_throttle_keys(throttled_client)
    # One sorted set for this client and scope, holding the three admitted requests.
    assert len(keys) == 1
    assert get_redis_connection("redis").zcard(keys[0]) == 3


@off
@pytest.mark.redis
@pytest.mark.django_db
def test_throttle_store_off(throttled_client):
    suggest_brands(throttled_client, 4)
    # DRF's throttle counts in the default cache, never in Redis.
    assert redis_throttle_keys(throttled_client) == []


# --- JWT ----------------------------------------------------------------------


@on
def test_jwt_on(client, user):
    from catalog.models import Brand, Category

    obtained = client.post("/api/auth/token/", {"username": "ada", "password": "ada-pass-123"})
    assert obtained.status_code == 200, obtained.content
    tokens = obtained.json()
    assert {"access", "refresh"} <= set(tokens)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/api/me/").json() == {"username": "ada"}
    category = Category.objects.create(name="Lamps", slug="lamps")
    brand = Brand.objects.create(name="Lumen", slug="lumen")
    created = client.post(
        "/api/products/",
        {
            "name": "Floor lamp",
            "slug": "floor-lamp",
            "price": "55.00",
            "created_at": "2026-02-01T00:00:00Z",
            "category": category.pk,
            "brand": brand.pk,
        },
    )
    assert created.status_code == 201, created.content
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    rejected = client.get("/api/me/")
    assert rejected.status_code == 401
    assert envelope(rejected)["code"] == "invalid_token"


@off
def test_jwt_off(client, user):
    obtained = client.post("/api/auth/token/", {"username": "ada", "password": "ada-pass-123"})
    assert obtained.status_code == 404
    # No authenticator reads a Bearer header, so the request stays anonymous.
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = client.get("/api/me/")
    assert response.status_code == 403
    assert drf_detail(response) == "Authentication credentials were not provided."


# --- filtering and ordering ------------------------------------------------


@on
def test_filtering_on(client, catalog):
    search = "/api/search/products/"
    price_range = {"price__gte": "12", "price__lte": "30", "ordering": "-price"}
    assert names(client.get(search, price_range)) == ["Armchair", "Desk chair", "Bench"]
    assert names(client.get(search, {"category": catalog["chairs"].pk})) == [
        "Armchair",
        "Desk chair",
    ]
    assert names(client.get(search, {"in_stock": "false"})) == ["Bench", "Easel"]
    excluded = client.get(f"{search}?category!={catalog['chairs'].pk}")
    assert names(excluded) == ["Bench", "Coffee table", "Easel"]
    # The view's own ``ordering`` applies when the request names none.
    assert names(client.get(search))[:2] == ["Armchair", "Bench"]
    rejected = client.get(search, {"price__gte": "abc", "ordering": "stock"})
    assert rejected.status_code == 400
    error = envelope(rejected)
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"price__gte", "ordering"}


@off
def test_filtering_off(client, catalog):
    search = "/api/search/products/"
    everything = ["Desk chair", "Armchair", "Easel", "Coffee table", "Bench"]
    price_range = {"price__gte": "12", "price__lte": "30", "ordering": "-price"}
    assert names(client.get(search, price_range)) == everything
    assert names(client.get(search, {"category": catalog["chairs"].pk})) == everything
    assert names(client.get(f"{search}?category!={catalog['chairs'].pk}")) == everything
    assert names(client.get(search, {"price__gte": "abc", "ordering": "stock"})) == everything


# --- pagination -------------------------------------------------------------


def count_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


@on
def test_pagination_on(client, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/products/")
    body = first.json()
    assert list(body) == ["next", "previous", "results"]
    assert [row["name"] for row in body["results"]] == ["Desk chair", "Armchair"]
    assert body["next"].endswith("/api/products/?page=2")
    assert count_queries(queries.captured_queries) == []
    last = client.get("/api/products/", {"page": 3}).json()
    assert [row["name"] for row in last["results"]] == ["Bench"]
    assert last["next"] is None
    beyond = client.get("/api/products/", {"page": 4})
    assert beyond.status_code == 404
    assert envelope(beyond)["code"] == "not_found"


@off
def test_pagination_off(client, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/products/")
    body = first.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 5
    assert [row["name"] for row in body["results"]] == ["Desk chair", "Armchair"]
    assert len(count_queries(queries.captured_queries)) == 1
    beyond = client.get("/api/products/", {"page": 4})
    assert beyond.status_code == 404
    assert drf_detail(beyond) == "Invalid page."


# --- route-rule caching -----------------------------------------------------


def read_detail_three_times(client, product) -> list:
    """Read the detail twice, save a new price on the model, and read it again."""
    url = f"/api/products/{product.pk}/"
    responses = [client.get(url), client.get(url)]
    product.price = Decimal("99.00")
    product.save()
    responses.append(client.get(url))
    assert [response.status_code for response in responses] == [200, 200, 200]
    return responses


@on
@pytest.mark.django_db(transaction=True)
def test_route_caching_on(client, catalog):
    product = catalog["products"][0]
    first, second, after_save = read_detail_three_times(client, product)
    statuses = [response.get("X-Cache-Status") for response in (first, second, after_save)]
    assert statuses == ["MISS", "HIT", "MISS"]
    assert second.json() == first.json()
    assert first.json()["price"] == "18.50"
    assert after_save.json()["price"] == "99.00"


@off
@pytest.mark.django_db(transaction=True)
def test_route_caching_off(client, catalog):
    product = catalog["products"][0]
    first, second, after_save = read_detail_three_times(client, product)
    statuses = [response.get("X-Cache-Status") for response in (first, second, after_save)]
    assert statuses == [None, None, None]
    assert after_save.json()["price"] == "99.00"
