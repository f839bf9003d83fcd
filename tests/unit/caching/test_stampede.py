"""Stampede protection: concurrent misses on one key compute once."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest
from django.test import override_settings

from restflow.caching import cache_result


def call_at_once(count: int, call: Callable[[], object]) -> None:
    """Run ``call`` in ``count`` threads released together, and wait for all of them."""
    barrier = threading.Barrier(count)

    def worker() -> None:
        barrier.wait()
        call()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_fifty_threads_call_a_slow_function_once():
    calls = []
    lock = threading.Lock()

    @cache_result(ttl=60)
    def slow(value):
        with lock:
            calls.append(value)
        time.sleep(0.3)
        return value * 2

    results = []
    call_at_once(50, lambda: results.append(slow(21)))
    assert len(calls) == 1
    assert results == [42] * 50


async def test_fifty_tasks_call_a_slow_function_once():
    calls = []

    @cache_result(ttl=60)
    async def slow(value):
        calls.append(value)
        await asyncio.sleep(0.3)
        return value * 2

    results = await asyncio.gather(*(slow(21) for _ in range(50)))
    assert len(calls) == 1
    assert results == [42] * 50


@override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"STAMPEDE_PROTECTION": False}})
def test_without_protection_every_thread_computes():
    calls = []
    lock = threading.Lock()

    @cache_result(ttl=60)
    def slow(value):
        with lock:
            calls.append(value)
        time.sleep(0.2)
        return value

    call_at_once(5, lambda: slow(1))
    assert len(calls) == 5


def test_leader_errors_reach_the_waiting_threads():
    started = threading.Event()

    @cache_result(ttl=60)
    def failing(value):
        started.set()
        time.sleep(0.2)
        raise RuntimeError("backend down")

    errors = []

    def worker():
        try:
            failing(1)
        except RuntimeError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=worker)
    first.start()
    started.wait(5)
    second = threading.Thread(target=worker)
    second.start()
    first.join()
    second.join()
    assert errors == ["backend down", "backend down"]


def test_caller_waits_for_a_lock_held_elsewhere_and_reads_its_value():
    # Another process holds the compute lock and stores the value a moment later.
    calls = []

    @cache_result(ttl=60)
    def load(value):
        calls.append(value)
        return "computed here"

    raw_key = load.get_cache_key(1)
    backend = load.backend
    assert backend.acquire_lock(raw_key, "other-process", 30)

    def other_process():
        time.sleep(0.2)
        load.cache_set_with_timestamp(raw_key, "computed elsewhere", 60)

    thread = threading.Thread(target=other_process)
    thread.start()
    assert load(1) == "computed elsewhere"
    thread.join()
    assert calls == []


@override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"STAMPEDE_MAX_WAIT": 0.2}})
def test_caller_computes_after_the_bounded_wait():
    calls = []

    @cache_result(ttl=60)
    def load(value):
        calls.append(value)
        return "fallback"

    raw_key = load.get_cache_key(1)
    assert load.backend.acquire_lock(raw_key, "stuck-process", 30)
    assert load(1) == "fallback"
    assert calls == [1]


@override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"STAMPEDE_MAX_WAIT": 0.2}})
async def test_caller_computes_after_the_bounded_wait_async():
    calls = []

    @cache_result(ttl=60)
    async def load(value):
        calls.append(value)
        return "fallback"

    raw_key = await load.aget_cache_key(1)
    assert await load.backend.aacquire_lock(raw_key, "stuck-process", 30)
    assert await load(1) == "fallback"
    assert calls == [1]


@pytest.mark.redis
def test_fifty_threads_once_on_redis():
    calls = []
    lock = threading.Lock()

    @cache_result(ttl=60, cache_alias="redis")
    def slow(value):
        with lock:
            calls.append(value)
        time.sleep(0.3)
        return value

    slow.invalidate_all()
    call_at_once(50, lambda: slow(7))
    assert calls == [7]
    slow.invalidate_all()
