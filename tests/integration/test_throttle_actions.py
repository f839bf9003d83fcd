"""Per-action throttles through ActionConfig, counted in the real Redis, sync and async viewsets."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid

import pytest
import redis
from django.test import override_settings
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from restflow.registry import THROTTLE_STORES
from restflow.throttling import SimpleRateThrottle
from restflow.views import ActionConfig, AsyncViewSet, ViewSet

pytestmark = pytest.mark.redis

factory = APIRequestFactory()


@pytest.fixture
def burst_class(redis_url):
    prefix = f"rfaction-{os.getpid()}-{uuid.uuid4().hex[:10]}"
    calls: list[tuple[str, int]] = []

    class Burst(SimpleRateThrottle):
        rate = "2/min"

        def get_cache_key(self, request, view):
            return f"{prefix}:{view.action}:{self.get_ident(request)}"

        def allow_request(self, request, view):
            calls.append(("sync", threading.get_ident()))
            return super().allow_request(request, view)

        async def aallow_request(self, request, view):
            calls.append(("async", threading.get_ident()))
            return await super().aallow_request(request, view)

    Burst.calls = calls
    throttling = {"STORE": "redis", "REDIS_URL": redis_url}
    with override_settings(RESTFLOW_SETTINGS={"THROTTLING": throttling}):
        yield Burst
    THROTTLE_STORES.reset()
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_sync_viewset_throttles_only_configured_action(burst_class):
    class Items(ViewSet):
        throttle_classes = []
        action_configs = {"create": ActionConfig(throttle_classes=[burst_class])}

        def list(self, request):
            return Response([])

        def create(self, request):
            return Response({}, status=201)

    view = Items.as_view({"get": "list", "post": "create"})
    creates = [view(factory.post("/", {}, format="json")).status_code for _ in range(3)]
    lists = [view(factory.get("/")).status_code for _ in range(4)]

    assert creates == [201, 201, 429]
    assert lists == [200] * 4
    assert {kind for kind, _ in burst_class.calls} == {"sync"}


def test_async_viewset_throttles_with_aallow_request(burst_class):
    class Items(AsyncViewSet):
        throttle_classes = []
        action_configs = {"create": ActionConfig(throttle_classes=[burst_class])}

        async def list(self, request):
            return Response([])

        async def create(self, request):
            return Response({}, status=201)

    view = Items.as_view({"get": "list", "post": "create"})

    async def main():
        loop_thread = threading.get_ident()
        creates = [(await view(factory.post("/", {}, format="json"))) for _ in range(3)]
        lists = [(await view(factory.get("/"))) for _ in range(3)]
        return loop_thread, creates, lists

    loop_thread, creates, lists = asyncio.run(main())

    assert [response.status_code for response in creates] == [201, 201, 429]
    assert 1 <= int(creates[-1]["Retry-After"]) <= 60
    assert [response.status_code for response in lists] == [200] * 3
    # The async view awaited aallow_request on the loop thread: no thread hop.
    assert burst_class.calls == [("async", loop_thread)] * 3
