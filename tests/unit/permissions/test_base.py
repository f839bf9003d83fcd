"""Permission classes: sync logic from DRF, native async hooks, and the thread fallback."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser, Permission, User
from rest_framework import permissions as drf_permissions
from rest_framework.request import Request

from restflow import permissions
from restflow.test import AsyncAPIRequestFactory, force_authenticate
from tests.viewsapp.models import Gadget

factory = AsyncAPIRequestFactory()


def request_for(method: str = "GET", user: Any = None) -> Request:
    raw = factory.generic(method, "/")
    if user is not None:
        force_authenticate(raw, user)
    drf_request = Request(raw)
    drf_request.user = user if user is not None else AnonymousUser()
    return drf_request


class View:
    queryset = Gadget.objects.all()

    def get_queryset(self) -> Any:
        return self.queryset


STAFF = User(username="staff", is_staff=True, is_active=True)
MEMBER = User(username="member", is_active=True)

# (class, method, user) -> granted
CASES = [
    (permissions.AllowAny, "POST", None, True),
    (permissions.IsAuthenticated, "GET", None, False),
    (permissions.IsAuthenticated, "GET", MEMBER, True),
    (permissions.IsAdminUser, "GET", MEMBER, False),
    (permissions.IsAdminUser, "GET", STAFF, True),
    (permissions.IsAuthenticatedOrReadOnly, "GET", None, True),
    (permissions.IsAuthenticatedOrReadOnly, "POST", None, False),
    (permissions.IsAuthenticatedOrReadOnly, "POST", MEMBER, True),
]


@pytest.mark.parametrize(("cls", "method", "user", "granted"), CASES)
def test_sync_and_async_agree(cls, method, user, granted, hops):
    request = request_for(method, user)
    permission = cls()
    assert permission.has_permission(request, View()) is granted
    assert async_to_sync(permission.ahas_permission)(request, View()) is granted
    assert async_to_sync(permission.ahas_object_permission)(request, View(), object()) is True
    # Native async hooks: no worker thread.
    assert hops.count == 0


@pytest.mark.parametrize("cls", [cls for cls, *_ in CASES])
def test_subclasses_drf_class(cls):
    drf_class = getattr(drf_permissions, cls.__name__)
    assert issubclass(cls, drf_class)


@pytest.mark.django_db
def test_model_permissions_run_in_thread(hops):
    user = User.objects.create_user("editor")
    request = request_for("POST", user)
    permission = permissions.DjangoModelPermissions()
    assert permission.has_permission(request, View()) is False
    assert async_to_sync(permission.ahas_permission)(request, View()) is False
    assert len(hops.functions) == 1

    user.user_permissions.add(Permission.objects.get(codename="add_gadget"))
    user = User.objects.get(pk=user.pk)
    request = request_for("POST", user)
    assert async_to_sync(permission.ahas_permission)(request, View()) is True
    assert permission.has_permission(request, View()) is True


@pytest.mark.django_db
def test_model_permissions_anon_read_only():
    permission = permissions.DjangoModelPermissionsOrAnonReadOnly()
    assert async_to_sync(permission.ahas_permission)(request_for("GET"), View()) is True
    assert async_to_sync(permission.ahas_permission)(request_for("POST"), View()) is False


@pytest.mark.django_db
def test_object_permissions_need_backend():
    user = User.objects.create_user("viewer")
    permission = permissions.DjangoObjectPermissions()
    gadget = Gadget.objects.create(name="g")
    # The model backend grants no object permissions: writes are denied, and
    # reads need none in DRF's object permission map.
    request = request_for("DELETE", user)
    assert async_to_sync(permission.ahas_object_permission)(request, View(), gadget) is False
    assert permission.has_object_permission(request, View(), gadget) is False
    request = request_for("GET", user)
    assert async_to_sync(permission.ahas_object_permission)(request, View(), gadget) is True


class SyncOnly(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method == "GET"


class AsyncOnly(permissions.BasePermission):
    async def ahas_permission(self, request: Any, view: Any) -> bool:
        return request.method == "GET"

    async def ahas_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return obj == "mine"


def test_sync_only_subclass_uses_thread(hops):
    permission = SyncOnly()
    assert async_to_sync(permission.ahas_permission)(request_for("GET"), View()) is True
    assert async_to_sync(permission.ahas_permission)(request_for("PUT"), View()) is False
    assert [getattr(f, "__name__", "") for f in hops.functions] == [
        "has_permission",
        "has_permission",
    ]


def test_default_object_hook_skips_thread(hops):
    permission = SyncOnly()
    assert async_to_sync(permission.ahas_object_permission)(request_for(), View(), 1) is True
    assert hops.count == 0


def test_async_only_subclass_works_on_sync_path():
    permission = AsyncOnly()
    assert permission.has_permission(request_for("GET"), View()) is True
    assert permission.has_permission(request_for("PUT"), View()) is False
    assert permission.has_object_permission(request_for(), View(), "mine") is True
    assert permission.has_object_permission(request_for(), View(), "yours") is False


def test_helpers_pick_the_hook():
    request = request_for("GET")
    coroutine = permissions.has_permission(permissions.AllowAny(), request, View())

    async def await_it() -> Any:
        return await coroutine

    assert async_to_sync(await_it)() is True
    assert permissions.has_permission(drf_permissions.AllowAny(), request, View()) is True
    result = permissions.has_object_permission(drf_permissions.AllowAny(), request, View(), 1)
    assert result is True
