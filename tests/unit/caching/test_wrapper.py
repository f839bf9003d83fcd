"""cache_result and CachedWrapper: hits, misses, metadata and management, sync and async."""

from __future__ import annotations

import asyncio
import time

import pytest
from django.test import override_settings

from restflow.caching import (
    CACHE_MISSING,
    ArgsKeyField,
    CacheStatus,
    KeyConstructor,
    cache_result,
)


class PageKey(KeyConstructor):
    user = ArgsKeyField("user_id", partition=True)
    page = ArgsKeyField("page")


def make_counter(result=None):
    calls = []

    @cache_result(PageKey, ttl=60)
    def load(user_id, page=1):
        calls.append((user_id, page))
        return result if result is not None else f"{user_id}:{page}"

    return load, calls


def make_async_counter():
    calls = []

    @cache_result(PageKey, ttl=60)
    async def load(user_id, page=1):
        calls.append((user_id, page))
        return f"{user_id}:{page}"

    return load, calls


def test_second_call_is_a_hit():
    load, calls = make_counter()
    assert load(1) == "1:1"
    assert load(1) == "1:1"
    assert load(user_id=1, page=1) == "1:1"
    assert calls == [(1, 1)]


async def test_second_call_is_a_hit_async():
    load, calls = make_async_counter()
    assert await load(1) == "1:1"
    assert await load(user_id=1) == "1:1"
    assert calls == [(1, 1)]


def test_none_is_cached_and_told_apart_from_a_miss():
    calls = []

    @cache_result(ttl=60)
    def nothing(value):
        calls.append(value)

    assert nothing.get_cache_only(1) is CACHE_MISSING
    assert nothing(1) is None
    assert nothing(1) is None
    assert nothing.get_cache_only(1) is None
    assert calls == [1]


def test_metadata_reports_miss_then_hit():
    load, _ = make_counter()
    _, first = load.get_with_metadata(1)
    _, second = load.get_with_metadata(1)
    assert first["cache_status"] == CacheStatus.MISS.value
    assert second["cache_status"] == CacheStatus.HIT.value
    assert second["cached_at"] == first["cached_at"]
    assert second["cache_reset_at"] > second["cached_at"]


async def test_metadata_reports_miss_then_hit_async():
    load, _ = make_async_counter()
    _, first = await load.aget_with_metadata(1)
    _, second = await load.aget_with_metadata(1)
    assert first["cache_status"] == "MISS"
    assert second["cache_status"] == "HIT"


def test_refresh_recomputes_and_reports_refresh():
    load, calls = make_counter()
    load(1)
    load.refresh(1)
    assert calls == [(1, 1), (1, 1)]
    assert load.get_cached_metadata(1)["cache_status"] == "HIT"


async def test_refresh_recomputes_async():
    load, calls = make_async_counter()
    await load(1)
    await load.arefresh(1)
    assert calls == [(1, 1), (1, 1)]


def test_bypass_neither_reads_nor_writes():
    load, calls = make_counter()
    load.bypass_cache(1)
    assert load.get_cache_only(1) is CACHE_MISSING
    load(1)
    load.bypass_cache(1)
    assert len(calls) == 3


def test_delete_cache_removes_one_entry():
    load, _ = make_counter()
    load(1, page=1)
    load(1, page=2)
    load.delete_cache(1, page=1)
    assert load.get_cache_only(1, page=1) is CACHE_MISSING
    assert load.get_cache_only(1, page=2) == "1:2"


async def test_delete_cache_removes_one_entry_async():
    load, _ = make_async_counter()
    await load(1, page=1)
    await load.adelete_cache(1, page=1)
    assert await load.aget_cache_only(1, page=1) is CACHE_MISSING


def test_delete_by_prefix_wipes_one_partition_on_local_memory():
    load, _ = make_counter()
    for user in (1, 2):
        for page in (1, 2):
            load(user, page=page)
    load.delete_by_prefix(user_id=1)
    assert load.get_cache_only(1, page=1) is CACHE_MISSING
    assert load.get_cache_only(1, page=2) is CACHE_MISSING
    assert load.get_cache_only(2, page=1) == "2:1"
    assert load.get_cache_only(2, page=2) == "2:2"


async def test_delete_by_prefix_wipes_one_partition_async():
    load, _ = make_async_counter()
    await load(1)
    await load(2)
    await load.adelete_by_prefix(user_id=1)
    assert await load.aget_cache_only(1) is CACHE_MISSING
    assert await load.aget_cache_only(2) == "2:1"


def test_delete_by_prefix_without_the_partition_argument_raises():
    load, _ = make_counter()
    with pytest.raises(TypeError, match="user_id"):
        load.delete_by_prefix(page=1)


def test_invalidate_all_leaves_other_functions():
    @cache_result()
    def first(value):
        return value

    @cache_result()
    def second(value):
        return value

    first(1)
    second(1)
    first.invalidate_all()
    assert first.get_cache_only(1) is CACHE_MISSING
    assert second.get_cache_only(1) == 1


async def test_invalidate_all_async():
    load, _ = make_async_counter()
    await load(1)
    await load.ainvalidate_all()
    assert await load.aget_cache_only(1) is CACHE_MISSING


def test_sync_methods_on_async_functions_name_the_twin():
    load, _ = make_async_counter()
    for method in ("get_with_metadata", "refresh", "bypass_cache", "get_cache_only"):
        with pytest.raises(TypeError, match=f"a{method}"):
            getattr(load, method)(1)


async def test_function_running_twins_reject_sync_functions():
    load, _ = make_counter()
    with pytest.raises(TypeError, match="sync function"):
        await load.arefresh(1)


def test_sync_function_returning_a_coroutine_is_rejected():
    async def inner():
        return 1

    @cache_result()
    def sneaky():
        return inner()

    with pytest.raises(TypeError, match="async"):
        sneaky()


def test_cache_if_and_cache_unless():
    calls = []

    @cache_result(cache_if=lambda value: value > 0)
    def positive(value):
        calls.append(value)
        return value

    @cache_result(cache_unless=lambda value: value is None)
    def not_none(value):
        calls.append(value)
        return None if value == 0 else value

    positive(-1)
    positive(-1)
    positive(2)
    positive(2)
    not_none(0)
    not_none(0)
    assert calls == [-1, -1, 2, 0, 0]
    assert positive.get_with_metadata(-1)[1] is None


async def test_async_predicates_may_be_coroutines():
    async def keep(value):
        return value == "keep"

    calls = []

    @cache_result(cache_if=keep)
    async def load(value):
        calls.append(value)
        return value

    await load("keep")
    await load("keep")
    await load("drop")
    await load("drop")
    assert calls == ["keep", "drop", "drop"]


def test_cache_if_and_cache_unless_together_are_rejected():
    with pytest.raises(ValueError, match="exclusive"):
        cache_result(cache_if=bool, cache_unless=bool)


@pytest.mark.parametrize("ttl", [0, -1, "60", True])
def test_invalid_ttl_is_rejected(ttl):
    with pytest.raises(ValueError, match="ttl"):
        cache_result(ttl=ttl)


def test_methods_through_an_instance_pass_self():
    class Service:
        def __init__(self):
            self.calls = 0

        @cache_result(ttl=60)
        def total(self, amount):
            self.calls += 1
            return amount * 2

    service = Service()
    assert service.total(2) == 4
    assert service.total(2) == 4
    assert service.calls == 1
    service.total.delete_cache(2)
    assert service.total(2) == 4
    assert service.calls == 2
    assert Service.total.get_cache_only(service, 2) == 4


def test_cache_alias_selects_the_django_cache():
    caches_setting = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
        "other": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"},
    }
    with override_settings(CACHES=caches_setting):
        from django.core.cache import caches

        @cache_result(cache_alias="other")
        def load(value):
            return value

        load(1)
        assert caches["other"].get(load.get_cache_key(1)) is not None
        assert caches["default"].get(load.get_cache_key(1)) is None


def test_stale_entries_are_served_while_refreshing():
    calls = []

    @cache_result(ttl=0.05, stale_ttl=60)
    def load(value):
        calls.append(value)
        return len(calls)

    assert load(1) == 1
    time.sleep(0.1)
    value, metadata = load.get_with_metadata(1)
    assert value == 1
    assert metadata["cache_status"] == "STALE"
    deadline = time.monotonic() + 5
    while load.get_cache_only(1) == 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert load.get_cache_only(1) == 2


async def test_stale_entries_are_served_while_refreshing_async():
    calls = []

    @cache_result(ttl=0.05, stale_ttl=60)
    async def load(value):
        calls.append(value)
        return len(calls)

    assert await load(1) == 1
    await asyncio.sleep(0.1)
    value, metadata = await load.aget_with_metadata(1)
    assert (value, metadata["cache_status"]) == (1, "STALE")
    for _ in range(250):
        if await load.aget_cache_only(1) == 2:
            break
        await asyncio.sleep(0.02)
    assert await load.aget_cache_only(1) == 2


def test_cached_wrapper_of_async_function_is_a_coroutine_function():
    from asgiref.sync import iscoroutinefunction

    load, _ = make_async_counter()
    sync_load, _ = make_counter()
    assert iscoroutinefunction(load)
    assert not iscoroutinefunction(sync_load)


async def test_async_methods_through_an_instance_pass_self():
    import inspect

    class Service:
        def __init__(self):
            self.calls = 0

        @cache_result(ttl=60)
        async def total(self, amount):
            self.calls += 1
            return amount * 2

    service = Service()
    assert inspect.iscoroutinefunction(service.total)
    assert await service.total(2) == 4
    assert await service.total(2) == 4
    assert service.calls == 1
    await service.total.adelete_cache(2)
    assert await service.total.aget_cache_only(2) is CACHE_MISSING


def test_template_responses_are_stored_once_rendered():
    from django.template import engines
    from django.template.response import SimpleTemplateResponse

    calls = []
    template = engines["django"].from_string("Hello {{ name }}")

    @cache_result(ttl=60)
    def page(name):
        calls.append(name)
        return SimpleTemplateResponse(template, {"name": name})

    first = page("Ada")
    assert page.get_cache_only("Ada") is CACHE_MISSING
    first.render()
    cached = page.get_cache_only("Ada")
    assert cached.content == b"Hello Ada"
    assert page("Ada").content == b"Hello Ada"
    assert calls == ["Ada"]
