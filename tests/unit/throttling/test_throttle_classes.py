"""Throttle classes on the cache store: rates, scopes, identity, sync and async twins."""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from rest_framework import throttling as drf_throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from restflow.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
    throttler_allow_request,
)
from restflow.throttling.rates import InvalidRateError
from restflow.throttling.stores.base import BaseThrottleStore, ThrottleUsage

factory = APIRequestFactory()


@pytest.fixture(autouse=True)
def clear_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


def anon(ip: str = "10.0.0.1", **extra) -> Request:
    return Request(factory.get("/", REMOTE_ADDR=ip, **extra))


def authed(pk: int) -> Request:
    request = factory.get("/")
    force_authenticate(request, user=User(pk=pk, username=f"user{pk}"))
    return Request(request, authenticators=[])


def drf_settings(**values):
    """Override DRF settings on top of the suite's (which set the exception handler)."""
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **values})


# Hour-long windows: the cache store's fixed windows start on the hour, so
# minute windows would reset whenever a test ran across a minute boundary.
def rates(**values):
    return drf_settings(DEFAULT_THROTTLE_RATES=values)


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_subclasses_drf_classes():
    assert issubclass(SimpleRateThrottle, drf_throttling.SimpleRateThrottle)
    assert issubclass(AnonRateThrottle, drf_throttling.AnonRateThrottle)
    assert issubclass(UserRateThrottle, drf_throttling.UserRateThrottle)
    assert issubclass(ScopedRateThrottle, drf_throttling.ScopedRateThrottle)
    assert issubclass(BaseThrottle, drf_throttling.BaseThrottle)


def test_rates_read_when_built():
    with rates(anon="1/hour"):
        assert AnonRateThrottle().num_requests == 1
    with rates(anon="7/10s"):
        throttle = AnonRateThrottle()
        assert (throttle.num_requests, throttle.duration) == (7, 10)


def test_invalid_rate_names_scope():
    with rates(anon="10/monthly"), pytest.raises(InvalidRateError) as info:
        AnonRateThrottle()
    assert "REST_FRAMEWORK[\"DEFAULT_THROTTLE_RATES\"]['anon']" in str(info.value)
    assert "'10/monthly'" in str(info.value)


def test_invalid_class_rate_names_class():
    class Burst(SimpleRateThrottle):
        rate = "3/fortnight"

    with pytest.raises(InvalidRateError, match=r"Burst\.rate"):
        Burst()


def test_missing_scope_rate():
    expected = "no rate for scope 'anon'"
    with rates(user="5/hour"), pytest.raises(ImproperlyConfigured, match=expected):
        AnonRateThrottle()


def test_scope_or_rate_required():
    class Nothing(SimpleRateThrottle):
        def get_cache_key(self, request, view):
            return "k"

    with pytest.raises(ImproperlyConfigured, match="needs a `scope` or a `rate`"):
        Nothing()


def test_rate_none_never_throttles():
    with rates(anon=None):
        assert all(AnonRateThrottle().allow_request(anon(), None) for _ in range(5))


def test_anon_limit_and_wait():
    with rates(anon="2/hour"):
        results = [AnonRateThrottle().allow_request(anon(), None) for _ in range(2)]
        denied = AnonRateThrottle()
        assert denied.allow_request(anon(), None) is False
    assert results == [True, True]
    assert 0 < denied.wait() <= 3600
    assert denied.usage.count == 3


def test_anon_ignores_authenticated():
    with rates(anon="1/hour"):
        assert all(AnonRateThrottle().allow_request(authed(1), None) for _ in range(3))


def test_user_counts_per_user():
    with rates(user="1/hour"):
        assert UserRateThrottle().allow_request(authed(1), None) is True
        assert UserRateThrottle().allow_request(authed(1), None) is False
        assert UserRateThrottle().allow_request(authed(2), None) is True


def test_async_twin_counts_same_store():
    async def main():
        with rates(user="2/hour"):
            first = await UserRateThrottle().aallow_request(authed(3), None)
            second = UserRateThrottle().allow_request(authed(3), None)
            third = await UserRateThrottle().aallow_request(authed(3), None)
            return first, second, third

    assert asyncio.run(main()) == (True, True, False)


class Scoped(ScopedRateThrottle):
    pass


class UploadView:
    throttle_scope = "uploads"


class NoScopeView:
    pass


def test_scoped_sync_resolves_scope():
    with rates(uploads="1/hour"):
        assert Scoped().allow_request(anon(), UploadView()) is True
        throttle = Scoped()
        assert throttle.allow_request(anon(), UploadView()) is False
    assert throttle.scope == "uploads"
    assert throttle.num_requests == 1


def test_scoped_async_resolves_scope():
    async def main():
        with rates(uploads="1/hour"):
            first = await Scoped().aallow_request(anon(), UploadView())
            throttle = Scoped()
            second = await throttle.aallow_request(anon(), UploadView())
            return first, second, throttle

    first, second, throttle = asyncio.run(main())
    assert (first, second) == (True, False)
    assert (throttle.scope, throttle.duration) == ("uploads", 3600)


def test_scoped_without_scope_allows():
    with rates():
        assert all(Scoped().allow_request(anon(), NoScopeView()) for _ in range(3))
        assert asyncio.run(Scoped().aallow_request(anon(), NoScopeView())) is True


def test_scoped_invalid_rate_names_scope():
    with rates(uploads="1/fortnight"), pytest.raises(InvalidRateError, match="'uploads'"):
        Scoped().allow_request(anon(), UploadView())


# --- client identity ----------------------------------------------------------


def test_spoofed_forwarded_for_still_limited():
    with drf_settings(DEFAULT_THROTTLE_RATES={"anon": "2/hour"}, NUM_PROXIES=1):
        # The proxy appends the real client address; the client controls the rest.
        results = [
            AnonRateThrottle().allow_request(
                anon("10.9.9.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7"), None
            )
            for n in range(5)
        ]
    assert results == [True, True, False, False, False]


def test_forwarded_for_trusted_whole_without_num_proxies():
    # DRF's rule with NUM_PROXIES = None: the whole header is the identity,
    # so a client that varies it is counted separately each time. The
    # restflow.W073 deploy check warns about this setting.
    with rates(anon="1/hour"):
        results = [
            AnonRateThrottle().allow_request(anon(HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"), None)
            for n in range(3)
        ]
    assert results == [True, True, True]


def test_num_proxies_zero_uses_remote_addr():
    with drf_settings(DEFAULT_THROTTLE_RATES={"anon": "1/hour"}, NUM_PROXIES=0):
        first = AnonRateThrottle().allow_request(anon("10.1.1.1", HTTP_X_FORWARDED_FOR="a"), None)
        second = AnonRateThrottle().allow_request(anon("10.1.1.1", HTTP_X_FORWARDED_FOR="b"), None)
    assert (first, second) == (True, False)


# --- sync and async hooks -------------------------------------------------------


class RecordingStore(BaseThrottleStore):
    calls: list[str] = []

    def hit(self, key, limit, duration, now):
        self.calls.append("hit")
        return ThrottleUsage(True, 1, limit, 0.0)

    async def ahit(self, key, limit, duration, now):
        self.calls.append("ahit")
        return ThrottleUsage(True, 1, limit, 0.0)


def test_async_path_uses_store_ahit():
    RecordingStore.calls = []
    with (
        override_settings(
            RESTFLOW_SETTINGS={"THROTTLING": {"STORE": f"{__name__}.RecordingStore"}}
        ),
        rates(anon="5/hour"),
    ):
        asyncio.run(AnonRateThrottle().aallow_request(anon(), None))
        AnonRateThrottle().allow_request(anon(), None)
    assert RecordingStore.calls == ["ahit", "hit"]


def test_get_store_override():
    store = RecordingStore()
    RecordingStore.calls = []

    class Custom(AnonRateThrottle):
        def get_store(self):
            return store

    with rates(anon="5/hour"):
        assert Custom().allow_request(anon(), None) is True
    assert RecordingStore.calls == ["hit"]


def test_sync_only_override_runs_in_thread():
    seen = {}

    class SyncOnly(AnonRateThrottle):
        def allow_request(self, request, view):
            seen["thread"] = threading.get_ident()
            return False

    async def main():
        seen["loop"] = threading.get_ident()
        return await SyncOnly().aallow_request(anon(), None)

    with rates(anon="5/hour"):
        assert asyncio.run(main()) is False
    assert seen["thread"] != seen["loop"]


def test_async_only_override_serves_sync_path():
    class AsyncOnly(BaseThrottle):
        async def aallow_request(self, request, view):
            return request.META["REMOTE_ADDR"] == "10.0.0.1"

    assert AsyncOnly().allow_request(anon("10.0.0.1"), None) is True
    assert AsyncOnly().allow_request(anon("10.0.0.2"), None) is False


def test_base_without_hooks_raises():
    class Neither(BaseThrottle):
        pass

    with pytest.raises(NotImplementedError, match="allow_request"):
        Neither().allow_request(anon(), None)
    with pytest.raises(NotImplementedError, match="aallow_request"):
        asyncio.run(Neither().aallow_request(anon(), None))


def test_throttler_allow_request_with_plain_drf_throttle():
    seen = {}

    class PlainThrottle(drf_throttling.BaseThrottle):
        def allow_request(self, request, view):
            seen["thread"] = threading.get_ident()
            return False

    async def main():
        seen["loop"] = threading.get_ident()
        return await throttler_allow_request(PlainThrottle(), anon(), None)

    assert asyncio.run(main()) is False
    assert seen["thread"] != seen["loop"]


def test_throttler_allow_request_with_async_throttle():
    with rates(anon="1/hour"):
        outcomes = asyncio.run(_twice(AnonRateThrottle))
    assert outcomes == [True, False]


async def _twice(throttle_class):
    return [await throttler_allow_request(throttle_class(), anon(), None) for _ in range(2)]


# --- through a DRF view -----------------------------------------------------------


class LimitedView(APIView):
    throttle_classes = [AnonRateThrottle]

    def get(self, request):
        return Response({"ok": True})


def test_view_returns_429_envelope_with_retry_after():
    view = LimitedView.as_view()
    with rates(anon="1/hour"):
        assert view(factory.get("/")).status_code == 200
        response = view(factory.get("/"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert response.data["error"]["code"] == "throttled"
    assert response.data["error"]["details"]["retry_after_seconds"] == int(response["Retry-After"])
