"""AsyncAPIView with restflow's own components: throttles and authenticators from other packages."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings
from rest_framework.response import Response

from restflow.authentication import BasicAuthentication
from restflow.permissions import IsAuthenticated
from restflow.test import AsyncAPIRequestFactory
from restflow.throttling import AnonRateThrottle
from restflow.views import AsyncAPIView
from tests.viewsapp.support import run_async

factory = AsyncAPIRequestFactory()

RATES = {
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "2/min"},
}


class Throttled(AsyncAPIView):
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]

    async def get(self, request: Any) -> Response:
        return Response({"ok": True})


@override_settings(REST_FRAMEWORK=RATES)
def test_restflow_throttle_denies_third_request():
    cache.clear()

    @run_async
    async def three() -> list[Any]:
        view = Throttled.as_view()
        return [await view(factory.get("/")) for _ in range(3)]

    responses = three()
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert responses[2].data["error"]["code"] == "throttled"
    assert int(responses[2]["Retry-After"]) > 0


class Private(AsyncAPIView):
    authentication_classes = [BasicAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes: list[Any] = []

    async def get(self, request: Any) -> Response:
        return Response({"user": request.user.username})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("credentials", "status"),
    [("reader:pw", 200), ("reader:wrong", 401), (None, 401)],
)
def test_restflow_basic_authentication(credentials, status):
    User.objects.create_user("reader", password="pw")
    headers = {}
    if credentials:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(credentials.encode()).decode()

    @run_async
    async def call() -> Any:
        return await Private.as_view()(factory.get("/", **headers))

    response = call()
    assert response.status_code == status
    if status == 200:
        assert response.data == {"user": "reader"}
    else:
        assert response["WWW-Authenticate"].startswith("Basic")
