"""What every stack shares: the 10 fields, the filter values, the slow dependency."""

from __future__ import annotations

import asyncio
import time

FIELDS = [
    "id",
    "name",
    "slug",
    "price",
    "stock",
    "in_stock",
    "rating",
    "created_at",
    "category",
    "brand",
]
# The same 10 columns as ``.values()`` names: foreign keys by their id.
VALUE_FIELDS = [name + "_id" if name in ("category", "brand") else name for name in FIELDS]
PAGE_SIZE = 50
# Simulated slow I/O of scenario 7: one call to a dependency that takes 5 ms.
SLOW_SECONDS = 0.005
DATABASES = ("pg", "sqlite")
ALIASES = {"pg": "default", "sqlite": "sqlite"}


async def aslow_dependency() -> None:
    await asyncio.sleep(SLOW_SECONDS)


def slow_dependency() -> None:
    time.sleep(SLOW_SECONDS)


def parse_page(value: str | None) -> int:
    try:
        page = int(value or 1)
    except ValueError:
        return 1
    return max(page, 1)
