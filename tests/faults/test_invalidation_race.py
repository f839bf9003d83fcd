"""A read that computes before a commit and stores after its invalidation.

The reader loads the old row, the writer commits and invalidates, then the
reader stores what it loaded. With a partition key the invalidation
replaces the partition's generation, so the late store lands under a key
nobody reads. Without one, the rule retires the single entry: it gets a
generation number of its own, so the late store misses it too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from catalog.models import Category
from django.db import connections

from restflow.caching import ArgsKeyField, InvalidationRule, KeyConstructor, cache_result

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# A write run by the cached function between its database read and its store.
_writes: dict[int, Callable[[], None]] = {}


def _rule() -> InvalidationRule:
    return InvalidationRule(model="catalog.Category", field_mapping={"category_id": "pk"})


class CategoryKey(KeyConstructor):
    category_id = ArgsKeyField("category_id", partition=True)

    class Meta:
        namespace = "faults-race"


def _load(category_id: int) -> str:
    name = Category.objects.values_list("name", flat=True).get(pk=category_id)
    write = _writes.pop(category_id, None)
    if write is not None:
        write()
    return name


@pytest.fixture(scope="module")
def cached() -> SimpleNamespace:
    """Build the cached functions when a test needs them.

    Their rules connect to ``catalog.Category`` on creation, so they are not
    built at import, when the main pytest run collects (and deselects) this
    module.
    """

    @cache_result(CategoryKey, ttl=300, invalidates_on=[_rule()])
    def partitioned_name(category_id: int) -> str:
        return _load(category_id)

    @cache_result(ttl=300, invalidates_on=[_rule()])
    def entry_name(category_id: int) -> str:
        return _load(category_id)

    @cache_result(CategoryKey, ttl=300, invalidates_on=[_rule()])
    async def apartitioned_name(category_id: int) -> str:
        return await sync_to_async(_load)(category_id)

    @cache_result(ttl=300, invalidates_on=[_rule()])
    async def aentry_name(category_id: int) -> str:
        return await sync_to_async(_load)(category_id)

    return SimpleNamespace(
        partitioned_name=partitioned_name,
        entry_name=entry_name,
        apartitioned_name=apartitioned_name,
        aentry_name=aentry_name,
    )


def run(coroutine: Any) -> Any:
    """Run ``coroutine``, then close the connection its ``sync_to_async`` thread opened."""

    async def body() -> Any:
        try:
            return await coroutine
        finally:
            await sync_to_async(connections.close_all)()

    return asyncio.run(body())


def _category(slug: str) -> Category:
    return Category.objects.create(name=f"{slug}-old", slug=slug)


def _rename_during_compute(category: Category) -> None:
    def rename() -> None:
        category.name = f"{category.slug}-new"
        category.save()

    _writes[category.pk] = rename


def test_partition_key_survives_late_store(cached):
    category = _category("race-partition")
    _rename_during_compute(category)
    assert cached.partitioned_name(category.pk) == "race-partition-old"
    assert cached.partitioned_name(category.pk) == "race-partition-new"


def test_partition_key_survives_late_store_async(cached):
    category = _category("race-apartition")
    _rename_during_compute(category)
    assert run(cached.apartitioned_name(category.pk)) == "race-apartition-old"
    assert run(cached.apartitioned_name(category.pk)) == "race-apartition-new"


def test_entry_key_survives_late_store(cached):
    category = _category("race-entry")
    _rename_during_compute(category)
    assert cached.entry_name(category.pk) == "race-entry-old"
    assert cached.entry_name(category.pk) == "race-entry-new"


def test_entry_key_survives_late_store_async(cached):
    category = _category("race-aentry")
    _rename_during_compute(category)
    assert run(cached.aentry_name(category.pk)) == "race-aentry-old"
    assert run(cached.aentry_name(category.pk)) == "race-aentry-new"
