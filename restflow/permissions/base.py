"""Permission classes with async hooks, built on DRF's permission classes.

Each class keeps DRF's sync logic and adds ``ahas_permission`` and
``ahas_object_permission``; classes that need the database use the thread fallback.
"""

from __future__ import annotations

import functools
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from rest_framework import permissions as drf_permissions
from rest_framework.request import Request

from restflow.permissions.operators import PermissionMetaclass

__all__ = [
    "SAFE_METHODS",
    "AllowAny",
    "BasePermission",
    "DjangoModelPermissions",
    "DjangoModelPermissionsOrAnonReadOnly",
    "DjangoObjectPermissions",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
]

SAFE_METHODS = drf_permissions.SAFE_METHODS


@functools.lru_cache(maxsize=1024)
def _overrides(cls: type, name: str, base_function: Any) -> bool:
    """Return True when ``cls`` replaces ``base_function`` under ``name``."""
    return getattr(cls, name, None) is not base_function


class BasePermission(drf_permissions.BasePermission, metaclass=PermissionMetaclass):
    """Base class for permissions that work on sync and async views.

    Override ``has_permission`` / ``has_object_permission`` for sync logic,
    which async views then run in a worker thread. Override
    ``ahas_permission`` / ``ahas_object_permission`` for async logic, which
    sync views then run with ``async_to_sync``. DRF runs sync views outside
    the event loop, so a class written async-only works on them too.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if _overrides(type(self), "ahas_permission", BasePermission.ahas_permission):
            return bool(async_to_sync(self.ahas_permission)(request, view))
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if _overrides(type(self), "ahas_object_permission", BasePermission.ahas_object_permission):
            return bool(async_to_sync(self.ahas_object_permission)(request, view, obj))
        return True

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        """Return whether the request may proceed; the default runs ``has_permission``.

        A class that keeps DRF's allow-all ``has_permission`` returns True
        without a thread hop. One that overrides it runs in a worker thread.
        """
        if not _overrides(type(self), "has_permission", BasePermission.has_permission):
            return True
        return bool(await sync_to_async(self.has_permission)(request, view))

    async def ahas_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        """Return whether the request may act on ``obj``; the default runs the sync check."""
        if not _overrides(
            type(self), "has_object_permission", BasePermission.has_object_permission
        ):
            return True
        return bool(await sync_to_async(self.has_object_permission)(request, view, obj))


class AllowAny(BasePermission, drf_permissions.AllowAny):
    """Allow every request."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return True

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        return True


def _is_authenticated(request: Request) -> bool:
    user = request.user
    return bool(user and user.is_authenticated)


class IsAuthenticated(BasePermission, drf_permissions.IsAuthenticated):
    """Allow authenticated users only."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return _is_authenticated(request)

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        return _is_authenticated(request)


class IsAdminUser(BasePermission, drf_permissions.IsAdminUser):
    """Allow staff users (``user.is_staff``) only."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_staff)

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_staff)


class IsAuthenticatedOrReadOnly(BasePermission, drf_permissions.IsAuthenticatedOrReadOnly):
    """Allow safe methods to everyone and other methods to authenticated users."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or _is_authenticated(request)

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS or _is_authenticated(request)


class DjangoModelPermissions(BasePermission, drf_permissions.DjangoModelPermissions):
    """DRF's model permissions; the async hooks run them in a worker thread.

    The checks read the user's permissions from the database, so they cannot
    run on the event loop.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(drf_permissions.DjangoModelPermissions.has_permission(self, request, view))


class DjangoModelPermissionsOrAnonReadOnly(
    DjangoModelPermissions, drf_permissions.DjangoModelPermissionsOrAnonReadOnly
):
    """DRF's model permissions that also let anonymous users read."""


class DjangoObjectPermissions(DjangoModelPermissions, drf_permissions.DjangoObjectPermissions):
    """DRF's per-object permissions (needs an object-permission backend)."""

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return bool(
            drf_permissions.DjangoObjectPermissions.has_object_permission(self, request, view, obj)
        )
