"""Build a small, known catalog for the filter tests (categories, brands, products, reviews)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Brand, Category, Product, Review

UTC = datetime.timezone.utc


@dataclass
class Catalog:
    books: Category
    games: Category
    acme: Brand
    globex: Brand
    products: dict[str, Product]


def make_catalog() -> Catalog:
    """Create two categories, two brands, six products (two share a price) and some reviews."""
    books = Category.objects.create(name="Books", slug="books")
    games = Category.objects.create(name="Games", slug="games")
    acme = Brand.objects.create(name="Acme", slug="acme", country="US")
    globex = Brand.objects.create(name="Globex", slug="globex", country="DE")
    rows = [
        # name, price, stock, in_stock, rating, tags, created, category, brand
        (
            "Python Cookbook",
            "39.90",
            5,
            True,
            4.5,
            ["python", "cooking"],
            (2024, 1, 10, 9),
            books,
            acme,
        ),
        (
            "Django Unleashed",
            "15.00",
            0,
            False,
            4.0,
            ["python", "web"],
            (2024, 3, 5, 12),
            books,
            globex,
        ),
        ("Chess Set", "15.00", 2, True, 3.5, ["board"], (2023, 11, 20, 18), games, acme),
        ("Go Board", "12.50", 9, True, 4.8, ["board", "classic"], (2024, 6, 1, 8), games, globex),
        ("Puzzle Box", "9.99", 0, False, 2.0, [], (2022, 12, 31, 23), games, acme),
        ("SQL Basics", "19.99", 1, True, 3.9, ["sql"], (2024, 3, 5, 20), books, acme),
    ]
    products: dict[str, Product] = {}
    for name, price, stock, in_stock, rating, tags, created, category, brand in rows:
        products[name] = Product.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            description=f"All about {name.lower()}",
            price=Decimal(price),
            stock=stock,
            in_stock=in_stock,
            rating=rating,
            tags=tags,
            created_at=datetime.datetime(*created, tzinfo=UTC),
            category=category,
            brand=brand,
        )
    when = datetime.datetime(2024, 7, 1, tzinfo=UTC)
    for product_name, ratings in (
        ("Python Cookbook", [5, 4]),
        ("Chess Set", [5]),
        ("Go Board", [2, 3]),
    ):
        for rating in ratings:
            Review.objects.create(
                product=products[product_name],
                author_name="reader",
                rating=rating,
                title=f"{rating} stars",
                created_at=when,
            )
    return Catalog(books, games, acme, globex, products)


def names(queryset) -> list[str]:
    """Return the product names of ``queryset`` in its order."""
    return [product.name for product in queryset]
