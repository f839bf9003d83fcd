"""``seed_catalog``: fill the catalog with deterministic, realistic data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from catalog.models import Brand, Category, Product, Review
from catalog.seeding import BRANDS, CATEGORIES, ProductDraft, draft_product


class Command(BaseCommand):
    help = (
        "Create categories, brands, products and reviews from a fixed seed. Running it "
        "again adds only what is missing, so the same arguments always leave the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products", type=int, default=20_000, help="number of products (default 20000)"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed of the generated data (default 1)"
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="products per INSERT batch (default 1000)"
        )
        parser.add_argument(
            "--reset", action="store_true", help="delete every catalog row before seeding"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total: int = options["products"]
        batch_size: int = options["batch_size"]
        if total < 0:
            raise CommandError(f"--products must be 0 or more, got {total}.")
        if batch_size < 1:
            raise CommandError(f"--batch-size must be 1 or more, got {batch_size}.")

        if options["reset"]:
            self._reset()
        category_ids = self._ensure_categories()
        brand_ids = self._ensure_brands()

        started = time.monotonic()
        created_products = created_reviews = 0
        for start in range(0, total, batch_size):
            drafts = [
                draft_product(options["seed"], index)
                for index in range(start, min(start + batch_size, total))
            ]
            products, reviews = self._insert_batch(drafts, category_ids, brand_ids)
            created_products += products
            created_reviews += reviews
            self._progress(min(start + batch_size, total), total)

        elapsed = time.monotonic() - started
        self.stdout.write(
            f"seed_catalog: added {created_products} products and {created_reviews} reviews "
            f"in {elapsed:.1f} s; the catalog has {Product.objects.count()} products, "
            f"{Review.objects.count()} reviews, {len(category_ids)} categories and "
            f"{len(brand_ids)} brands."
        )

    def _reset(self) -> None:
        # Reviews first: products and their categories and brands are PROTECTed.
        with transaction.atomic():
            Review.objects.all().delete()
            Product.objects.all().delete()
            Brand.objects.all().delete()
            Category.objects.all().delete()
        self.stdout.write("seed_catalog: deleted every catalog row.")

    def _ensure_categories(self) -> dict[str, int]:
        Category.objects.bulk_create(
            [
                Category(name=name, slug=slugify(name), description=description)
                for name, (description, *_rest) in CATEGORIES.items()
            ],
            ignore_conflicts=True,
        )
        return dict(Category.objects.filter(name__in=CATEGORIES).values_list("name", "id"))

    def _ensure_brands(self) -> dict[str, int]:
        Brand.objects.bulk_create(
            [
                Brand(name=name, slug=slugify(name), country=country)
                for name, country in BRANDS.items()
            ],
            ignore_conflicts=True,
        )
        return dict(Brand.objects.filter(name__in=BRANDS).values_list("name", "id"))

    def _insert_batch(
        self,
        drafts: list[ProductDraft],
        category_ids: dict[str, int],
        brand_ids: dict[str, int],
    ) -> tuple[int, int]:
        """Insert the drafts whose slugs are missing, with their reviews, in one transaction."""
        with transaction.atomic():
            existing = set(
                Product.objects.filter(slug__in=[draft.slug for draft in drafts]).values_list(
                    "slug", flat=True
                )
            )
            missing = [draft for draft in drafts if draft.slug not in existing]
            if not missing:
                return 0, 0
            Product.objects.bulk_create(
                [
                    Product(
                        name=draft.name,
                        slug=draft.slug,
                        description=draft.description,
                        price=draft.price,
                        stock=draft.stock,
                        in_stock=draft.in_stock,
                        rating=draft.rating,
                        tags=draft.tags,
                        created_at=draft.created_at,
                        category_id=category_ids[draft.category_name],
                        brand_id=brand_ids[draft.brand_name],
                    )
                    for draft in missing
                ]
            )
            # bulk_create sets primary keys on PostgreSQL but not on every
            # backend, so read them back by slug.
            product_ids = dict(
                Product.objects.filter(slug__in=[draft.slug for draft in missing]).values_list(
                    "slug", "id"
                )
            )
            reviews = [
                Review(
                    product_id=product_ids[draft.slug],
                    author_name=review.author_name,
                    rating=review.rating,
                    title=review.title,
                    body=review.body,
                    created_at=review.created_at,
                )
                for draft in missing
                for review in draft.reviews
            ]
            Review.objects.bulk_create(reviews)
        return len(missing), len(reviews)

    def _progress(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        message = f"seed_catalog: {done}/{total} products checked ({percent}%)"
        if self.stderr.isatty():
            # Redraw one line in a terminal; write whole lines to logs and pipes.
            self.stderr.write(f"\r{message}", ending="\n" if done == total else "")
        else:
            self.stderr.write(message)
