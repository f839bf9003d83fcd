"""Create and fill the benchmark databases; reuse them when they already hold the catalog.

PostgreSQL: ``restflow_bench`` (100,000 products) and ``restflow_bench_deep``
(1,000,000 products) on the server named by ``DATABASE_URL``, both created
here and dropped by ``drop_databases()`` (``bench_peers.py --drop``).
SQLite: ``bench/.work/catalog.sqlite3`` with the same 100,000 products.
Rows come from ``generate_series`` (PostgreSQL) and a recursive CTE (SQLite),
so seeding takes seconds, not minutes.
"""

from __future__ import annotations

import time

CATEGORIES = 20
BRANDS = 50
PRODUCTS = 100_000
DEEP_PRODUCTS = 1_000_000
USERNAME = "bench"

# Django passes both statements through %-style formatting, hence "%%" for modulo.
# The same deterministic rows on both engines: price 0.00-999.99 spread by a
# multiplicative step, one category in 20, two products in three in stock.
_PRODUCT_COLUMNS = (
    "id, name, slug, description, price, stock, in_stock, rating, tags, "
    "created_at, updated_at, category_id, brand_id"
)
_PG_PRODUCTS = f"""
INSERT INTO catalog_product ({_PRODUCT_COLUMNS})
SELECT i, 'Product ' || i, 'product-' || i, 'A plain description of product ' || i,
       ((i * 7919) %% 100000) / 100.0, i %% 40, i %% 3 <> 0, (i %% 50) / 10.0, '[]'::jsonb,
       TIMESTAMPTZ '2024-01-01' + i * INTERVAL '1 minute', TIMESTAMPTZ '2024-06-01',
       i %% {CATEGORIES} + 1, i %% {BRANDS} + 1
FROM generate_series(1::bigint, %s::bigint) AS i
"""
_SQLITE_PRODUCTS = f"""
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %s)
INSERT INTO catalog_product ({_PRODUCT_COLUMNS})
SELECT i, 'Product ' || i, 'product-' || i, 'A plain description of product ' || i,
       ((i * 7919) %% 100000) / 100.0, i %% 40, i %% 3 <> 0, (i %% 50) / 10.0, '[]',
       datetime('2024-01-01', '+' || i || ' minutes'), '2024-06-01 00:00:00',
       i %% {CATEGORIES} + 1, i %% {BRANDS} + 1
FROM seq
"""


def _server_url():
    from django.conf import settings

    return settings.PG_URL


def create_databases() -> None:
    """Create the two PostgreSQL databases when they are missing."""
    import psycopg
    from django.conf import settings

    with psycopg.connect(_server_url(), autocommit=True) as connection:
        for name in (settings.PG_DATABASE, settings.PG_DEEP_DATABASE):
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                print(f"seed: creating database {name}", flush=True)
                connection.execute(f'CREATE DATABASE "{name}"')


def drop_databases() -> None:
    """Drop the two PostgreSQL databases this module creates, and nothing else."""
    import psycopg
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    with psycopg.connect(_server_url(), autocommit=True) as connection:
        for name in (settings.PG_DATABASE, settings.PG_DEEP_DATABASE):
            print(f"seed: dropping database {name}", flush=True)
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fill(alias: str, products: int) -> None:
    from catalog.models import Brand, Category, Product
    from django.db import connections, transaction

    if Product.objects.using(alias).count() == products:
        return
    started = time.monotonic()
    print(f"seed: filling {alias} with {products:,} products", flush=True)
    connection = connections[alias]
    with transaction.atomic(using=alias):
        Product.objects.using(alias).all().delete()
        Category.objects.using(alias).all().delete()
        Brand.objects.using(alias).all().delete()
        Category.objects.using(alias).bulk_create(
            Category(id=i, name=f"Category {i}", slug=f"category-{i}")
            for i in range(1, CATEGORIES + 1)
        )
        Brand.objects.using(alias).bulk_create(
            Brand(id=i, name=f"Brand {i}", slug=f"brand-{i}", country="DE")
            for i in range(1, BRANDS + 1)
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(_PG_PRODUCTS, [products])
            else:
                cursor.execute(_SQLITE_PRODUCTS, [products])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seed: {alias} filled in {time.monotonic() - started:.0f} s", flush=True)


def seed() -> None:
    """Create, migrate and fill every benchmark database that is not filled yet."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    create_databases()
    for alias, products in (("default", PRODUCTS), ("sqlite", PRODUCTS), ("deep", DEEP_PRODUCTS)):
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        _fill(alias, products)
    users = get_user_model()._default_manager
    if not users.filter(username=USERNAME).exists():
        users.create_user(username=USERNAME, password="bench-pass-123")
