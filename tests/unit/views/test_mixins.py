"""Model mixins: DRF-style overrides, request/response serializers and async serializer hooks."""

from __future__ import annotations

import inspect
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Product
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from restflow.permissions import AllowAny
from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncModelViewSet, ModelViewSet
from tests.viewsapp.models import Gadget
from tests.viewsapp.serializers import (
    GadgetSerializer,
    ProductCreateSerializer,
    ProductListSerializer,
)
from tests.viewsapp.support import make_catalog

pytestmark = pytest.mark.django_db

factory = AsyncAPIRequestFactory()
sync_factory = APIRequestFactory()


class Base:
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class = None


class Recorder:
    calls: list[str] = []


class GadgetOverrides(Base, AsyncModelViewSet):
    queryset = Gadget.objects.all()
    serializer_class = GadgetSerializer

    def perform_create(self, serializer: Any) -> None:
        Recorder.calls.append("perform_create")
        serializer.save(name=serializer.validated_data["name"].upper())

    def perform_update(self, serializer: Any) -> None:
        Recorder.calls.append("perform_update")
        serializer.save(rank=99)

    def perform_destroy(self, instance: Any) -> None:
        Recorder.calls.append("perform_destroy")
        instance.name = "archived"
        instance.save()


def call(view_class: Any, actions: dict[str, str], request: Any, **kwargs: Any) -> Any:
    view = view_class.as_view(actions)
    if inspect.iscoroutinefunction(view):
        return async_to_sync(view)(request, **kwargs)
    return view(request, **kwargs)


def test_sync_perform_overrides_are_called():
    Recorder.calls = []
    response = call(GadgetOverrides, {"post": "create"}, factory.post("/", {"name": "lamp"}))
    assert response.status_code == 201
    gadget = Gadget.objects.get()
    assert gadget.name == "LAMP"

    response = call(
        GadgetOverrides,
        {"patch": "partial_update"},
        factory.patch("/", {"name": "fan"}),
        pk=gadget.pk,
    )
    assert response.status_code == 200
    assert response.data["rank"] == 99

    response = call(GadgetOverrides, {"delete": "destroy"}, factory.delete("/"), pk=gadget.pk)
    assert response.status_code == 204
    assert Gadget.objects.get().name == "archived"
    assert Recorder.calls == ["perform_create", "perform_update", "perform_destroy"]


class AsyncOverrides(Base, AsyncModelViewSet):
    queryset = Gadget.objects.all()
    serializer_class = GadgetSerializer

    async def aperform_create(self, serializer: Any) -> None:
        Recorder.calls.append("aperform_create")
        await super().aperform_create(serializer)

    async def aperform_destroy(self, instance: Any) -> None:
        Recorder.calls.append("aperform_destroy")
        await super().aperform_destroy(instance)


def test_async_perform_hooks_are_called():
    Recorder.calls = []
    response = call(AsyncOverrides, {"post": "create"}, factory.post("/", {"name": "lamp"}))
    gadget = Gadget.objects.get(pk=response.data["id"])
    call(AsyncOverrides, {"delete": "destroy"}, factory.delete("/"), pk=gadget.pk)
    assert Recorder.calls == ["aperform_create", "aperform_destroy"]
    assert not Gadget.objects.exists()


class SplitAsync(Base, AsyncModelViewSet):
    queryset = Product.objects.all()
    request_serializer_class = ProductCreateSerializer
    response_serializer_class = ProductListSerializer


class SplitSync(Base, ModelViewSet):
    queryset = Product.objects.all()
    request_serializer_class = ProductCreateSerializer
    response_serializer_class = ProductListSerializer


@pytest.mark.parametrize("view_class", [SplitAsync, SplitSync])
def test_request_and_response_serializers(view_class):
    product = make_catalog(products=1)[0]
    payload = {
        "name": "Floor Lamp",
        "price": "12.50",
        "category": product.category_id,
        "brand": product.brand_id,
    }
    request = (factory if view_class is SplitAsync else sync_factory).post(
        "/", payload, format="json"
    )
    response = call(view_class, {"post": "create"}, request)
    assert response.status_code == 201
    created = Product.objects.get(slug="floor-lamp")
    # Rendered by the response serializer: id, name, price only.
    assert response.data == {"id": created.pk, "name": "Floor Lamp", "price": "12.50"}


class LinkedSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Gadget
        fields = ["id", "name", "url"]

    def get_url(self, obj: Any) -> str:
        return f"/gadgets/{obj.pk}/"


@pytest.mark.parametrize("base", [AsyncModelViewSet, ModelViewSet])
def test_create_sets_location_header(base):
    view_class = type(
        "Linked",
        (Base, base),
        {"queryset": Gadget.objects.all(), "serializer_class": LinkedSerializer},
    )
    request = (factory if base is AsyncModelViewSet else sync_factory).post(
        "/", {"name": "x"}, format="json"
    )
    response = call(view_class, {"post": "create"}, request)
    assert response.status_code == 201
    assert response["Location"] == f"/gadgets/{response.data['id']}/"


class AsyncSurfaceSerializer(serializers.ModelSerializer):
    """Duck-typed async surface like restflow serializers: ``ais_valid`` and ``asave``."""

    calls: list[str] = []

    class Meta:
        model = Gadget
        fields = ["id", "name", "price"]

    async def ais_valid(self, *, raise_exception: bool = False) -> bool:
        type(self).calls.append("ais_valid")
        self._validated_data = {"name": self.initial_data["name"], "price": Decimal("1.00")}
        self._errors = {}
        return True

    async def asave(self, **kwargs: Any) -> Any:
        type(self).calls.append("asave")
        self.instance = await Gadget.objects.acreate(**self.validated_data, **kwargs)
        return self.instance


class AsyncSurfaceView(Base, AsyncModelViewSet):
    queryset = Gadget.objects.all()
    serializer_class = AsyncSurfaceSerializer


def test_async_serializer_hooks_are_preferred(hops):
    AsyncSurfaceSerializer.calls = []
    response = call(AsyncSurfaceView, {"post": "create"}, factory.post("/", {"name": "n"}))
    assert response.status_code == 201
    assert AsyncSurfaceSerializer.calls == ["ais_valid", "asave"]
    assert response.data["price"] == "1.00"
    names = hops.names()
    assert "BaseSerializer.is_valid" not in names
    assert "BaseSerializer.save" not in names


@pytest.mark.parametrize("view_class", [SplitAsync, SplitSync])
def test_update_returns_fresh_data(view_class):
    product = make_catalog(products=1)[0]
    request = (factory if view_class is SplitAsync else sync_factory).put(
        "/",
        {
            "name": "Renamed",
            "price": "99.00",
            "category": product.category_id,
            "brand": product.brand_id,
        },
        format="json",
    )
    response = call(view_class, {"put": "update"}, request, pk=product.pk)
    assert response.status_code == 200
    assert response.data == {"id": product.pk, "name": "Renamed", "price": "99.00"}
