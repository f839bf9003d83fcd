"""Call a permission's async hook when it has one, its sync method otherwise."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from asgiref.sync import sync_to_async
from rest_framework import permissions as drf_permissions
from rest_framework.request import Request

__all__ = [
    "has_object_permission",
    "has_permission",
    "is_async_permission",
    "is_inline_permission",
    "resolve_object_permission",
    "resolve_permission",
]


def is_async_permission(permission: Any) -> bool:
    """Return True when ``permission`` (an instance) has the async hooks.

    Plain DRF permission classes return False; views call them through one
    ``sync_to_async`` hop.
    """
    return callable(getattr(permission, "ahas_permission", None))


# DRF's permission classes that only read request.method and attributes of
# request.user, which async views have set before permissions run. Calling
# them on the event loop saves a worker-thread hop per request. Exact types
# only: a subclass may override a method with one that does I/O.
_INLINE_PERMISSIONS: frozenset[type] = frozenset(
    {
        drf_permissions.AllowAny,
        drf_permissions.IsAuthenticated,
        drf_permissions.IsAdminUser,
        drf_permissions.IsAuthenticatedOrReadOnly,
    }
)


def is_inline_permission(permission: Any) -> bool:
    """Return True when ``permission`` is one of DRF's I/O-free classes, used unchanged.

    Async views call such a permission's sync methods directly instead of
    in a worker thread.
    """
    return type(permission) in _INLINE_PERMISSIONS


def has_permission(permission: Any, request: Request, view: Any) -> Awaitable[bool] | bool:
    """Call the async hook of ``permission`` when it has one, else the sync method.

    Returns a coroutine for async-capable permissions and a bool otherwise.
    """
    hook = getattr(permission, "ahas_permission", None)
    if hook is not None:
        return hook(request, view)  # type: ignore[no-any-return]
    return bool(permission.has_permission(request, view))


def has_object_permission(
    permission: Any, request: Request, view: Any, obj: Any
) -> Awaitable[bool] | bool:
    """Call ``ahas_object_permission`` when ``permission`` has it, else the sync method."""
    hook = getattr(permission, "ahas_object_permission", None)
    if hook is not None:
        return hook(request, view, obj)  # type: ignore[no-any-return]
    return bool(permission.has_object_permission(request, view, obj))


async def resolve_permission(permission: Any, request: Request, view: Any) -> bool:
    """Await the permission check, running a sync-only permission in a worker thread."""
    hook = getattr(permission, "ahas_permission", None)
    if hook is not None:
        return bool(await hook(request, view))
    return bool(await sync_to_async(permission.has_permission)(request, view))


async def resolve_object_permission(permission: Any, request: Request, view: Any, obj: Any) -> bool:
    """Await the object permission check, with a worker thread for sync-only permissions."""
    hook = getattr(permission, "ahas_object_permission", None)
    if hook is not None:
        return bool(await hook(request, view, obj))
    return bool(await sync_to_async(permission.has_object_permission)(request, view, obj))
