"""AsyncAPIView dispatch: authentication, throttles, handlers, errors, under ASGI and WSGI."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from restflow.permissions import AllowAny, IsAuthenticated
from restflow.test import AsyncAPIRequestFactory
from restflow.views import APIView, AsyncAPIView
from tests.viewsapp.models import Gadget
from tests.viewsapp.serializers import ContextEchoSerializer
from tests.viewsapp.support import run_async

factory = AsyncAPIRequestFactory()


class FailingAuthentication:
    async def aauthenticate(self, request: Any) -> Any:
        raise exceptions.AuthenticationFailed("Bad token.", code="invalid_token")

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class SeenUser:
    seen: list[Any] = []


class Deny429:
    """An async throttle that always denies with a fixed wait."""

    def __init__(self, wait: Any = 7) -> None:
        self._wait = wait

    async def aallow_request(self, request: Any, view: Any) -> bool:
        SeenUser.seen.append(request.user.is_anonymous)
        return False

    def wait(self) -> Any:
        return self._wait


class SyncDeny:
    def allow_request(self, request: Any, view: Any) -> bool:
        return False

    def wait(self) -> Any:
        return 30


class Plain(AsyncAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    async def get(self, request: Any) -> Response:
        return Response({"ok": True})


@run_async
async def test_authentication_failure_is_401_with_header():
    class View(Plain):
        authentication_classes = [FailingAuthentication]

    response = await View.as_view()(factory.get("/"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.data["error"]["code"] == "invalid_token"


@run_async
async def test_missing_login_is_401_or_403():
    class WithHeader(Plain):
        authentication_classes = [BasicAuthentication]
        permission_classes = [IsAuthenticated]

    class WithoutHeader(WithHeader):
        authentication_classes = [NoHeaderAuthentication]

    response = await WithHeader.as_view()(factory.get("/"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    response = await WithoutHeader.as_view()(factory.get("/"))
    assert response.status_code == 403
    assert response.data["error"]["code"] == "not_authenticated"


class NoHeaderAuthentication:
    """An async authenticator that never matches and sends no WWW-Authenticate."""

    async def aauthenticate(self, request: Any) -> None:
        return None

    def authenticate_header(self, request: Any) -> None:
        return None


@run_async
async def test_throttles_take_longest_wait():
    class View(Plain):
        throttle_classes = [lambda: Deny429(7), lambda: Deny429(None), SyncDeny]

    SeenUser.seen = []
    response = await View.as_view()(factory.get("/"))
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    # Throttles see the resolved (anonymous) user.
    assert SeenUser.seen == [True, True]


@run_async
async def test_sync_handler_runs_in_thread_and_may_use_orm():
    class View(Plain):
        def get(self, request: Any) -> Response:
            return Response({"gadgets": Gadget.objects.count()})

    response = await View.as_view()(factory.get("/"))
    assert response.data == {"gadgets": 0}


test_sync_handler_runs_in_thread_and_may_use_orm = pytest.mark.django_db(
    test_sync_handler_runs_in_thread_and_may_use_orm
)


@run_async
async def test_unknown_method_is_405():
    response = await Plain.as_view()(factory.generic("PURGE", "/"))
    assert response.status_code == 405
    response = await Plain.as_view()(factory.post("/", {}))
    assert response.status_code == 405
    assert response.data["error"]["code"] == "method_not_allowed"


@run_async
async def test_awaitable_exception_handler():
    async def handler(exc: Exception, context: dict[str, Any]) -> Response:
        return Response({"handled": type(exc).__name__}, status=418)

    class View(Plain):
        async def get(self, request: Any) -> Response:
            raise exceptions.ParseError("nope")

        def get_exception_handler(self) -> Any:
            return handler

    response = await View.as_view()(factory.get("/"))
    assert response.status_code == 418
    assert response.data == {"handled": "ParseError"}
    assert response.exception is True


@run_async
async def test_unhandled_exception_propagates():
    class View(Plain):
        async def get(self, request: Any) -> Response:
            raise RuntimeError("boom")

        def get_exception_handler(self) -> Any:
            return lambda exc, context: None

    with pytest.raises(RuntimeError, match="boom"):
        await View.as_view()(factory.get("/"))


def test_view_function_is_coroutine():
    assert inspect.iscoroutinefunction(Plain.as_view())
    assert Plain.view_is_async is True


@pytest.mark.django_db
def test_works_under_wsgi_request():
    user = User.objects.create_user("wsgi", password="pw")

    class View(Plain):
        authentication_classes = [BasicAuthentication]
        permission_classes = [IsAuthenticated]

        async def get(self, request: Any) -> Response:
            return Response({"user": request.user.username})

    import base64

    from asgiref.sync import async_to_sync

    token = base64.b64encode(b"wsgi:pw").decode()
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Basic {token}")
    response = async_to_sync(View.as_view())(request)
    assert response.data == {"user": user.username}


class ContextView(Plain):
    serializer_class = ContextEchoSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "marker": "from-override"}

    async def get(self, request: Any) -> Response:
        return await self.aserialized_response({"id": 1})


class SyncContextView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = ContextEchoSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "marker": "from-override"}

    def get(self, request: Any) -> Response:
        return self.serialized_response({"id": 1})


@run_async
async def test_serializer_context_override_is_used():
    response = await ContextView.as_view()(factory.get("/"))
    assert response.data == {"id": 1, "marker": "from-override"}


def test_serializer_context_override_is_used_sync():
    response = SyncContextView.as_view()(APIRequestFactory().get("/"))
    assert response.data == {"id": 1, "marker": "from-override"}


def test_missing_serializer_class_names_the_view():
    view = Plain()
    view.request = None
    with pytest.raises(ImproperlyConfigured, match="Plain requires `serializer_class`"):
        view.get_serializer()
    with pytest.raises(ValueError, match="direction"):
        view.get_serializer(direction="sideways")


def test_policies_follow_settings_at_request_time():
    with override_settings(
        REST_FRAMEWORK={"DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.IsAdminUser"]}
    ):
        assert [type(p).__name__ for p in AsyncAPIView().get_permissions()] == ["IsAdminUser"]
    assert [type(p).__name__ for p in AsyncAPIView().get_permissions()] == ["AllowAny"]
