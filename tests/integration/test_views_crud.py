"""CRUD matrix over every async generic view and every viewset action, sync and async.

Each case runs under ASGI (``AsyncAPIClient``) and WSGI (DRF's ``APIClient``):
an async view works under both, and the sync viewset is the twin of the async one.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from tests.viewsapp.clients import Caller
from tests.viewsapp.models import Gadget

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.viewsapp.urls"),
]

KINDS = ["asgi", "wsgi"]
VIEWSETS = ["async-gadgets", "sync-gadgets"]


@pytest.fixture
def people():
    owner = User.objects.create_user("owner", password="pw")
    other = User.objects.create_user("other", password="pw")
    admin = User.objects.create_user("admin", password="pw", is_staff=True)
    return owner, other, admin


@pytest.fixture
def gadgets(people):
    owner, other, _ = people
    return [
        Gadget.objects.create(name="lamp", price=Decimal("5.00"), rank=1, owner=owner),
        Gadget.objects.create(name="fan", price=Decimal("9.50"), rank=2, owner=other),
    ]


def caller(kind, user=None):
    result = Caller(kind)
    if user is not None:
        result.login(user)
    return result


def error_code(response):
    return response.json()["error"]["code"]


# --- viewsets -----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_list_requires_login(kind, prefix, gadgets):
    response = caller(kind).call("GET", f"/api/{prefix}/")
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_list(kind, prefix, people, gadgets):
    response = caller(kind, people[0]).call("GET", f"/api/{prefix}/")
    assert response.status_code == 200
    assert [item["name"] for item in response.json()] == ["lamp", "fan"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_create_sets_owner(kind, prefix, people):
    response = caller(kind, people[0]).call(
        "POST", f"/api/{prefix}/", {"name": "heater", "price": "20.00"}
    )
    assert response.status_code == 201
    created = Gadget.objects.get(pk=response.json()["id"])
    assert created.owner == people[0]
    assert response.json()["owner"] == people[0].pk


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_create_invalid(kind, prefix, people):
    response = caller(kind, people[0]).call("POST", f"/api/{prefix}/", {"price": "cheap"})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert set(body["details"]) == {"name", "price"}
    assert Gadget.objects.count() == 0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_retrieve(kind, prefix, people, gadgets):
    response = caller(kind, people[1]).call("GET", f"/api/{prefix}/{gadgets[0].pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == "lamp"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
@pytest.mark.parametrize("lookup", ["999999", "abc"])
def test_viewset_retrieve_missing(kind, prefix, lookup, people, gadgets):
    response = caller(kind, people[0]).call("GET", f"/api/{prefix}/{lookup}/")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_update_by_owner(kind, prefix, people, gadgets):
    response = caller(kind, people[0]).call(
        "PUT", f"/api/{prefix}/{gadgets[0].pk}/", {"name": "desk lamp", "price": "6.00"}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "desk lamp"
    gadgets[0].refresh_from_db()
    assert gadgets[0].price == Decimal("6.00")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_update_by_other_denied(kind, prefix, people, gadgets):
    response = caller(kind, people[1]).call(
        "PATCH", f"/api/{prefix}/{gadgets[0].pk}/", {"name": "stolen"}
    )
    assert response.status_code == 403
    body = response.json()["error"]
    assert body["code"] == "permission_denied"
    assert body["message"] == "Only the owner may change this gadget."
    gadgets[0].refresh_from_db()
    assert gadgets[0].name == "lamp"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_partial_update(kind, prefix, people, gadgets):
    response = caller(kind, people[0]).call("PATCH", f"/api/{prefix}/{gadgets[0].pk}/", {"rank": 7})
    assert response.status_code == 200
    assert response.json()["rank"] == 7
    assert response.json()["name"] == "lamp"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_destroy_admin_only(kind, prefix, people, gadgets):
    owner, _, admin = people
    denied = caller(kind, owner).call("DELETE", f"/api/{prefix}/{gadgets[0].pk}/")
    assert denied.status_code == 403
    assert error_code(denied) == "permission_denied"
    assert Gadget.objects.filter(pk=gadgets[0].pk).exists()

    allowed = caller(kind, admin).call("DELETE", f"/api/{prefix}/{gadgets[0].pk}/")
    assert allowed.status_code == 204
    assert not Gadget.objects.filter(pk=gadgets[0].pk).exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_extra_action_list(kind, prefix, people, gadgets):
    Gadget.objects.create(name="kettle", owner=people[0])
    rest_framework = {
        "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
        "PAGE_SIZE": 1,
    }
    with override_settings(REST_FRAMEWORK=rest_framework):
        response = caller(kind, people[0]).call("GET", f"/api/{prefix}/mine/")
    assert response.status_code == 200
    body = response.json()
    # ActionConfig's paginator, with PAGE_SIZE read at request time.
    assert body["count"] == 2
    assert [item["name"] for item in body["results"]] == ["lamp"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_extra_action_detail(kind, prefix, people, gadgets):
    response = caller(kind, people[0]).call(
        "POST", f"/api/{prefix}/{gadgets[0].pk}/rename/", {"name": "beacon"}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "beacon"
    denied = caller(kind, people[1]).call(
        "POST", f"/api/{prefix}/{gadgets[0].pk}/rename/", {"name": "x"}
    )
    assert denied.status_code == 403


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prefix", VIEWSETS)
def test_viewset_method_not_allowed(kind, prefix, people, gadgets):
    response = caller(kind, people[0]).call("PUT", f"/api/{prefix}/", {"name": "x"})
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"


# --- every concrete async generic view ----------------------------------------

# name -> (url is per object, {method: success status})
GENERICS = {
    "list": (False, {"GET": 200}),
    "create": (False, {"POST": 201}),
    "retrieve": (True, {"GET": 200}),
    "update": (True, {"PUT": 200, "PATCH": 200}),
    "destroy": (True, {"DELETE": 204}),
    "list-create": (False, {"GET": 200, "POST": 201}),
    "retrieve-update": (True, {"GET": 200, "PUT": 200, "PATCH": 200}),
    "retrieve-destroy": (True, {"GET": 200, "DELETE": 204}),
    "retrieve-update-destroy": (True, {"GET": 200, "PUT": 200, "PATCH": 200, "DELETE": 204}),
}
PAYLOAD = {"name": "desk", "price": "3.00"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(GENERICS))
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
def test_generic_view_methods(kind, name, method, people, gadgets):
    detail, allowed = GENERICS[name]
    path = f"/generic/{name}/{gadgets[0].pk}/" if detail else f"/generic/{name}/"
    data = PAYLOAD if method in ("POST", "PUT", "PATCH") else None
    response = caller(kind, people[0]).call(method, path, data)
    if method not in allowed:
        assert response.status_code == 405
        assert error_code(response) == "method_not_allowed"
        return
    assert response.status_code == allowed[method], response.content
    if method == "POST":
        assert Gadget.objects.get(pk=response.json()["id"]).owner == people[0]
    elif method in ("PUT", "PATCH"):
        gadgets[0].refresh_from_db()
        assert gadgets[0].name == "desk"
    elif method == "DELETE":
        assert not Gadget.objects.filter(pk=gadgets[0].pk).exists()
    elif detail:
        assert response.json()["id"] == gadgets[0].pk
    else:
        assert len(response.json()) == 2


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["retrieve", "update", "destroy", "retrieve-update-destroy"])
def test_generic_view_missing_object(kind, name, people, gadgets):
    method = {"retrieve": "GET", "update": "PATCH", "destroy": "DELETE"}.get(name, "GET")
    for lookup in ("424242", "not-a-number"):
        response = caller(kind, people[0]).call(
            method, f"/generic/{name}/{lookup}/", {"name": "x"} if method == "PATCH" else None
        )
        assert response.status_code == 404
        assert error_code(response) == "not_found"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["update", "destroy", "retrieve-update-destroy"])
def test_generic_view_object_permission(kind, name, people, gadgets):
    method = "DELETE" if name == "destroy" else "PATCH"
    response = caller(kind, people[1]).call(
        method, f"/generic/{name}/{gadgets[0].pk}/", {"name": "x"} if method == "PATCH" else None
    )
    assert response.status_code == 403
    assert error_code(response) == "permission_denied"
    assert Gadget.objects.filter(pk=gadgets[0].pk, name="lamp").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_generic_view_anonymous_is_401(kind, gadgets):
    response = caller(kind).call("GET", "/generic/list/")
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
