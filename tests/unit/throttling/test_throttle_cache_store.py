"""CacheThrottleStore: fixed windows with add/incr on local memory and on a file cache."""

from __future__ import annotations

import asyncio

import pytest
from django.core.cache import caches
from django.test import override_settings

from restflow.registry import THROTTLE_STORES
from restflow.throttling.stores.cache import CacheThrottleStore, is_process_local


@pytest.fixture(params=["locmem", "file"])
def store(request, tmp_path):
    """A store on local memory (sync calls on the loop) or a file cache (Django's a* methods)."""
    backends = {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "file": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    with override_settings(
        CACHES={"default": backends["locmem"], "throttle": backends[request.param]}
    ):
        yield CacheThrottleStore(cache_alias="throttle")
        caches["throttle"].clear()


def run_window(hit, start: float) -> list[tuple[bool, float]]:
    outcomes = []
    for offset in (0.0, 0.2, 0.5, 0.99, 1.0, 1.3):
        usage = hit("client", 2, 1, start + offset)
        outcomes.append((usage.allowed, round(usage.reset_after, 6)))
    return outcomes


EXPECTED_WINDOW = [
    (True, 0.0),
    (True, 0.8),
    (False, 0.5),
    (False, 0.01),
    (True, 0.0),
    (True, 0.7),
]


def test_fixed_window_sync(store):
    assert run_window(store.hit, 5_000_000.0) == EXPECTED_WINDOW


def test_fixed_window_async(store):
    async def ahit_sequence():
        outcomes = []
        for offset in (0.0, 0.2, 0.5, 0.99, 1.0, 1.3):
            usage = await store.ahit("client", 2, 1, 6_000_000.0 + offset)
            outcomes.append((usage.allowed, round(usage.reset_after, 6)))
        return outcomes

    assert asyncio.run(ahit_sequence()) == EXPECTED_WINDOW


def test_keys_are_separate(store):
    assert store.hit("a", 1, 60, 100.0).allowed is True
    assert store.hit("a", 1, 60, 101.0).allowed is False
    assert store.hit("b", 1, 60, 101.0).allowed is True


def test_counter_expiry_between_add_and_incr(store):
    cache = store.get_cache()
    counter, _, timeout = store._window("gone", 60, 120.0)
    cache.add(counter, 1, timeout)
    # Simulate the counter expiring between add() and incr().
    cache.delete(counter)
    assert store._increment(cache, counter, timeout) == 1
    assert cache.get(counter) == 1


def test_count_includes_rejected_requests(store):
    usages = [store.hit("busy", 1, 60, 600.0 + n) for n in range(3)]
    assert [usage.count for usage in usages] == [1, 2, 3]
    assert usages[-1].remaining == 0


def test_alias_read_from_settings():
    with override_settings(RESTFLOW_SETTINGS={"THROTTLING": {"CACHE_ALIAS": "other"}}):
        assert CacheThrottleStore().cache_alias == "other"
        assert THROTTLE_STORES.get().description == "cache 'other'"
    THROTTLE_STORES.reset()


def test_process_local_detection():
    assert is_process_local(caches["default"]) is True
