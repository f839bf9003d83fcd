"""``&``, ``|`` and ``~`` for permission classes, with async branches.

The combinators subclass DRF's ``AND``, ``OR`` and ``NOT``, so sync views see
DRF's behaviour, and add ``ahas_permission`` / ``ahas_object_permission``
that resolve each branch through its async hook (or one worker-thread hop for
a plain DRF branch). Python's ``~`` > ``&`` > ``|`` precedence is DRF's.
"""

from __future__ import annotations

from typing import Any

from rest_framework import permissions as drf_permissions
from rest_framework.request import Request

from restflow.permissions.hooks import resolve_object_permission, resolve_permission

__all__ = [
    "AND",
    "NOT",
    "OR",
    "OperandHolder",
    "PermissionMetaclass",
    "SingleOperandHolder",
]


class _ReportsDenial:
    """Carry the ``message`` and ``code`` of the operand that denied.

    The view reads ``message`` from the combinator, so without this a composed
    permission would always respond with DRF's generic denial text.
    """

    def _denied_by(self, operand: Any) -> bool:
        message = getattr(operand, "message", None)
        if message is not None:
            self.message = message
        code = getattr(operand, "code", None)
        if code is not None:
            self.code = code
        return False


class AND(_ReportsDenial, drf_permissions.AND):
    """Grant when both operands grant; the async check stops at the first denial."""

    op1: Any
    op2: Any

    def has_permission(self, request: Request, view: Any) -> bool:
        for operand in (self.op1, self.op2):
            if not operand.has_permission(request, view):
                return self._denied_by(operand)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        for operand in (self.op1, self.op2):
            if not operand.has_object_permission(request, view, obj):
                return self._denied_by(operand)
        return True

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        for operand in (self.op1, self.op2):
            if not await resolve_permission(operand, request, view):
                return self._denied_by(operand)
        return True

    async def ahas_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        for operand in (self.op1, self.op2):
            if not await resolve_object_permission(operand, request, view, obj):
                return self._denied_by(operand)
        return True


class OR(_ReportsDenial, drf_permissions.OR):
    """Grant when either operand grants; the async check stops at the first grant.

    For an object, an operand grants only when both its ``has_permission`` and
    its ``has_object_permission`` grant, as in DRF, so ``IsAdminUser | IsOwner``
    cannot let a non-admin through on ``IsAdminUser``'s default object check.
    """

    op1: Any
    op2: Any

    def has_permission(self, request: Request, view: Any) -> bool:
        if self.op1.has_permission(request, view) or self.op2.has_permission(request, view):
            return True
        return self._denied_by(self.op2)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        for operand in (self.op1, self.op2):
            if operand.has_permission(request, view) and operand.has_object_permission(
                request, view, obj
            ):
                return True
        return self._denied_by(self.op2)

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        if await resolve_permission(self.op1, request, view):
            return True
        if await resolve_permission(self.op2, request, view):
            return True
        return self._denied_by(self.op2)

    async def ahas_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        for operand in (self.op1, self.op2):
            if await resolve_permission(operand, request, view) and await resolve_object_permission(
                operand, request, view, obj
            ):
                return True
        return self._denied_by(self.op2)


class NOT(drf_permissions.NOT):
    """Invert the operand's decision."""

    op1: Any

    async def ahas_permission(self, request: Request, view: Any) -> bool:
        return not await resolve_permission(self.op1, request, view)

    async def ahas_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return not await resolve_object_permission(self.op1, request, view, obj)


class _Operations:
    """Operator methods that build restflow holders instead of DRF's."""

    def __and__(self, other: Any) -> Any:
        return _build(OperandHolder, AND, self, other)

    def __or__(self, other: Any) -> Any:
        return _build(OperandHolder, OR, self, other)

    def __rand__(self, other: Any) -> Any:
        return _build(OperandHolder, AND, other, self)

    def __ror__(self, other: Any) -> Any:
        return _build(OperandHolder, OR, other, self)

    def __invert__(self) -> Any:
        return _build(SingleOperandHolder, NOT, self)


def _build(holder: Any, *args: Any) -> Any:
    # DRF's stubs type the operands narrowly; any permission class or holder works.
    return holder(*args)


class OperandHolder(_Operations, drf_permissions.OperandHolder):
    """A composed permission class awaiting instantiation by the view."""


class SingleOperandHolder(_Operations, drf_permissions.SingleOperandHolder):
    """A negated permission class awaiting instantiation by the view."""


class PermissionMetaclass(  # type: ignore[misc]
    _Operations, drf_permissions.BasePermissionMetaclass
):
    """Metaclass of restflow permissions.

    It subclasses DRF's metaclass, so Python tries its reflected operators
    first: ``DRFClass & RestflowClass`` also builds a restflow ``AND``.
    """
