"""Zero-code adoption: route rules in settings cache plain DRF views and invalidate on saves."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

CACHE_RULES = [
    {"path": r"^/api/categories/$", "ttl": 300, "invalidates_on": ["catalog.Category"]},
    {"path": r"^/api/products/\d+/$", "ttl": 300, "invalidates_on": ["catalog.Product"]},
    {"path": r"^/api/me/$", "ttl": 300, "per_user": True},
]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def caching_settings():
    from django.core.cache import caches

    caches["default"].clear()
    with override_settings(
        ROOT_URLCONF="tests.adoption.urls_caching",
        RESTFLOW_SETTINGS={"MIDDLEWARE": {"CACHE_RULES": CACHE_RULES}},
    ):
        yield
    caches["default"].clear()


@pytest.fixture
def product():
    from catalog.models import Brand, Category, Product

    category = Category.objects.create(name="Tea", slug="tea")
    brand = Brand.objects.create(name="Leaf", slug="leaf")
    return Product.objects.create(
        name="Green",
        slug="green",
        price=Decimal("4.00"),
        created_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        category=category,
        brand=brand,
    )


def test_product_detail_miss_then_hit(product):
    client = APIClient()
    first = client.get(f"/api/products/{product.pk}/")
    second = client.get(f"/api/products/{product.pk}/")
    assert first.status_code == 200
    assert (first["X-Cache-Status"], second["X-Cache-Status"]) == ("MISS", "HIT")
    assert second.json() == first.json()


def test_update_through_the_api_invalidates(product):
    client = APIClient()
    client.get(f"/api/products/{product.pk}/")
    patched = client.patch(f"/api/products/{product.pk}/", {"price": "6.50"}, format="json")
    assert patched.status_code == 200
    assert "X-Cache-Status" not in patched
    after = client.get(f"/api/products/{product.pk}/")
    assert after["X-Cache-Status"] == "MISS"
    assert after.json()["price"] == "6.50"


def test_rolled_back_update_does_not_invalidate(product):
    client = APIClient()
    client.get(f"/api/products/{product.pk}/")
    with pytest.raises(RuntimeError), transaction.atomic():
        product.price = Decimal("1.00")
        product.save()
        raise RuntimeError("abort")
    after = client.get(f"/api/products/{product.pk}/")
    assert after["X-Cache-Status"] == "HIT"
    assert after.json()["price"] == "4.00"


def test_category_list_invalidated_by_a_new_category(product):
    from catalog.models import Category

    client = APIClient()
    assert len(client.get("/api/categories/").json()) == 1
    assert client.get("/api/categories/")["X-Cache-Status"] == "HIT"
    Category.objects.create(name="Coffee", slug="coffee")
    fresh = client.get("/api/categories/")
    assert fresh["X-Cache-Status"] == "MISS"
    assert len(fresh.json()) == 2


def test_authenticated_users_never_share_a_route_entry():
    clients = {}
    for name in ("ann", "ben"):
        user = User.objects.create_user(name, password="pw")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        clients[name] = client
    for _ in range(2):
        assert clients["ann"].get("/api/me/").json() == {"username": "ann"}
        assert clients["ben"].get("/api/me/").json() == {"username": "ben"}
    assert clients["ann"].get("/api/me/")["X-Cache-Status"] == "HIT"
    assert APIClient().get("/api/me/").status_code in (401, 403)
