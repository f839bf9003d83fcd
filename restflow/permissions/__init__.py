"""Async-capable permission classes and their ``&``, ``|``, ``~`` combinators."""

from __future__ import annotations

from restflow.permissions.base import (
    SAFE_METHODS,
    AllowAny,
    BasePermission,
    DjangoModelPermissions,
    DjangoModelPermissionsOrAnonReadOnly,
    DjangoObjectPermissions,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
from restflow.permissions.hooks import has_object_permission, has_permission
from restflow.permissions.operators import AND, NOT, OR

__all__ = [
    "AND",
    "NOT",
    "OR",
    "SAFE_METHODS",
    "AllowAny",
    "BasePermission",
    "DjangoModelPermissions",
    "DjangoModelPermissionsOrAnonReadOnly",
    "DjangoObjectPermissions",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
    "has_object_permission",
    "has_permission",
]
