"""``&``, ``|`` and ``~``: DRF semantics, async branches, and mixing with plain DRF classes."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser, User
from rest_framework import permissions as drf_permissions
from rest_framework.request import Request

from restflow import permissions
from restflow.permissions.operators import AND, NOT, OR, OperandHolder
from restflow.test import AsyncAPIRequestFactory

factory = AsyncAPIRequestFactory()


def request_for(method: str = "GET", user: Any = None) -> Request:
    drf_request = Request(factory.generic(method, "/"))
    drf_request.user = user if user is not None else AnonymousUser()
    return drf_request


MEMBER = User(username="member", is_active=True)
STAFF = User(username="staff", is_active=True, is_staff=True)


class Grant(permissions.BasePermission):
    calls: list[str] = []

    async def ahas_permission(self, request: Any, view: Any) -> bool:
        Grant.calls.append("grant")
        return True


class Deny(permissions.BasePermission):
    message = "Denied by Deny."
    code = "deny"

    async def ahas_permission(self, request: Any, view: Any) -> bool:
        Grant.calls.append("deny")
        return False


class DRFGrant(drf_permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return True


class DRFDeny(drf_permissions.BasePermission):
    message = "Denied by DRF."

    def has_permission(self, request: Any, view: Any) -> bool:
        return False


class IsOwner(permissions.BasePermission):
    async def ahas_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return obj == request.user.username


def check(holder, request=None):
    permission = holder()
    request = request or request_for()
    sync_result = permission.has_permission(request, None)
    async_result = async_to_sync(permission.ahas_permission)(request, None)
    assert sync_result == async_result
    return async_result


@pytest.mark.parametrize(
    ("holder", "expected"),
    [
        (Grant & Grant, True),
        (Grant & Deny, False),
        (Deny | Grant, True),
        (Deny | Deny, False),
        (~Deny, True),
        (~Grant, False),
        # ~ binds tighter than &, and & tighter than |.
        (~Deny & Grant | Deny, True),
        (Deny | Grant & ~Grant, False),
        (Grant & DRFDeny, False),
        (DRFGrant & Grant, True),
        (DRFDeny | Grant, True),
        (Grant | DRFDeny, True),
        (Grant & ~DRFDeny, True),
    ],
)
def test_combinations(holder, expected):
    assert check(holder) is expected


def test_builds_restflow_operators():
    assert isinstance(Grant & Deny, OperandHolder)
    assert isinstance((DRFGrant & Grant)(), AND)
    assert isinstance((Grant | DRFGrant)(), OR)
    assert isinstance((~Grant)(), NOT)
    assert isinstance(((Grant & Deny) | Grant)(), OR)


def test_drf_holder_on_the_left_stays_drf():
    # DRF's own holder handles ``&`` first, so the result is DRF's AND, which
    # async views call through one worker-thread hop.
    permission = (~DRFDeny & Grant)()
    assert type(permission) is drf_permissions.AND
    assert not hasattr(permission, "ahas_permission")
    assert permission.has_permission(request_for(), None) is True


def test_and_stops_at_first_denial():
    Grant.calls = []
    assert async_to_sync((Deny & Grant)().ahas_permission)(request_for(), None) is False
    assert Grant.calls == ["deny"]


def test_or_stops_at_first_grant():
    Grant.calls = []
    assert async_to_sync((Grant | Deny)().ahas_permission)(request_for(), None) is True
    assert Grant.calls == ["grant"]


def test_denial_reports_operand_message():
    permission = (Grant & Deny)()
    assert async_to_sync(permission.ahas_permission)(request_for(), None) is False
    assert permission.message == "Denied by Deny."
    assert permission.code == "deny"
    drf_branch = (Grant & DRFDeny)()
    assert drf_branch.has_permission(request_for(), None) is False
    assert drf_branch.message == "Denied by DRF."


def test_plain_drf_branch_runs_in_thread(hops):
    permission = (Grant & DRFGrant)()
    assert async_to_sync(permission.ahas_permission)(request_for(), None) is True
    assert len(hops.functions) == 1


def test_or_object_permission_needs_both_hooks_of_a_branch():
    # A member is not admin; IsAdminUser's object hook grants by default, which
    # must not let the member through on the admin branch.
    permission = (permissions.IsAdminUser | IsOwner)()
    request = request_for("PUT", MEMBER)
    assert async_to_sync(permission.ahas_object_permission)(request, None, "member") is True
    assert async_to_sync(permission.ahas_object_permission)(request, None, "other") is False
    assert permission.has_object_permission(request, None, "other") is False
    staff_request = request_for("PUT", STAFF)
    assert async_to_sync(permission.ahas_object_permission)(staff_request, None, "other") is True


def test_not_inverts_object_permission():
    permission = (~IsOwner)()
    request = request_for("GET", MEMBER)
    assert async_to_sync(permission.ahas_object_permission)(request, None, "member") is False
    assert async_to_sync(permission.ahas_object_permission)(request, None, "x") is True
