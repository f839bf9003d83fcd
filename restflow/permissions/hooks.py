"""Call a permission's async hook when it has one, its sync method otherwise."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from asgiref.sync import sync_to_async
from rest_framework.request import Request

__all__ = [
    "has_object_permission",
    "has_permission",
    "is_async_permission",
    "resolve_object_permission",
    "resolve_permission",
]


def is_async_permission(permission: Any) -> bool:
    """Return True when ``permission`` (an instance) has the async hooks.

    Plain DRF permission classes return False; views call them through one
    ``sync_to_async`` hop.
    """
    return callable(getattr(permission, "ahas_permission", None))


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
