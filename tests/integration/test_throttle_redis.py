"""The redis throttle store against the machine's Redis and a private one the tests stop.

Keys carry the pid and a random suffix so parallel runs never share a
count, and each test deletes only its own keys.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.test import override_settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from restflow.registry import THROTTLE_STORES
from restflow.throttling import ScopedRateThrottle, SimpleRateThrottle, throttler_allow_request
from restflow.throttling.failures import warn_store_unavailable

factory = APIRequestFactory()


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_throttle_class(prefix: str, rate: str, clock=None) -> type[SimpleRateThrottle]:
    attrs = {
        "rate": rate,
        "get_cache_key": lambda self, request, view: f"{prefix}:{self.get_ident(request)}",
    }
    if clock is not None:
        attrs["timer"] = staticmethod(clock)
    return type("PrefixedThrottle", (SimpleRateThrottle,), attrs)


@pytest.fixture
def prefix(redis_url):
    value = f"rftest-{os.getpid()}-{uuid.uuid4().hex[:10]}"
    yield value
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{value}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["url", "cache_alias"])
def redis_store(request, redis_url):
    """Select the redis store through REDIS_URL or through the django-redis alias."""
    throttling = {"STORE": "redis", "SOCKET_TIMEOUT": 2}
    if request.param == "url":
        throttling["REDIS_URL"] = redis_url
    else:
        throttling["CACHE_ALIAS"] = "redis"
    with override_settings(RESTFLOW_SETTINGS={"THROTTLING": throttling}):
        yield request.param
    THROTTLE_STORES.reset()


def anon_request(ip: str = "10.0.0.1", **extra) -> Request:
    return Request(factory.get("/", REMOTE_ADDR=ip, **extra))


pytestmark = pytest.mark.redis


# --- concurrency ------------------------------------------------------------


def test_concurrent_threads_admit_exactly_limit(redis_store, prefix):
    throttle_class = make_throttle_class(prefix, "10/min")

    class LimitedView(APIView):
        throttle_classes = [throttle_class]

        def get(self, request):
            return __import__("rest_framework.response").response.Response({"ok": True})

    view = LimitedView.as_view()
    barrier = threading.Barrier(50)

    def call(index: int) -> int:
        if index < 50:
            barrier.wait()
        return view(factory.get("/", REMOTE_ADDR="10.1.1.1")).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(call, range(200)))

    assert statuses.count(200) == 10
    assert statuses.count(429) == 190


def test_concurrent_tasks_admit_exactly_limit(redis_store, prefix):
    throttle_class = make_throttle_class(prefix, "10/min")

    async def main() -> list[bool]:
        requests = [anon_request("10.2.2.2") for _ in range(200)]
        return await asyncio.gather(
            *(throttler_allow_request(throttle_class(), request, None) for request in requests)
        )

    results = asyncio.run(main())

    assert results.count(True) == 10
    assert results.count(False) == 190


# --- windows ------------------------------------------------------------------


def test_sliding_window_rolls_over_sync(redis_store, prefix):
    clock = FakeClock(1_000_000.0)
    throttle_class = make_throttle_class(prefix, "2/1s", clock)
    outcomes = []
    for now in (1_000_000.0, 1_000_000.4, 1_000_000.5, 1_000_001.0, 1_000_001.1, 1_000_001.4):
        clock.now = now
        throttle = throttle_class()
        outcomes.append((throttle.allow_request(anon_request(), None), throttle.wait()))

    assert [allowed for allowed, _ in outcomes] == [True, True, False, True, False, True]
    assert outcomes[2][1] == pytest.approx(0.5)
    assert outcomes[4][1] == pytest.approx(0.3)


def test_sliding_window_rolls_over_async(redis_store, prefix):
    clock = FakeClock(2_000_000.0)
    throttle_class = make_throttle_class(prefix, "2/1s", clock)

    async def main():
        outcomes = []
        for now in (2_000_000.0, 2_000_000.4, 2_000_000.5, 2_000_001.0, 2_000_001.1):
            clock.now = now
            throttle = throttle_class()
            outcomes.append((await throttle.aallow_request(anon_request(), None), throttle.wait()))
        return outcomes

    outcomes = asyncio.run(main())

    assert [allowed for allowed, _ in outcomes] == [True, True, False, True, False]
    assert outcomes[2][1] == pytest.approx(0.5)


def test_window_rolls_over_in_real_time(redis_store, prefix):
    # Three seconds leave room for a loaded machine between the first three calls.
    throttle_class = make_throttle_class(prefix, "2/3s")
    first = [throttle_class().allow_request(anon_request(), None) for _ in range(3)]
    # Wait the window out on the real clock, which Redis also uses to expire the key.
    time.sleep(3.1)
    after = throttle_class().allow_request(anon_request(), None)

    assert first == [True, True, False]
    assert after is True


def test_counts_are_per_client(redis_store, prefix):
    throttle_class = make_throttle_class(prefix, "1/min")

    assert throttle_class().allow_request(anon_request("10.3.0.1"), None) is True
    assert throttle_class().allow_request(anon_request("10.3.0.1"), None) is False
    assert throttle_class().allow_request(anon_request("10.3.0.2"), None) is True


# --- scopes -------------------------------------------------------------------


def test_scoped_throttle_counts_each_scope(redis_store, prefix):
    class Scoped(ScopedRateThrottle):
        cache_format = prefix + "_%(scope)s_%(ident)s"

    class Uploads:
        throttle_scope = "uploads"

    class Search:
        throttle_scope = "search"

    rates = {"DEFAULT_THROTTLE_RATES": {"uploads": "1/min", "search": "2/min"}}
    with override_settings(REST_FRAMEWORK=rates):
        uploads = [Scoped().allow_request(anon_request(), Uploads()) for _ in range(2)]
        search = [Scoped().allow_request(anon_request(), Search()) for _ in range(3)]

        async def more_uploads():
            return await Scoped().aallow_request(anon_request(), Uploads())

        async_upload = asyncio.run(more_uploads())

    assert uploads == [True, False]
    assert search == [True, True, False]
    assert async_upload is False


# --- an unreachable Redis -------------------------------------------------------


@pytest.fixture
def private_store(private_redis):
    def configure(fail_open: bool):
        return override_settings(
            RESTFLOW_SETTINGS={
                "THROTTLING": {
                    "STORE": "redis",
                    "REDIS_URL": private_redis.url,
                    "FAIL_OPEN": fail_open,
                    "SOCKET_TIMEOUT": 0.3,
                }
            }
        )

    warn_store_unavailable.reset()
    yield configure
    warn_store_unavailable.reset()
    THROTTLE_STORES.reset()


def test_stopped_redis_fails_open(private_redis, private_store, caplog):
    throttle_class = make_throttle_class("open", "1/min")
    with private_store(True), caplog.at_level(logging.WARNING, "restflow.throttling"):
        assert throttle_class().allow_request(anon_request(), None) is True
        assert throttle_class().allow_request(anon_request(), None) is False
        private_redis.stop()
        admitted = [throttle_class().allow_request(anon_request(), None) for _ in range(5)]

    assert admitted == [True] * 5
    warnings = [r for r in caplog.records if r.name == "restflow.throttling.failures"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "admitting" in warnings[0].getMessage()


def test_stopped_redis_fails_closed(private_redis, private_store, caplog):
    from rest_framework.response import Response

    throttle_class = make_throttle_class("closed", "5/min")

    class LimitedView(APIView):
        throttle_classes = [throttle_class]

        def get(self, request):
            return Response({"ok": True})

    view = LimitedView.as_view()
    with private_store(False), caplog.at_level(logging.WARNING, "restflow.throttling"):
        before = view(factory.get("/")).status_code
        private_redis.stop()
        responses = [view(factory.get("/")) for _ in range(3)]

    assert before == 200
    assert [response.status_code for response in responses] == [503] * 3
    assert responses[0]["Retry-After"] == "1"
    assert responses[0].data["error"]["code"] == "service_unavailable"
    warnings = [r for r in caplog.records if r.name == "restflow.throttling.failures"]
    assert len(warnings) == 1
    assert "rejecting" in warnings[0].getMessage()


def test_stopped_redis_fails_open_async(private_redis, private_store):
    throttle_class = make_throttle_class("open-async", "1/min")

    async def main():
        first = await throttle_class().aallow_request(anon_request(), None)
        private_redis.stop()
        after = [await throttle_class().aallow_request(anon_request(), None) for _ in range(3)]
        return first, after

    with private_store(True):
        first, after = asyncio.run(main())

    assert first is True
    assert after == [True, True, True]


def test_stopped_redis_fails_closed_async(private_redis, private_store):
    from restflow.throttling.failures import ThrottleUnavailable

    throttle_class = make_throttle_class("closed-async", "5/min")

    async def main():
        await throttle_class().aallow_request(anon_request(), None)
        private_redis.stop()
        await throttle_class().aallow_request(anon_request(), None)

    with private_store(False), pytest.raises(ThrottleUnavailable):
        asyncio.run(main())


def test_paused_redis_times_out_and_fails_open(private_redis, private_store):
    throttle_class = make_throttle_class("paused", "1/min")
    with private_store(True):
        assert throttle_class().allow_request(anon_request(), None) is True
        private_redis.pause()
        try:
            # The reply never comes; SOCKET_TIMEOUT ends the wait.
            admitted = throttle_class().allow_request(anon_request(), None)
        finally:
            private_redis.resume()

    assert admitted is True


def test_counting_resumes_after_restart(private_redis, private_store):
    throttle_class = make_throttle_class("restart", "1/min")
    with private_store(False):
        assert throttle_class().allow_request(anon_request(), None) is True
        private_redis.stop()
        private_redis.start_again()
        # A fresh server has no history, and the store reconnects by itself.
        assert throttle_class().allow_request(anon_request(), None) is True
        assert throttle_class().allow_request(anon_request(), None) is False


# --- the cache store on a shared cache ----------------------------------------------


def test_cache_store_on_django_redis_threads(prefix):
    """add and incr are atomic on django-redis, so the fixed window admits exactly the limit."""
    # A fixed clock keeps every request inside one window.
    throttle_class = make_throttle_class(prefix, "10/min", FakeClock(7_000_000.0))
    barrier = threading.Barrier(40)

    def call(index: int) -> bool:
        if index < 40:
            barrier.wait()
        return throttle_class().allow_request(anon_request("10.4.4.4"), None)

    throttling = {"STORE": "cache", "CACHE_ALIAS": "redis"}
    with (
        override_settings(RESTFLOW_SETTINGS={"THROTTLING": throttling}),
        ThreadPoolExecutor(max_workers=40) as pool,
    ):
        results = list(pool.map(call, range(200)))
    THROTTLE_STORES.reset()

    assert results.count(True) == 10
