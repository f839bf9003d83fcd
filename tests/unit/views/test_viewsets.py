"""Viewsets: ActionConfig resolution and validation, async ``as_view``, routers and ``@action``."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from rest_framework import parsers, renderers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from restflow import pagination
from restflow.permissions import AllowAny, IsAdminUser
from restflow.test import AsyncAPIRequestFactory
from restflow.views import (
    ActionConfig,
    AsyncGenericViewSet,
    AsyncModelViewSet,
    AsyncViewSet,
    GenericViewSet,
    ModelViewSet,
)
from tests.viewsapp.models import Gadget
from tests.viewsapp.serializers import BrandSerializer, CategorySerializer, GadgetSerializer
from tests.viewsapp.support import run_async

factory = AsyncAPIRequestFactory()


class Configured(AsyncModelViewSet):
    queryset = Gadget.objects.all()
    serializer_class = GadgetSerializer
    permission_classes = [AllowAny]
    action_configs = {
        "list": ActionConfig(
            serializer_class=CategorySerializer,
            pagination_class=pagination.FastPageNumberPagination,
            renderer_classes=[renderers.JSONRenderer],
        ),
        "create": ActionConfig(
            request_serializer_class=BrandSerializer,
            parser_classes=[parsers.FormParser],
        ),
        "destroy": ActionConfig(permission_classes=[IsAdminUser], throttle_classes=[]),
        "retrieve": ActionConfig(queryset=lambda view: Gadget.objects.filter(rank=1)),
        "update": ActionConfig(queryset=Gadget.objects.filter(rank=2)),
        "custom": ActionConfig(response_serializer_class=BrandSerializer),
    }

    @action(detail=False, serializer_class=CategorySerializer)
    async def custom(self, request: Any) -> Response:
        return Response({})


def view_for(action_name: str, cls: Any = Configured) -> Any:
    view = cls()
    view.action = action_name
    view.request = None
    view.format_kwarg = None
    view.kwargs = {}
    return view


def test_config_serializers():
    assert view_for("list").get_serializer_class() is CategorySerializer
    assert view_for("list").get_response_serializer_class() is CategorySerializer
    create = view_for("create")
    assert create.get_request_serializer_class() is BrandSerializer
    assert create.get_response_serializer_class() is GadgetSerializer
    assert view_for("retrieve").get_serializer_class() is GadgetSerializer


def test_config_wins_over_action_kwargs():
    view = view_for("custom")
    view.serializer_class = CategorySerializer  # what @action(serializer_class=...) sets
    assert view.get_response_serializer_class() is BrandSerializer
    assert view.get_request_serializer_class() is CategorySerializer


def test_config_policies():
    assert [type(p) for p in view_for("destroy").get_permissions()] == [IsAdminUser]
    assert [type(p) for p in view_for("list").get_permissions()] == [AllowAny]
    assert view_for("destroy").get_throttles() == []
    assert [type(p) for p in view_for("create").get_parsers()] == [parsers.FormParser]
    assert [type(r) for r in view_for("list").get_renderers()] == [renderers.JSONRenderer]


@pytest.mark.django_db
def test_config_queryset():
    Gadget.objects.create(name="a", rank=1)
    Gadget.objects.create(name="b", rank=2)
    assert [g.name for g in view_for("retrieve").get_queryset()] == ["a"]
    first = view_for("update").get_queryset()
    second = view_for("update").get_queryset()
    assert [g.name for g in first] == ["b"]
    assert first is not second
    assert [g.name for g in view_for("list").get_queryset().order_by("id")] == ["a", "b"]


def test_missing_queryset_is_an_error():
    class NoQueryset(AsyncGenericViewSet):
        serializer_class = GadgetSerializer

    with pytest.raises(AssertionError):
        view_for("list", NoQueryset).get_queryset()


def test_pagination_class_per_action_and_from_settings():
    assert isinstance(view_for("list").paginator, pagination.FastPageNumberPagination)
    assert view_for("retrieve").paginator is None
    with override_settings(
        REST_FRAMEWORK={"DEFAULT_PAGINATION_CLASS": "restflow.pagination.PageNumberPagination"}
    ):
        assert isinstance(view_for("retrieve").paginator, pagination.PageNumberPagination)


def test_explicit_none_turns_pagination_off():
    class Unpaged(Configured):
        pagination_class = None

    with override_settings(
        REST_FRAMEWORK={"DEFAULT_PAGINATION_CLASS": "restflow.pagination.PageNumberPagination"}
    ):
        assert view_for("retrieve", Unpaged).paginator is None


def test_unknown_action_name_fails_at_class_creation():
    with pytest.raises(ImproperlyConfigured) as caught:

        class Typo(AsyncModelViewSet):
            action_configs = {"destory": ActionConfig(permission_classes=[IsAdminUser])}

    message = str(caught.value)
    assert "'destory'" in message
    assert "Did you mean 'destroy'?" in message
    assert "Typo.action_configs" in message


def test_action_missing_from_viewset_fails():
    class ReadOnly(AsyncGenericViewSet):
        pass

    with pytest.raises(ImproperlyConfigured, match="'create'"):
        type("Broken", (ReadOnly,), {"action_configs": {"create": ActionConfig()}})


def test_extra_action_names_are_known():
    class WithAction(GenericViewSet):
        action_configs = {"publish": ActionConfig(serializer_class=BrandSerializer)}

        @action(detail=True, methods=["post"])
        def publish(self, request: Any, pk: Any = None) -> Response:
            return Response({})

    assert view_for("publish", WithAction).get_serializer_class() is BrandSerializer


def test_config_values_are_checked():
    with pytest.raises(TypeError, match=r"permission_classes=\[IsAdminUser\]"):
        ActionConfig(permission_classes=IsAdminUser)
    with pytest.raises(ImproperlyConfigured, match="must be an ActionConfig"):
        type("Bad", (ModelViewSet,), {"action_configs": {"list": {"serializer_class": None}}})


# --- as_view ------------------------------------------------------------------


class Echo(AsyncViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    async def list(self, request: Any) -> Response:
        return Response({"action": self.action, "method": request.method})

    def create(self, request: Any) -> Response:
        return Response({"action": self.action, "sync": True})


def test_as_view_requires_actions():
    with pytest.raises(TypeError, match=r"\.as_view\(\{'get': 'list'"):
        Echo.as_view()


@pytest.mark.parametrize(
    ("initkwargs", "fragment"),
    [
        ({"get": "x"}, "HTTP method name 'get'"),
        ({"nonsense": 1}, "'nonsense', which is not an attribute"),
        ({"name": "a", "suffix": "b"}, "both `name` and `suffix`"),
    ],
)
def test_as_view_rejects_bad_initkwargs(initkwargs, fragment):
    with pytest.raises(TypeError, match=fragment):
        Echo.as_view({"get": "list"}, **initkwargs)


@run_async
async def test_as_view_is_async_and_keeps_caller_dict():
    import inspect

    actions = {"get": "list", "post": "create"}
    view = Echo.as_view(actions)
    assert inspect.iscoroutinefunction(view)
    assert actions == {"get": "list", "post": "create"}
    assert view.actions == actions
    assert view.cls is Echo
    assert view.login_required is False
    assert view.csrf_exempt is True

    response = await view(factory.get("/"))
    assert response.data == {"action": "list", "method": "GET"}
    response = await view(factory.head("/"))
    assert response.status_code == 200
    response = await view(factory.post("/", {}))
    assert response.data == {"action": "create", "sync": True}
    assert actions == {"get": "list", "post": "create"}


def test_router_builds_async_routes():
    router = SimpleRouter()
    router.register("configured", Configured, basename="configured")
    names = {pattern.name for pattern in router.urls}
    assert names == {"configured-list", "configured-detail", "configured-custom"}
    import inspect

    assert all(inspect.iscoroutinefunction(pattern.callback) for pattern in router.urls)


@run_async
async def test_parsers_follow_action_config():
    class FormOnly(AsyncViewSet):
        permission_classes = [AllowAny]
        authentication_classes: list[Any] = []
        action_configs = {"create": ActionConfig(parser_classes=[parsers.FormParser])}

        async def create(self, request: Any) -> Response:
            return Response({"name": request.data.get("name")})

    view = FormOnly.as_view({"post": "create"})
    response = await view(
        factory.post("/", "name=lamp", content_type="application/x-www-form-urlencoded")
    )
    assert response.data == {"name": "lamp"}
    response = await view(factory.post("/", {"name": "lamp"}))
    assert response.status_code == 415
