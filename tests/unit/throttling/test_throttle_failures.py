"""FAIL_OPEN with a store that cannot connect, and the rate-limited warning."""

from __future__ import annotations

import asyncio
import logging

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from restflow.registry import THROTTLE_STORES
from restflow.throttling import AnonRateThrottle
from restflow.throttling.failures import (
    RateLimitedWarning,
    ThrottleUnavailable,
    warn_store_unavailable,
)
from tests.support.services import free_port

factory = APIRequestFactory()


@pytest.fixture
def unreachable_cache():
    """A django-redis cache pointed at a closed loopback port: every call fails."""
    caches = {
        **settings.CACHES,
        "unreachable": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
    }
    rest_framework = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/min"}}
    warn_store_unavailable.reset()

    def configure(fail_open: bool):
        throttling = {"STORE": "cache", "CACHE_ALIAS": "unreachable", "FAIL_OPEN": fail_open}
        return override_settings(
            CACHES=caches,
            REST_FRAMEWORK=rest_framework,
            RESTFLOW_SETTINGS={"THROTTLING": throttling},
        )

    yield configure
    warn_store_unavailable.reset()
    THROTTLE_STORES.reset()


def request() -> Request:
    return Request(factory.get("/"))


def test_cache_store_fails_open(unreachable_cache, caplog):
    with unreachable_cache(True), caplog.at_level(logging.WARNING, "restflow.throttling"):
        results = [AnonRateThrottle().allow_request(request(), None) for _ in range(4)]

    assert results == [True] * 4
    records = [r for r in caplog.records if r.name == "restflow.throttling.failures"]
    assert len(records) == 1
    assert "cache 'unreachable'" in records[0].getMessage()


def test_cache_store_fails_open_async(unreachable_cache):
    async def main():
        return [await AnonRateThrottle().aallow_request(request(), None) for _ in range(2)]

    with unreachable_cache(True):
        assert asyncio.run(main()) == [True, True]


def test_cache_store_fails_closed(unreachable_cache):
    with unreachable_cache(False), pytest.raises(ThrottleUnavailable) as info:
        AnonRateThrottle().allow_request(request(), None)
    assert info.value.status_code == 503
    assert info.value.wait == 1


def test_cache_store_fails_closed_async(unreachable_cache):
    with unreachable_cache(False), pytest.raises(ThrottleUnavailable):
        asyncio.run(AnonRateThrottle().aallow_request(request(), None))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limited_warning_counts_suppressed(caplog):
    logger = logging.getLogger("restflow.throttling.test")
    clock = Clock()
    warn = RateLimitedWarning(logger, lambda: 60.0, clock)
    with caplog.at_level(logging.WARNING, "restflow.throttling.test"):
        assert warn("failed %s", "a") is True
        clock.now = 30.0
        assert warn("failed %s", "b") is False
        assert warn("failed %s", "c") is False
        clock.now = 61.0
        assert warn("failed %s", "d") is True

    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "failed a",
        "failed d (2 similar failure(s) not logged since the last warning)",
    ]


def test_rate_limited_warning_interval_zero_logs_all(caplog):
    logger = logging.getLogger("restflow.throttling.test")
    warn = RateLimitedWarning(logger, lambda: 0.0, Clock())
    with caplog.at_level(logging.WARNING, "restflow.throttling.test"):
        assert [warn("x") for _ in range(3)] == [True, True, True]
