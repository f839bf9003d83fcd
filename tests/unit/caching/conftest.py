"""Fixtures for the caching tests: a clean local cache and rule table per test."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import caches

from restflow.caching.errors import reset_error_log
from restflow.caching.registry import CacheRegister

_counter = itertools.count()


@pytest.fixture
def anyio_backend():
    return "asyncio"


def pytest_collection_modifyitems(items):
    # Async tests here run on asyncio through the anyio plugin.
    import inspect

    for item in items:
        function = getattr(item, "function", None)
        if (
            function is not None
            and inspect.iscoroutinefunction(function)
            and "caching" in str(item.path)
        ):
            item.add_marker(pytest.mark.anyio)


@pytest.fixture(autouse=True)
def clean_cache_state(request):
    """Clear the local-memory cache and drop invalidation rules a test registered.

    Tests marked ``redis`` also delete the restflow keys they wrote there.
    """
    caches["default"].clear()
    reset_error_log()
    before = {rule.rule_id for rule in CacheRegister.rules()}
    yield
    for rule in CacheRegister.rules():
        if rule.rule_id not in before:
            CacheRegister._drop(rule.rule_id)
    caches["default"].clear()
    _close_executor_connections()
    if request.node.get_closest_marker("redis") is not None and "redis" in settings.CACHES:
        from tests.cacheapp.redis_cleanup import delete_restflow_keys

        delete_restflow_keys()


def _close_executor_connections():
    # Async tests reach the ORM through sync_to_async, whose connections live
    # in asgiref's single worker thread; left open, they keep PostgreSQL
    # from dropping the test database.
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)


@pytest.fixture
def make_product(db):
    """Create catalog products (with their category and brand) for invalidation tests."""
    from catalog.models import Brand, Category, Product

    def make(**overrides):
        number = next(_counter)
        category = overrides.pop("category", None) or Category.objects.create(
            name=f"Category {number}", slug=f"category-{number}"
        )
        brand = Brand.objects.create(name=f"Brand {number}", slug=f"brand-{number}")
        values = {
            "name": f"Product {number}",
            "slug": f"product-{number}",
            "price": Decimal("10.00"),
            "created_at": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
            "category": category,
            "brand": brand,
        }
        values.update(overrides)
        return Product.objects.create(**values)

    return make


@pytest.fixture(autouse=True)
def _empty_retry_queue():
    """Start and end each test with no failed invalidation waiting for a retry."""
    from restflow.caching.retry import retry_queue

    retry_queue.clear()
    yield
    retry_queue.clear()
