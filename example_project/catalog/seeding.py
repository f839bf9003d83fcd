"""Deterministic generation of catalog data for the ``seed_catalog`` command.

Each product is drawn from its own ``random.Random`` seeded with the seed and
the product's index, so product N is the same whatever the total count,
batch size or number of earlier runs. That makes seeding idempotent and
resumable: a run inserts only the products whose slugs are not there yet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

__all__ = [
    "BRANDS",
    "CATALOG_START",
    "CATEGORIES",
    "ProductDraft",
    "ReviewDraft",
    "draft_product",
]

# Every date lies in the two years after this instant, so the data does not
# depend on the day it was generated.
CATALOG_START = datetime(2024, 1, 1, tzinfo=timezone.utc)
CATALOG_SPAN = timedelta(days=730)

# name -> (description, nouns, tags, (lowest price, highest price))
CATEGORIES: dict[str, tuple[str, list[str], list[str], tuple[int, int]]] = {
    "Kitchen": (
        "Cookware, small appliances and tools for the kitchen.",
        ["Kettle", "Skillet", "Chef Knife", "Blender", "Toaster", "Saucepan", "Cutting Board"],
        ["cooking", "dishwasher-safe", "induction", "non-stick", "gift"],
        (8, 320),
    ),
    "Outdoor": (
        "Gear for camping, hiking and the garden.",
        ["Tent", "Backpack", "Headlamp", "Sleeping Bag", "Camp Stove", "Water Filter"],
        ["camping", "hiking", "waterproof", "lightweight", "all-season"],
        (12, 540),
    ),
    "Audio": (
        "Headphones, speakers and everything between.",
        ["Headphones", "Earbuds", "Bookshelf Speaker", "Soundbar", "Turntable", "DAC"],
        ["wireless", "bluetooth", "noise-cancelling", "hi-fi", "portable"],
        (19, 1200),
    ),
    "Office": (
        "Desks, chairs and supplies for working well.",
        ["Desk Lamp", "Monitor Stand", "Notebook", "Office Chair", "Standing Desk", "Stapler"],
        ["ergonomic", "adjustable", "recycled", "compact", "home-office"],
        (3, 890),
    ),
    "Fitness": (
        "Equipment for training at home or at the gym.",
        ["Yoga Mat", "Kettlebell", "Jump Rope", "Foam Roller", "Dumbbell Set", "Resistance Band"],
        ["training", "home-gym", "non-slip", "durable", "beginner"],
        (6, 450),
    ),
    "Books": (
        "Printed books on craft, science and travel.",
        ["Field Guide", "Cookbook", "Atlas", "Handbook", "Travel Journal", "Workbook"],
        ["paperback", "hardcover", "illustrated", "bestseller", "reference"],
        (5, 80),
    ),
    "Toys": (
        "Games and toys for children and grown-ups.",
        ["Puzzle", "Board Game", "Building Set", "Kite", "Plush Bear", "Marble Run"],
        ["family", "educational", "ages-3-plus", "ages-8-plus", "gift"],
        (4, 160),
    ),
    "Lighting": (
        "Lamps and bulbs for every room.",
        ["Floor Lamp", "Pendant Light", "LED Strip", "Night Light", "Smart Bulb", "Lantern"],
        ["dimmable", "smart-home", "warm-white", "energy-saving", "battery"],
        (5, 380),
    ),
    "Bath": (
        "Towels, storage and care for the bathroom.",
        ["Towel Set", "Bath Mat", "Shower Caddy", "Toothbrush Holder", "Robe", "Mirror"],
        ["cotton", "quick-dry", "organic", "rust-proof", "gift"],
        (4, 210),
    ),
    "Garden": (
        "Tools, planters and seeds.",
        ["Pruning Shears", "Planter", "Watering Can", "Hose Reel", "Seed Kit", "Trowel"],
        ["gardening", "weatherproof", "organic", "stainless", "balcony"],
        (3, 260),
    ),
    "Travel": (
        "Luggage and accessories for the road.",
        ["Carry-On", "Packing Cubes", "Neck Pillow", "Duffel Bag", "Passport Wallet", "Adapter"],
        ["carry-on", "lightweight", "tsa-approved", "durable", "compact"],
        (7, 480),
    ),
    "Pets": (
        "Beds, bowls and toys for pets.",
        ["Dog Bed", "Cat Tree", "Leash", "Feeding Bowl", "Chew Toy", "Pet Carrier"],
        ["dogs", "cats", "washable", "chew-proof", "travel"],
        (4, 240),
    ),
}

# name -> ISO 3166-1 alpha-2 country code; the names are invented.
BRANDS: dict[str, str] = {
    "Alder & Finch": "GB",
    "Brightwater": "US",
    "Cobalt Works": "DE",
    "Dunmore": "IE",
    "Elmstead": "GB",
    "Fjellvik": "NO",
    "Granite Peak": "US",
    "Halcyon": "US",
    "Ironbark": "AU",
    "Juniper Lane": "CA",
    "Kestrel": "GB",
    "Lumen & Co": "NL",
    "Marlow": "GB",
    "Northfold": "SE",
    "Oakridge": "US",
    "Pelton": "DE",
    "Quarry House": "GB",
    "Ridgeline": "US",
    "Saltmarsh": "FR",
    "Tidewell": "DK",
    "Umber": "IT",
    "Verdant": "ES",
    "Wrenfield": "NZ",
    "Yarrow": "FI",
    "Zephyr Labs": "JP",
}

ADJECTIVES = [
    "Classic",
    "Compact",
    "Deluxe",
    "Essential",
    "Everyday",
    "Heritage",
    "Modern",
    "Nordic",
    "Pro",
    "Rugged",
    "Signature",
    "Slim",
    "Smart",
    "Studio",
    "Ultra",
    "Urban",
]
MATERIALS = [
    "Bamboo",
    "Brass",
    "Canvas",
    "Carbon",
    "Ceramic",
    "Cotton",
    "Linen",
    "Maple",
    "Oak",
    "Recycled",
    "Slate",
    "Steel",
    "Walnut",
    "Wool",
]
FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Carla",
    "Dmitri",
    "Elena",
    "Femi",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Maya",
    "Nils",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
]
# rating -> review titles
REVIEW_TITLES: dict[int, list[str]] = {
    1: ["Broke within a week", "Not as described", "Would not buy again"],
    2: ["Disappointing", "Cheap feel", "Below expectations"],
    3: ["Does the job", "Average", "Fine for the price"],
    4: ["Very good", "Solid choice", "Happy with it"],
    5: ["Excellent", "Exactly what I wanted", "Best purchase this year"],
}
REVIEW_BODIES = [
    "Arrived quickly and well packed.",
    "The finish is better than in the photos.",
    "Took a while to set up, but it works as promised.",
    "I use it every day.",
    "Smaller than I expected.",
    "Customer service replaced a faulty part without fuss.",
    "Good value compared with similar products.",
]
# Review ratings lean positive, as they do in real shops.
RATING_WEIGHTS = [1, 2, 4, 8, 10]


@dataclass(frozen=True)
class ReviewDraft:
    author_name: str
    rating: int
    title: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ProductDraft:
    """One product's field values, plus its reviews, before it reaches the database."""

    index: int
    name: str
    slug: str
    description: str
    price: Decimal
    stock: int
    in_stock: bool
    rating: float
    tags: list[str]
    created_at: datetime
    category_name: str
    brand_name: str
    reviews: list[ReviewDraft] = field(default_factory=list)


def _price(rng: random.Random, low: int, high: int) -> Decimal:
    # Skewed towards the cheap end (most shops sell more cheap items), with
    # the usual .49/.99/.00 endings.
    whole = int(low + (high - low) * rng.random() ** 2.5)
    cents = rng.choice(["0.99", "0.49", "0.00", "0.95"])
    return Decimal(whole) + Decimal(cents)


def draft_product(seed: int, index: int) -> ProductDraft:
    """Return product number ``index`` (from 0) of the catalog generated from ``seed``."""
    rng = random.Random(f"catalog:{seed}:{index}")
    category_name = rng.choice(list(CATEGORIES))
    description, nouns, tag_pool, (low, high) = CATEGORIES[category_name]
    brand_name = rng.choice(list(BRANDS))
    noun = rng.choice(nouns)
    name = f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {noun}"
    # The index keeps slugs unique although names repeat.
    slug = f"{name.lower().replace(' ', '-')}-{index + 1}"

    stock = 0 if rng.random() < 0.12 else rng.randint(1, 500)
    created_at = CATALOG_START + timedelta(seconds=rng.randrange(int(CATALOG_SPAN.total_seconds())))

    reviews = []
    # Between 0 and 6 reviews, three on average.
    for _ in range(rng.randint(0, 6)):
        rating = rng.choices(range(1, 6), weights=RATING_WEIGHTS)[0]
        reviews.append(
            ReviewDraft(
                author_name=f"{rng.choice(FIRST_NAMES)} {rng.choice('ABCDEFGHJKLMNPRSTW')}.",
                rating=rating,
                title=rng.choice(REVIEW_TITLES[rating]),
                body=" ".join(rng.sample(REVIEW_BODIES, k=rng.randint(1, 3))),
                created_at=created_at + timedelta(hours=rng.randint(1, 24 * 120)),
            )
        )
    rating = round(sum(r.rating for r in reviews) / len(reviews), 1) if reviews else 0.0

    return ProductDraft(
        index=index,
        name=name,
        slug=slug,
        description=f"{name} by {brand_name}. {description}",
        price=_price(rng, low, high),
        stock=stock,
        in_stock=stock > 0,
        rating=rating,
        tags=sorted(rng.sample(tag_pool, k=rng.randint(1, 3))),
        created_at=created_at,
        category_name=category_name,
        brand_name=brand_name,
        reviews=reviews,
    )
