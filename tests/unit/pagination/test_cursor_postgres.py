"""The cursor's seek condition lets PostgreSQL start an index range scan on ``(price, id)``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from catalog.models import Brand, Category, Product
from django.db import connection
from rest_framework.request import Request

from restflow.pagination import CursorPagination
from restflow.test import AsyncAPIRequestFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

factory = AsyncAPIRequestFactory()


class PriceDescending(CursorPagination):
    ordering = "-price"
    page_size = 20


def test_explain_shows_index_scan_on_price_id():
    category = Category.objects.create(name="Desks", slug="desks")
    brand = Brand.objects.create(name="Oak", slug="oak")
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    Product.objects.bulk_create(
        [
            Product(
                name=f"desk {index}",
                slug=f"desk-{index}",
                price=Decimal(index % 500) + Decimal("0.99"),
                created_at=start,
                category=category,
                brand=brand,
            )
            for index in range(20000)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")

    paginator = PriceDescending()
    paginator.paginate_queryset(Product.objects.all(), Request(factory.get("/")))
    # Jump deep: the cursor of a row in the middle of the price range.
    middle = Product.objects.order_by("-price", "-id")[10000]
    paginator.page = [middle]
    link = urlsplit(paginator.get_next_link())

    deep = PriceDescending()
    request = Request(factory.get(f"{link.path}?{link.query}"))
    planned = deep._plan(Product.objects.all(), request, None)
    plan = planned[: deep.page_size + 1].explain()

    assert "catalog_price_id_idx" in plan, plan
    assert "Index Cond" in plan, plan
    # The range start comes from the index, not from a filter over every row above it.
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "price <=" in index_condition, plan

    rows = deep.paginate_queryset(Product.objects.all(), request)
    assert len(rows) == 20
    assert all((row.price, row.pk) < (middle.price, middle.pk) for row in rows)
