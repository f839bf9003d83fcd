"""Failed invalidations wait in the retry queue; exact entries are retired, not just deleted.

The outage tests stop or pause a private redis-server, so every failure is
a real one. The race tests run on the ``django`` adapter (local memory) and
on the ``redis`` adapter (the machine's Redis).
"""

from __future__ import annotations

import logging
import time

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from restflow.caching import (
    CACHE_MISSING,
    ArgsKeyField,
    InvalidationRule,
    KeyConstructor,
    cache_result,
)
from restflow.caching.retry import PendingInvalidationError, RetryQueue, retry_queue


class CategoryKey(KeyConstructor):
    category_id = ArgsKeyField("category_id", partition=True)

    class Meta:
        namespace = "retry-tests"


def _rule() -> InvalidationRule:
    return InvalidationRule(model="catalog.Category", field_mapping={"category_id": "pk"})


def _wait_until_drained(limit: float = 20.0) -> None:
    # Polls the background thread; the limit only stops a broken run.
    deadline = time.monotonic() + limit
    while len(retry_queue) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(retry_queue) == 0


@pytest.fixture
def outage_cache(private_redis):
    """Point restflow at a django-redis cache on a private server the test may pause."""
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "private": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        },
    }
    restflow = {"CACHE_SETTINGS": {"BACKEND": "redis", "CACHE_ALIAS": "private"}}
    with override_settings(CACHES=caches, RESTFLOW_SETTINGS=restflow):
        yield private_redis


def _rename(category, name: str, capture) -> None:
    category.name = name
    with capture(execute=True):
        category.save()


# --- the retry queue ------------------------------------------------------------------


@pytest.mark.django_db
def test_invalidation_during_pause_is_retried(outage_cache, django_capture_on_commit_callbacks):
    from catalog.models import Category

    @cache_result(CategoryKey, ttl=300, invalidates_on=[_rule()])
    def name(category_id):
        return Category.objects.get(pk=category_id).name

    category = Category.objects.create(name="before", slug="retry-pause")
    assert name(category.pk) == "before"
    assert name.get_cache_only(category.pk) == "before"

    outage_cache.pause()
    try:
        _rename(category, "after", django_capture_on_commit_callbacks)
        # Other rules on Category (the catalog's views) wait too.
        assert len(retry_queue) >= 1
    finally:
        outage_cache.resume()
    # The first access after the pause retries (or, in backoff, skips the
    # cache): either way the old entry is never served.
    assert name(category.pk) == "after"
    _wait_until_drained()
    assert name(category.pk) == "after"
    assert name.get_cache_only(category.pk) == "after"


@pytest.mark.django_db(transaction=True)
async def test_invalidation_during_pause_is_retried_async(outage_cache):
    from catalog.models import Category

    @cache_result(CategoryKey, ttl=300, invalidates_on=[_rule()])
    async def name(category_id):
        return (await Category.objects.aget(pk=category_id)).name

    category = await Category.objects.acreate(name="before", slug="retry-apause")
    assert await name(category.pk) == "before"
    assert await name.aget_cache_only(category.pk) == "before"

    outage_cache.pause()
    try:
        category.name = "after"
        await category.asave()
        assert len(retry_queue) >= 1
        # Async reads leave the retry to the thread and skip the cache meanwhile.
        with pytest.raises(PendingInvalidationError):
            await name.backend.ageneration_token(name.build_key((category.pk,), {}))
    finally:
        outage_cache.resume()
    assert await name(category.pk) == "after"
    await sync_to_async(_wait_until_drained)()
    assert await name(category.pk) == "after"
    assert await name.aget_cache_only(category.pk) == "after"


@pytest.mark.django_db
def test_failed_rule_is_logged_with_the_retry(
    outage_cache, django_capture_on_commit_callbacks, caplog
):
    from catalog.models import Category

    @cache_result(CategoryKey, ttl=300, invalidates_on=[_rule()])
    def name(category_id):
        return Category.objects.get(pk=category_id).name

    category = Category.objects.create(name="before", slug="retry-stop")
    assert name(category.pk) == "before"
    outage_cache.stop()
    caplog.set_level(logging.WARNING, logger="restflow.caching")
    try:
        waiting = []
        for step in range(3):
            _rename(category, f"after-{step}", django_capture_on_commit_callbacks)
            assert name(category.pk) == f"after-{step}"
            waiting.append(len(retry_queue))
        # Three writes of one row keep one item per rule.
        assert waiting[0] >= 1
        assert waiting == [waiting[0]] * 3
    finally:
        outage_cache.start_again()
    ours = name.invalidates_on[0].rule_id
    records = [r.getMessage() for r in caplog.records if f"Cache rule {ours} " in r.getMessage()]
    assert len(records) == 1
    assert "waits for a retry" in records[0]
    _wait_until_drained()
    assert name(category.pk) == "after-2"


def _failing() -> None:
    raise ConnectionError("the cache did not respond")


class ManualQueue(RetryQueue):
    """A queue without its retry thread, so a test decides when items are retried.

    The thread would otherwise drain a successful wipe between ``add`` and
    the test's assertions on what is waiting.
    """

    def _ensure_thread(self) -> None:
        return None


def test_full_queue_wipes_functions():
    @cache_result(CategoryKey, ttl=300)
    def name(category_id):
        return f"name-{category_id}"

    @cache_result(CategoryKey, ttl=300)
    def other(category_id):
        return f"other-{category_id}"

    for category_id in range(4):
        name(category_id)
    other(1)
    scope = name.build_scope((), {}).prefix
    queue = ManualQueue()
    queue.max_pending = 2
    for category_id in range(3):
        queue.add(("test", category_id), _failing, "a test item", backend=name.backend, scope=scope)
    assert queue.escalations == 1
    assert len(queue) == 1
    assert queue.drain()
    # The function wipe removed every entry, the untouched fourth one too.
    assert all(name.get_cache_only(category_id) is CACHE_MISSING for category_id in range(4))
    assert other.get_cache_only(1) == "other-1"


def test_overfull_queue_wipes_the_cache(caplog):
    def build(number):
        def compute(value):
            return value * number

        # Distinct identifiers give each function a scope of its own.
        compute.__qualname__ = f"overfull_{number}"
        wrapper = cache_result(ttl=300)(compute)
        assert wrapper(2) == 2 * number
        return wrapper

    queued = [build(number) for number in range(3)]
    untouched = build(3)
    assert len({wrapper.build_scope((), {}).prefix for wrapper in queued}) == 3

    queue = ManualQueue()
    queue.max_pending = 2
    for number, wrapper in enumerate(queued):
        scope = wrapper.build_scope((), {}).prefix
        queue.add(("many", number), _failing, "a test item", backend=wrapper.backend, scope=scope)
    assert len(queue) == 1
    assert "replaced them by 1 wipe(s)" in caplog.text
    assert queue.drain()
    # Everything was wiped: the function that had no waiting item too.
    assert all(wrapper.get_cache_only(2) is CACHE_MISSING for wrapper in queued)
    assert untouched.get_cache_only(2) is CACHE_MISSING


@pytest.mark.django_db
def test_rule_failing_on_its_own_wipes_its_function(django_capture_on_commit_callbacks, caplog):
    from catalog.models import Category

    calls = []

    def broken(wrapper, instance):
        calls.append(instance.pk)
        raise RuntimeError("broken invalidator")

    @cache_result(
        CategoryKey,
        ttl=300,
        invalidates_on=[InvalidationRule(model="catalog.Category", invalidator=broken)],
    )
    def name(category_id):
        return Category.objects.get(pk=category_id).name

    category = Category.objects.create(name="before", slug="retry-broken")
    assert name(category.pk) == "before"
    _rename(category, "after", django_capture_on_commit_callbacks)
    # The cache responds, so the first retry falls back to wiping the function
    # instead of keeping this process off the cache.
    retry_queue.drain()
    assert len(retry_queue) == 0
    assert calls == [category.pk, category.pk]
    assert "wiped rf:" in caplog.text
    assert name(category.pk) == "after"
    assert name.get_cache_only(category.pk) == "after"


# --- retired entries ------------------------------------------------------------------

ADAPTERS = [
    pytest.param({}, id="django"),
    pytest.param(
        {"CACHE_SETTINGS": {"BACKEND": "redis", "CACHE_ALIAS": "redis"}},
        id="redis",
        marks=pytest.mark.redis,
    ),
]


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_delete_cache_late_store(adapter):
    values = {"a": "old"}

    with override_settings(RESTFLOW_SETTINGS=adapter):

        @cache_result(ttl=300)
        def lookup(name):
            value = values[name]
            if value == "old":
                # The change commits and invalidates between the read and the store.
                values[name] = "new"
                lookup.delete_cache(name)
            return value

        lookup.invalidate_all()
        assert lookup("a") == "old"
        assert lookup.get_cache_only("a") is CACHE_MISSING
        assert lookup("a") == "new"
        assert lookup.get_cache_only("a") == "new"
        # Retiring again still works, and other calls keep their entries.
        values["b"] = "kept"
        assert lookup("b") == "kept"
        lookup.delete_cache("a")
        assert lookup.get_cache_only("a") is CACHE_MISSING
        assert lookup.get_cache_only("b") == "kept"


async def _late_store_async(adapter):
    values = {"a": "old"}

    with override_settings(RESTFLOW_SETTINGS=adapter):

        @cache_result(ttl=300)
        async def lookup(name):
            value = values[name]
            if value == "old":
                values[name] = "new"
                await lookup.adelete_cache(name)
            return value

        await lookup.ainvalidate_all()
        assert await lookup("a") == "old"
        assert await lookup.aget_cache_only("a") is CACHE_MISSING
        assert await lookup("a") == "new"
        assert await lookup.aget_cache_only("a") == "new"


# Separate tests rather than parametrized ones: the anyio marker is added to
# async tests after collection, which drops the parameters.
async def test_delete_cache_late_store_async():
    await _late_store_async({})


@pytest.mark.redis
async def test_delete_cache_late_store_async_redis():
    await _late_store_async(ADAPTERS[1].values[0])


@pytest.mark.django_db
def test_rewarm_is_not_overwritten_by_late_store(django_capture_on_commit_callbacks):
    from catalog.models import Category

    category = Category.objects.create(name="before", slug="retry-rewarm")
    renames = [category]

    @cache_result(
        ttl=300,
        invalidates_on=[
            InvalidationRule(
                model="catalog.Category", field_mapping={"category_id": "pk"}, rewarm=True
            )
        ],
    )
    def name(category_id):
        value = Category.objects.get(pk=category_id).name
        if renames:
            # The change commits and its rule recomputes before this call stores.
            _rename(renames.pop(), "after", django_capture_on_commit_callbacks)
        return value

    assert name(category.pk) == "before"
    assert name.get_cache_only(category.pk) == "after"
    assert name(category.pk) == "after"
