"""The ``seed_catalog`` command: counts, determinism, idempotency and reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from catalog.models import Brand, Category, Product, Review
from catalog.seeding import BRANDS, CATALOG_START, CATEGORIES, draft_product
from django.core.management import CommandError

from tests.example.conftest import seed

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    """Return the catalog's content, without primary keys and ``updated_at``."""
    return [
        (
            product.slug,
            product.name,
            product.description,
            product.price,
            product.stock,
            product.in_stock,
            product.rating,
            product.tags,
            product.created_at,
            product.category.name,
            product.brand.name,
            sorted(
                (review.author_name, review.rating, review.title, review.body, review.created_at)
                for review in product.reviews.all()
            ),
        )
        for product in Product.objects.select_related("category", "brand")
        .prefetch_related("reviews")
        .order_by("slug")
    ]


def test_seed_counts():
    seed(75)

    expected_reviews = sum(len(draft_product(1, index).reviews) for index in range(75))
    assert Product.objects.count() == 75
    assert Review.objects.count() == expected_reviews
    assert Category.objects.count() == len(CATEGORIES)
    assert Brand.objects.count() == len(BRANDS)


def test_seed_twice_changes_nothing():
    seed(60)
    first = snapshot()
    review_ids = sorted(Review.objects.values_list("id", flat=True))

    seed(60)

    assert snapshot() == first
    assert sorted(Review.objects.values_list("id", flat=True)) == review_ids


def test_seed_after_reset_is_identical():
    seed(40)
    first = snapshot()

    seed(40, "--reset")

    assert snapshot() == first


def test_seed_other_seed_differs():
    seed(40)
    first = snapshot()

    seed(40, "--reset", "--seed", "2")

    assert snapshot() != first


def test_seed_grows_without_touching_existing():
    seed(30)
    first = snapshot()
    first_slugs = {row[0] for row in first}

    seed(55, "--batch-size", "7")

    assert Product.objects.count() == 55
    earlier_rows = [row for row in snapshot() if row[0] in first_slugs]
    assert earlier_rows == first


def test_seed_batch_size_does_not_change_data():
    seed(45, "--batch-size", "4")
    small_batches = snapshot()

    seed(45, "--reset", "--batch-size", "1000")

    assert snapshot() == small_batches


def test_reset_removes_products_and_reviews():
    seed(20)

    seed(0, "--reset")

    assert Product.objects.count() == 0
    assert Review.objects.count() == 0


def test_seed_reports_progress_on_stderr():
    progress = seed(25, "--batch-size", "10")

    lines = progress.strip().splitlines()
    assert lines[0] == "seed_catalog: 10/25 products checked (40%)"
    assert lines[-1] == "seed_catalog: 25/25 products checked (100%)"


def test_seed_rejects_negative_count():
    with pytest.raises(CommandError, match="--products must be 0 or more, got -1"):
        seed(-1)


def test_seed_rejects_zero_batch_size():
    with pytest.raises(CommandError, match="--batch-size must be 1 or more, got 0"):
        seed(10, "--batch-size", "0")


def test_seeded_product_is_consistent():
    seed(200)

    for product in Product.objects.prefetch_related("reviews"):
        ratings = [review.rating for review in product.reviews.all()]
        expected = round(sum(ratings) / len(ratings), 1) if ratings else 0.0
        assert product.rating == expected
        assert product.in_stock == (product.stock > 0)
        assert CATALOG_START <= product.created_at < CATALOG_START + timedelta(days=730)
        assert product.tags and set(product.tags) <= set(CATEGORIES[product.category.name][2])


def test_seeded_data_varies():
    seed(200)

    assert Product.objects.values("category").distinct().count() == len(CATEGORIES)
    assert Product.objects.filter(in_stock=False).exists()
    assert Product.objects.values("price").distinct().count() > 100
    assert len(set(Product.objects.values_list("name", flat=True))) > 100
