"""Fixtures of the end-to-end adoption pairs: clients, a user and a small catalog."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

_client_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_default_cache():
    # The default cache is this process's LocMemCache. Route-cache entries of
    # one test must not serve the next test, which may reuse primary keys.
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def client():
    """Return an API client with its own address, so throttle counts never carry over."""
    from rest_framework.test import APIClient

    number = next(_client_numbers)
    return APIClient(REMOTE_ADDR=f"10.77.{number // 250}.{number % 250 + 1}")


@pytest.fixture
def crash_client():
    """Return a client that hands back the 500 response instead of raising the view's error."""
    from rest_framework.test import APIClient

    return APIClient(raise_request_exception=False)


@pytest.fixture
def user(db):
    from django.contrib.auth.models import User

    return User.objects.create_user("ada", password="ada-pass-123")


@pytest.fixture
def catalog(db):
    """Create five products whose id order, name order and price order all differ."""
    from catalog.models import Brand, Category, Product

    chairs = Category.objects.create(name="Chairs", slug="chairs")
    tables = Category.objects.create(name="Tables", slug="tables")
    brand = Brand.objects.create(name="Birch", slug="birch")
    created_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    rows = [
        ("Desk chair", "18.50", chairs, True),
        ("Armchair", "25.00", chairs, True),
        ("Easel", "9.00", tables, False),
        ("Coffee table", "40.00", tables, True),
        ("Bench", "12.00", tables, False),
    ]
    products = [
        Product.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            price=Decimal(price),
            in_stock=in_stock,
            created_at=created_at,
            category=category,
            brand=brand,
        )
        for name, price, category, in_stock in rows
    ]
    return {"chairs": chairs, "tables": tables, "brand": brand, "products": products}
