"""Shared helpers for the view, permission, pagination and test-client tests."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from catalog.models import Brand, Category, Product, Review

BASE_TIME = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def run_async(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run an ``async def`` test through ``async_to_sync``.

    The coroutine runs on its own event loop while thread-sensitive ORM calls
    come back to the test's thread, so they share the test's database
    connection and transaction.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return async_to_sync(function)(*args, **kwargs)

    return wrapper


@dataclass
class HopLog:
    """Every ``sync_to_async`` call made while the log is active."""

    functions: list[Any] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.functions)

    @staticmethod
    def _module(function: Any) -> str:
        target = getattr(function, "__func__", function)
        return getattr(target, "__module__", "") or ""

    @property
    def orm(self) -> list[Any]:
        """Hops made by Django's async ORM itself (``aget``, ``acount``, ``async for``)."""
        return [f for f in self.functions if self._module(f).startswith("django.db")]

    @property
    def other(self) -> list[Any]:
        """Hops made by anything but the ORM: restflow's thread fallbacks among them."""
        return [f for f in self.functions if not self._module(f).startswith("django.db")]

    def names(self) -> list[str]:
        return [getattr(f, "__qualname__", repr(f)) for f in self.functions]


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[HopLog]:
    """Record each ``sync_to_async`` hop (the wrapped function) during the test."""
    log = HopLog()
    original = SyncToAsync.__call__

    async def counting_call(self: SyncToAsync, *args: Any, **kwargs: Any) -> Any:
        log.functions.append(self.func)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting_call)
    yield log


def make_catalog(products: int = 5, reviews_per_product: int = 0, start: int = 0) -> list[Product]:
    """Create products numbered from ``start`` (price 10.00 + number) with optional reviews.

    Returns every product in the database, in id order.
    """
    category, _ = Category.objects.get_or_create(name="Lamps", slug="lamps")
    brand, _ = Brand.objects.get_or_create(name="Lumo", slug="lumo", country="SE")
    created = Product.objects.bulk_create(
        [
            Product(
                name=f"Product {index:03d}",
                slug=f"product-{index:03d}",
                price=Decimal(10 + index),
                stock=index,
                created_at=BASE_TIME + datetime.timedelta(minutes=index),
                category=category,
                brand=brand,
            )
            for index in range(start, start + products)
        ]
    )
    Review.objects.bulk_create(
        [
            Review(
                product=product,
                author_name=f"reader {number}",
                rating=1 + (number % 5),
                title=f"review {number} of {product.name}",
                created_at=BASE_TIME + datetime.timedelta(hours=number),
            )
            for product in created
            for number in range(reviews_per_product)
        ]
    )
    return list(Product.objects.order_by("id"))


class TextRenderer:
    """A test request renderer with a charset, for the test client's body encoding."""

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data: Any, *args: Any, **kwargs: Any) -> str:
        return str(data)
