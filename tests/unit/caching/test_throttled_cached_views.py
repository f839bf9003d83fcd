"""Throttles of a view still count the requests its cached ``get`` serves from the cache.

DRF's ``dispatch`` runs ``initial()`` (authentication, permissions,
throttles) before the handler, and ``@cache_response`` wraps only the
handler, so a hit is counted like a miss.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings
from django.test import AsyncClient, Client, override_settings
from django.urls import path
from rest_framework import generics, serializers
from rest_framework import throttling as drf_throttling
from rest_framework.response import Response

from restflow.caching import cache_response
from restflow.throttling import AnonRateThrottle
from restflow.views import AsyncAPIView

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: Counter[str] = Counter()


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CategoryListBase(generics.ListAPIView):
    serializer_class = CategorySerializer
    authentication_classes: list = []
    permission_classes: list = []

    def get_queryset(self):
        from catalog.models import Category

        return Category.objects.order_by("pk")

    @cache_response(set_cache_headers=True)
    def get(self, request, *args, **kwargs):
        CALLS[type(self).__name__] += 1
        return super().get(request, *args, **kwargs)


class RestflowThrottledList(CategoryListBase):
    throttle_classes = [AnonRateThrottle]


class ThreePerMinuteDrfThrottle(drf_throttling.AnonRateThrottle):
    # DRF copies DEFAULT_THROTTLE_RATES into a class attribute at import,
    # so override_settings cannot reach its throttles: the rate is set here.
    rate = "3/min"


class DrfThrottledList(CategoryListBase):
    throttle_classes = [ThreePerMinuteDrfThrottle]


class AsyncThrottledView(AsyncAPIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [AnonRateThrottle]

    @cache_response(set_cache_headers=True)
    async def get(self, request):
        CALLS["AsyncThrottledView"] += 1
        return Response({"ok": True})


urlpatterns = [
    path("restflow/", RestflowThrottledList.as_view()),
    path("drf/", DrfThrottledList.as_view()),
    path("async/", AsyncThrottledView.as_view()),
]


@pytest.fixture(autouse=True)
def _urls():
    CALLS.clear()
    rates = {"DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "100/min"}}
    merged = {**getattr(settings, "REST_FRAMEWORK", {}), **rates}
    with override_settings(ROOT_URLCONF=__name__, REST_FRAMEWORK=merged):
        yield


@pytest.mark.parametrize(
    ("url", "view"),
    [("/restflow/", "RestflowThrottledList"), ("/drf/", "DrfThrottledList")],
)
def test_cache_hits_count_against_throttle(url, view):
    client = Client()
    responses = [client.get(url) for _ in range(4)]

    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    cache_statuses = [response.get("X-Cache-Status") for response in responses[:3]]
    assert cache_statuses == ["MISS", "HIT", "HIT"]
    assert CALLS[view] == 1


async def test_async_cache_hits_count_against_throttle():
    client = AsyncClient()
    responses = [await client.get("/async/") for _ in range(4)]

    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    cache_statuses = [response.get("X-Cache-Status") for response in responses[:3]]
    assert cache_statuses == ["MISS", "HIT", "HIT"]
    assert CALLS["AsyncThrottledView"] == 1
