"""The async viewsets under a real uvicorn: CRUD, 401/403/404 envelopes and bad page input."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from tests.support import services

pytestmark = pytest.mark.live

SETTINGS = "tests.viewsapp.live_settings"
OWNER = ("owner", "owner-pw")
OTHER = ("other", "other-pw")
ADMIN = ("admin", "admin-pw")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("views-live") / "db.sqlite3"
    env = {"RESTFLOW_VIEWS_LIVE_DB": str(database)}
    subprocess.run(
        [sys.executable, "-m", "tests.viewsapp.live_setup"],
        check=True,
        cwd=services.ROOT,
        env={
            **os.environ,
            **env,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": os.pathsep.join(
                [str(services.ROOT), str(services.ROOT / "example_project")]
            ),
        },
        timeout=120,
    )
    with services.uvicorn_server(
        "tests.viewsapp.asgi:application", settings_module=SETTINGS, env=env
    ) as process:
        yield process


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.base_url, timeout=20) as client:
        yield client


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


def test_gadget_crud(http):
    assert http.get("/api/async-gadgets/").status_code == 401

    created = http.post("/api/async-gadgets/", json={"name": "lamp"}, auth=OWNER)
    assert created.status_code == 201, created.text
    gadget = created.json()
    assert gadget["name"] == "lamp"
    url = f"/api/async-gadgets/{gadget['id']}/"

    listed = http.get("/api/async-gadgets/", auth=OTHER)
    assert [item["id"] for item in listed.json()] == [gadget["id"]]
    assert http.get(url, auth=OTHER).json()["name"] == "lamp"

    updated = http.put(url, json={"name": "desk lamp", "price": "4.00"}, auth=OWNER)
    assert updated.json()["price"] == "4.00"
    patched = http.patch(url, json={"rank": 3}, auth=OWNER)
    assert patched.json()["rank"] == 3

    denied = http.patch(url, json={"name": "mine now"}, auth=OTHER)
    assert denied.status_code == 403
    assert error_code(denied) == "permission_denied"

    not_admin = http.delete(url, auth=OWNER)
    assert not_admin.status_code == 403
    assert http.delete(url, auth=ADMIN).status_code == 204
    gone = http.get(url, auth=OWNER)
    assert gone.status_code == 404
    assert error_code(gone) == "not_found"


def test_wrong_password_is_401(http):
    response = http.get("/api/async-gadgets/", auth=("owner", "wrong"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert error_code(response) == "authentication_failed"


@pytest.mark.parametrize("lookup", ["424242", "abc", "-1"])
def test_missing_and_malformed_pk(http, lookup):
    response = http.get(f"/api/async-products/{lookup}/", auth=OWNER)
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_product_list_pages_with_reviews(http):
    first = http.get("/api/async-products/", auth=OWNER)
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"next", "previous", "results"}
    assert len(body["results"]) == 3
    assert all(len(item["top_reviews"]) == 2 for item in body["results"])
    assert body["next"].endswith("?page=2")

    last = http.get("/api/async-products/?page=3", auth=OWNER).json()
    assert len(last["results"]) == 1
    assert last["next"] is None


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "99", "99999999999999999999"])
def test_bad_page_is_404_envelope(http, page):
    response = http.get(f"/api/async-products/?page={page}", auth=OWNER)
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert repr(page) in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "query", ["page=0", "limit=-5&offset=abc", "cursor=tampered", "page_size=100000"]
)
@pytest.mark.parametrize("paginator", ["page", "limit", "fast", "cursor"])
def test_paginated_lists_never_500(http, paginator, query):
    for flavour in ("async", "sync"):
        response = http.get(f"/pages/{paginator}-{flavour}/?{query}")
        assert response.status_code in (200, 404), response.text
        assert "error" in response.json() or "results" in response.json()
