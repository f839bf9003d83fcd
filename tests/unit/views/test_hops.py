"""Thread hops on the async path: none when every component is async, one per sync-only part."""

from __future__ import annotations

from typing import Any

import pytest
from catalog.models import Product
from django.contrib.auth.models import User
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.response import Response

from restflow.pagination import PageNumberPagination
from restflow.permissions import AllowAny, IsAuthenticated
from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncAPIView, AsyncListAPIView
from restflow.views.mixins import asave_serializer
from tests.viewsapp.serializers import GadgetSerializer, ProductSerializer
from tests.viewsapp.support import HopLog, make_catalog, run_async

factory = AsyncAPIRequestFactory()


class AsyncHeaderAuthentication:
    """An authenticator with only the async hook: user from the ``X-User`` header."""

    def __init__(self) -> None:
        self.users: dict[str, Any] = {}

    async def aauthenticate(self, request: Any) -> Any:
        name = request.META.get("HTTP_X_USER")
        if not name:
            return None
        return (User(username=name, is_active=True), None)

    def authenticate_header(self, request: Any) -> str:
        return "X-User"


class AsyncCountingThrottle:
    """A throttle with only the async hook; allows everything, counts calls."""

    calls = 0

    async def aallow_request(self, request: Any, view: Any) -> bool:
        type(self).calls += 1
        return True

    def wait(self) -> None:
        return None


class SyncOnlyPermission(drf_permissions.BasePermission):
    """A plain DRF permission: grants when the ``X-Allow`` header is ``yes``."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.META.get("HTTP_X_ALLOW") == "yes"


class AllAsyncView(AsyncAPIView):
    authentication_classes = [AsyncHeaderAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [AsyncCountingThrottle]

    async def get(self, request: Any) -> Response:
        return Response({"user": request.user.username})


class MixedView(AllAsyncView):
    permission_classes = [IsAuthenticated, SyncOnlyPermission]


@run_async
async def test_all_async_view_makes_no_hop(hops):
    AsyncCountingThrottle.calls = 0
    response = await AllAsyncView.as_view()(factory.get("/", HTTP_X_USER="ada"))
    assert response.status_code == 200
    assert response.data == {"user": "ada"}
    assert AsyncCountingThrottle.calls == 1
    assert hops.names() == []


@run_async
async def test_sync_permission_runs_in_one_hop(hops):
    response = await MixedView.as_view()(factory.get("/", HTTP_X_USER="ada", HTTP_X_ALLOW="yes"))
    assert response.status_code == 200
    assert hops.count == 1
    assert hops.names() == ["_denied_permission"]


@run_async
async def test_sync_permission_denial_through_hop(hops):
    response = await MixedView.as_view()(factory.get("/", HTTP_X_USER="ada", HTTP_X_ALLOW="no"))
    assert response.status_code == 403
    assert hops.count == 1


class TwoSyncPermissions(AllAsyncView):
    permission_classes = [SyncOnlyPermission, drf_permissions.AllowAny]


@run_async
async def test_neighbouring_sync_permissions_share_hop(hops):
    response = await TwoSyncPermissions.as_view()(
        factory.get("/", HTTP_X_USER="ada", HTTP_X_ALLOW="yes")
    )
    assert response.status_code == 200
    assert hops.count == 1


class PageOfFifty(PageNumberPagination):
    page_size = 50


class ProductList(AsyncListAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = ProductSerializer
    pagination_class = PageOfFifty
    queryset = Product.objects.order_by("id")


class OverriddenQuerysetList(ProductList):
    def get_queryset(self) -> Any:
        return Product.objects.filter(stock__gte=0).order_by("id")


def _list_hops(hop_log: Any, view: Any = ProductList) -> tuple[int, int, Any]:
    @run_async
    async def call() -> Any:
        return await view.as_view()(factory.get("/"))

    before = hop_log.count
    before_other = len(hop_log.other)
    response = call()
    return hop_log.count - before, len(hop_log.other) - before_other, response


@pytest.mark.django_db
def test_fifty_row_list_hops_once_for_serializer(hops):
    make_catalog(products=50)
    total, other, response = _list_hops(hops)
    assert response.status_code == 200
    assert len(response.data["results"]) == 50
    assert response.data["results"][0]["category_name"] == "Lamps"
    # The plain DRF serializer renders the whole page in one hop.
    assert other == 1
    # The ORM's own hops: one COUNT and one page fetch, not one per row.
    assert total == 3


@pytest.mark.django_db
def test_list_hops_do_not_grow_with_rows(hops):
    make_catalog(products=5)
    small_total, small_other, small = _list_hops(hops)
    make_catalog(products=45, start=5)
    large_total, large_other, large = _list_hops(hops)
    assert (len(small.data["results"]), len(large.data["results"])) == (5, 50)
    assert (small_total, small_other) == (large_total, large_other)


@pytest.mark.django_db
def test_overridden_get_queryset_costs_one_hop(hops):
    make_catalog(products=3)
    _, other, response = _list_hops(hops, OverriddenQuerysetList)
    assert len(response.data["results"]) == 3
    assert other == 2
    assert "OverriddenQuerysetList.get_queryset" in hops.names()


class NoThrottleSyncAuth(AsyncAPIView):
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    async def get(self, request: Any) -> Response:
        return Response({"anonymous": request.user.is_anonymous})


@pytest.mark.django_db
def test_sync_authenticator_runs_in_a_hop(hops):
    from rest_framework.authentication import BasicAuthentication

    class View(NoThrottleSyncAuth):
        authentication_classes = [BasicAuthentication]

    @run_async
    async def call() -> Any:
        return await View.as_view()(factory.get("/"))

    response = call()
    assert response.data == {"anonymous": True}
    assert hops.names() == ["BasicAuthentication.authenticate"]


class AsyncDataSerializer(serializers.Serializer):
    """A serializer with an async ``adata``, as restflow serializers offer."""

    id = serializers.IntegerField()

    @property
    async def adata(self) -> Any:
        if getattr(self, "many", False) or isinstance(self.instance, list):
            return [{"id": item["id"]} for item in self.instance]
        return {"id": self.instance["id"]}


class AsyncSerializerView(AsyncAPIView):
    authentication_classes = [AsyncHeaderAuthentication]
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    async def get(self, request: Any) -> Response:
        return await self.aserialized_response(
            [{"id": 1}, {"id": 2}], many=True, serializer_class=AsyncDataSerializer
        )


@run_async
async def test_async_serializer_renders_without_hop(hops):
    response = await AsyncSerializerView.as_view()(factory.get("/"))
    assert response.data == [{"id": 1}, {"id": 2}]
    assert hops.count == 0


def _restflow_hops(hop_log: Any) -> list[str]:
    return [
        getattr(function, "__qualname__", repr(function))
        for function in hop_log.functions
        if HopLog._module(function).startswith("restflow")
    ]


@pytest.mark.django_db
def test_restflow_stack_page_without_restflow_hops(hops):
    from rest_framework import serializers as drf_serializers

    from restflow.authentication import BasicAuthentication
    from restflow.pagination import FastPageNumberPagination
    from restflow.serializers import ModelSerializer

    class ProductRow(ModelSerializer):
        category_name = drf_serializers.CharField(source="category.name", read_only=True)

        class Meta:
            model = Product
            fields = ["id", "name", "price", "category_name"]

    class Fifty(FastPageNumberPagination):
        page_size = 50

    class View(AsyncListAPIView):
        authentication_classes = [BasicAuthentication]
        permission_classes = [IsAuthenticated]
        throttle_classes: list[Any] = []
        serializer_class = ProductRow
        pagination_class = Fifty
        queryset = Product.objects.select_related("category").order_by("id")

    import base64

    User.objects.create_user("reader", password="pw")
    make_catalog(products=60)
    token = base64.b64encode(b"reader:pw").decode()

    @run_async
    async def call() -> Any:
        return await View.as_view()(factory.get("/", HTTP_AUTHORIZATION=f"Basic {token}"))

    response = call()
    assert response.status_code == 200
    assert len(response.data["results"]) == 50
    assert response.data["results"][0]["category_name"] == "Lamps"
    assert _restflow_hops(hops) == []


@run_async
async def test_thread_fallback_logged_once_per_class(caplog):
    import logging

    from restflow.views import views as views_module

    views_module._REPORTED_FALLBACKS.discard(SyncOnlyPermission)
    with caplog.at_level(logging.DEBUG, logger="restflow.views.views"):
        for _ in range(3):
            await MixedView.as_view()(factory.get("/", HTTP_X_USER="ada", HTTP_X_ALLOW="yes"))
    messages = [
        record.getMessage()
        for record in caplog.records
        if "SyncOnlyPermission.has_permission" in record.getMessage()
    ]
    assert messages == [
        "SyncOnlyPermission.has_permission has no async twin; "
        "async views call it in a worker thread"
    ]


class GadgetCreate(AsyncAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    async def post(self, request: Any) -> Response:
        serializer = await self.avalidated_serializer(serializer_class=GadgetSerializer)
        await asave_serializer(serializer)
        return await self.aserialized_response(
            serializer.instance, status=201, serializer_class=GadgetSerializer
        )


@pytest.mark.django_db
def test_sync_serializer_create_hops(hops):
    @run_async
    async def call() -> Any:
        return await GadgetCreate.as_view()(factory.post("/", {"name": "lamp"}))

    response = call()
    assert response.status_code == 201
    # Parse and validate, save, render: one hop each, and none of them per field.
    assert [name.rsplit(".", 1)[-1] for name in _restflow_hops(hops)] == [
        "validated_serializer",
        "serialize",
    ]
    assert "BaseSerializer.save" in hops.names()


class DrfStockPermissionsView(AllAsyncView):
    """DRF's own I/O-free permission classes, used unchanged."""

    permission_classes = [
        drf_permissions.AllowAny,
        drf_permissions.IsAuthenticatedOrReadOnly,
        drf_permissions.IsAuthenticated,
    ]


@run_async
async def test_drf_stock_permissions_run_without_a_hop(hops):
    response = await DrfStockPermissionsView.as_view()(factory.get("/", HTTP_X_USER="ada"))
    assert response.status_code == 200
    assert hops.names() == []


@run_async
async def test_drf_stock_permissions_reject_anonymous(hops):
    response = await DrfStockPermissionsView.as_view()(factory.post("/"))
    assert response.status_code in (401, 403)
    assert hops.names() == []


class AdminOnlyView(AllAsyncView):
    permission_classes = [drf_permissions.IsAdminUser]


@run_async
async def test_drf_is_admin_user_rejects_inline(hops):
    response = await AdminOnlyView.as_view()(factory.get("/", HTTP_X_USER="ada"))
    assert response.status_code == 403
    assert hops.names() == []


class SubclassedIsAuthenticated(drf_permissions.IsAuthenticated):
    """A subclass may do I/O in an override, so it keeps the worker thread."""


class SubclassedPermissionView(AllAsyncView):
    permission_classes = [SubclassedIsAuthenticated]


@run_async
async def test_stock_permission_subclass_keeps_hop(hops):
    response = await SubclassedPermissionView.as_view()(factory.get("/", HTTP_X_USER="ada"))
    assert response.status_code == 200
    assert hops.names() == ["_denied_permission"]


class DenyingSyncPermission(SyncOnlyPermission):
    message = "the sync permission denied access"


class SyncBeforeInlineView(AllAsyncView):
    permission_classes = [DenyingSyncPermission, drf_permissions.IsAdminUser]


@run_async
async def test_sync_permission_checked_first(hops):
    response = await SyncBeforeInlineView.as_view()(factory.get("/", HTTP_X_USER="ada"))
    assert response.status_code == 403
    assert "the sync permission denied access" in str(response.data)
    assert hops.names() == ["_denied_permission"]
