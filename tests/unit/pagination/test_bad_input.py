"""Each paginator with each kind of bad page input, through async and sync list views.

Bad input gives the documented result or a 404 envelope, never a 500, and the
async view answers exactly as its sync twin does.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest

from tests.viewsapp.clients import Caller
from tests.viewsapp.models import Gadget

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.viewsapp.urls")]


@pytest.fixture
def gadgets():
    # Prices 5, 4, 3, 2, 1 by id: the cursor view orders by -price.
    return [
        Gadget.objects.create(name=f"g{index}", price=Decimal(5 - index), rank=index)
        for index in range(5)
    ]


def _cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


NOT_FOUND = (404, None)

# (paginator, query) -> (status, names on the page) ; None names: do not check.
CASES = {
    ("page", ""): (200, ["g0", "g1"]),
    ("page", "page=2"): (200, ["g2", "g3"]),
    ("page", "page=last"): (200, ["g4"]),
    ("page", "page=0"): NOT_FOUND,
    ("page", "page=-1"): NOT_FOUND,
    ("page", "page=abc"): NOT_FOUND,
    ("page", "page=1.5"): NOT_FOUND,
    ("page", "page=99"): NOT_FOUND,
    ("page", "page=99999999999999999999999"): NOT_FOUND,
    ("page", "page_size=100"): (200, ["g0", "g1", "g2"]),
    ("page", "page_size=abc"): (200, ["g0", "g1"]),
    ("page", "page_size=0"): (200, ["g0", "g1"]),
    ("page", "page_size=-4"): (200, ["g0", "g1"]),
    ("limit", ""): (200, ["g0", "g1"]),
    ("limit", "limit=0"): (200, ["g0", "g1"]),
    ("limit", "limit=-1"): (200, ["g0", "g1"]),
    ("limit", "limit=abc"): (200, ["g0", "g1"]),
    ("limit", "limit=100"): (200, ["g0", "g1", "g2"]),
    ("limit", "offset=-1"): (200, ["g0", "g1"]),
    ("limit", "offset=abc"): (200, ["g0", "g1"]),
    ("limit", "offset=4"): (200, ["g4"]),
    ("limit", "offset=99"): (200, []),
    ("limit", "offset=99999999999999999999999"): (200, []),
    ("fast", ""): (200, ["g0", "g1"]),
    ("fast", "page=3"): (200, ["g4"]),
    ("fast", "page=0"): NOT_FOUND,
    ("fast", "page=-1"): NOT_FOUND,
    ("fast", "page=abc"): NOT_FOUND,
    ("fast", "page=1.5"): NOT_FOUND,
    ("fast", "page=4"): NOT_FOUND,
    ("fast", "page=99999999999999999999999"): NOT_FOUND,
    ("fast", "page_size=100"): (200, ["g0", "g1", "g2"]),
    ("fast", "page_size=abc"): (200, ["g0", "g1"]),
    ("fast", "page_size=0"): (200, ["g0", "g1"]),
    ("cursor", ""): (200, ["g0", "g1"]),
    ("cursor", "page_size=100"): (200, ["g0", "g1", "g2"]),
    ("cursor", "page_size=abc"): (200, ["g0", "g1"]),
    ("cursor", "cursor=%%%"): NOT_FOUND,
    ("cursor", "cursor=bm90IGEgY3Vyc29y"): NOT_FOUND,
    ("cursor", "cursor=" + _cursor("r=0&p=[1]")): NOT_FOUND,
    ("cursor", "cursor=" + _cursor('r=0&p=["cheap",1]')): NOT_FOUND,
    ("cursor", "cursor=" + _cursor('r=0&p=["5","one"]')): NOT_FOUND,
    ("cursor", "cursor=" + _cursor('r=7&p=["5",1]')): NOT_FOUND,
    ("cursor", "cursor=" + _cursor('r=0&p={"a":1}')): NOT_FOUND,
    ("cursor", "cursor=" + _cursor("r=0&p=[[1],1]")): NOT_FOUND,
    ("cursor", "cursor=" + _cursor("r=0")): NOT_FOUND,
}


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
@pytest.mark.parametrize(("paginator", "query"), list(CASES))
def test_bad_page_input(kind, paginator, query, gadgets):
    status, names = CASES[(paginator, query)]
    results = {}
    for flavour in ("async", "sync"):
        response = Caller(kind).call("GET", f"/pages/{paginator}-{flavour}/?{query}")
        assert response.status_code == status, (flavour, response.content)
        body = response.json()
        # The middleware's request id differs on every request.
        body.get("error", {}).pop("request_id", None)
        if status == 404:
            assert body["error"]["code"] == "not_found"
            assert body["error"]["message"]
        else:
            assert [item["name"] for item in body["results"]] == names
        # Links differ only in the view's path.
        results[flavour] = json.dumps(body).replace(f"/{paginator}-{flavour}/", "/list/")
    assert results["async"] == results["sync"]


@pytest.mark.parametrize("flavour", ["async", "sync"])
def test_page_not_found_names_the_page(flavour, gadgets):
    response = Caller("asgi").call("GET", f"/pages/page-{flavour}/?page=abc")
    assert "'abc'" in response.json()["error"]["message"]
    response = Caller("asgi").call("GET", f"/pages/fast-{flavour}/?page=0")
    assert "'0'" in response.json()["error"]["message"]


@pytest.mark.parametrize("paginator", ["page", "limit", "fast", "cursor"])
@pytest.mark.parametrize("flavour", ["async", "sync"])
def test_empty_list_first_page(paginator, flavour):
    response = Caller("asgi").call("GET", f"/pages/{paginator}-{flavour}/")
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["next"] is None


@pytest.mark.parametrize("paginator", ["page", "fast"])
@pytest.mark.parametrize("flavour", ["async", "sync"])
def test_long_page_value_cut_in_message(paginator, flavour, gadgets):
    value = "x" * 10_000
    response = Caller("asgi").call("GET", f"/pages/{paginator}-{flavour}/?page={value}")
    assert response.status_code == 404
    message = response.json()["error"]["message"]
    assert f"'{'x' * 100}…'" in message
    assert "x" * 101 not in message
    assert len(message) < 300
