"""Route-rule caching in RestflowMiddleware: settings-only caching of existing views."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import AsyncClient, Client, override_settings

from restflow.caching.middleware import CacheRuleError, parse_cache_rules
from tests.cacheapp.views import CALLS

RULES = [
    {
        "path": r"^/api/route-products/$",
        "ttl": 60,
        "invalidates_on": ["catalog.Product"],
    }
]


@pytest.fixture
def route_rules():
    CALLS.clear()
    with override_settings(
        ROOT_URLCONF="tests.cacheapp.urls", RESTFLOW_SETTINGS={"MIDDLEWARE": {"CACHE_RULES": RULES}}
    ):
        yield


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.usefixtures("route_rules")
def test_route_rule_caches_a_view_without_a_decorator(make_product):
    make_product()
    client = Client()
    first = client.get("/api/route-products/")
    second = client.get("/api/route-products/")
    assert (first["X-Cache-Status"], second["X-Cache-Status"]) == ("MISS", "HIT")
    assert second.json() == first.json()
    assert "X-Request-ID" in second
    assert CALLS["route-products"] == 1


@pytest.mark.usefixtures("route_rules")
def test_saving_and_creating_the_model_invalidate_the_route(make_product):
    product = make_product()
    client = Client()
    client.get("/api/route-products/")
    product.price = Decimal("1.00")
    product.save()
    updated = client.get("/api/route-products/")
    assert updated["X-Cache-Status"] == "MISS"
    assert updated.json()[0]["price"] == "1.00"
    make_product()
    created = client.get("/api/route-products/")
    assert created["X-Cache-Status"] == "MISS"
    assert len(created.json()) == 2


def test_callers_with_different_credentials_get_separate_entries(make_product):
    make_product()
    rules = [{**RULES[0], "per_user": True}]
    with override_settings(
        ROOT_URLCONF="tests.cacheapp.urls", RESTFLOW_SETTINGS={"MIDDLEWARE": {"CACHE_RULES": rules}}
    ):
        Client(HTTP_AUTHORIZATION="Token one").get("/api/route-products/")
        second = Client(HTTP_AUTHORIZATION="Token two").get("/api/route-products/")
        again = Client(HTTP_AUTHORIZATION="Token one").get("/api/route-products/")
    assert second["X-Cache-Status"] == "MISS"
    assert again["X-Cache-Status"] == "HIT"


@pytest.mark.usefixtures("route_rules")
def test_credentialed_requests_bypass_route_cache_by_default(make_product):
    make_product()
    first = Client(HTTP_AUTHORIZATION="Token one").get("/api/route-products/")
    again = Client(HTTP_AUTHORIZATION="Token one").get("/api/route-products/")
    assert "X-Cache-Status" not in first
    assert "X-Cache-Status" not in again
    assert CALLS["route-products"] == 2


def test_per_user_false_serves_only_anonymous_requests_from_cache(make_product):
    make_product()
    rules = [{**RULES[0], "per_user": False}]
    with override_settings(
        ROOT_URLCONF="tests.cacheapp.urls", RESTFLOW_SETTINGS={"MIDDLEWARE": {"CACHE_RULES": rules}}
    ):
        CALLS.clear()
        Client().get("/api/route-products/")
        assert Client().get("/api/route-products/")["X-Cache-Status"] == "HIT"
        authorized = Client(HTTP_AUTHORIZATION="Token one").get("/api/route-products/")
        assert "X-Cache-Status" not in authorized
        assert CALLS["route-products"] == 2


@pytest.mark.usefixtures("route_rules")
def test_unmatched_paths_pass_through():
    client = Client()
    client.get("/api/behaviour/")
    second = client.get("/api/behaviour/")
    assert second["X-Cache-Status"] == "HIT"  # from its own @cache_response, not a route rule
    assert CALLS["behaviour"] == 1


@pytest.mark.usefixtures("route_rules")
async def test_route_rule_under_asgi(make_product):
    from asgiref.sync import sync_to_async

    await sync_to_async(make_product)()
    client = AsyncClient()
    first = await client.get("/api/route-products/")
    second = await client.get("/api/route-products/")
    assert (first["X-Cache-Status"], second["X-Cache-Status"]) == ("MISS", "HIT")
    assert CALLS["route-products"] == 1


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("nope", "not a list"),
        ([["path"]], "not a dict"),
        ([{}], "path"),
        ([{"path": "("}], "not a valid regex"),
        ([{"path": "^/x", "methods": ["POST"]}], "safe methods"),
        ([{"path": "^/x", "ttl": 0}], "ttl"),
        ([{"path": "^/x", "vary": "Accept"}], "vary"),
        ([{"path": "^/x", "invalidates_on": "catalog.Product"}], "model labels"),
        ([{"path": "^/x", "per_user": "yes"}], "per_user"),
        ([{"path": "^/x", "invalidate_on": []}], "Did you mean 'invalidates_on'"),
    ],
)
def test_invalid_rules_name_the_problem(rules, message):
    with pytest.raises(CacheRuleError, match=message):
        parse_cache_rules(rules)


@pytest.mark.parametrize(
    ("path", "query", "extra", "rule_extra"),
    [
        ("/api/route-products/", "", {}, {}),
        ("/api/route-products/", "b=2&a=1&a=0&c=%20x", {}, {}),
        ("/api/route-products/", "&", {"HTTP_ACCEPT": "application/json"}, {}),
        (
            "/api/route-products/",
            "",
            {"HTTP_ACCEPT_LANGUAGE": "de, en;q=0.5", "HTTP_X_FORWARDED_HOST": "a.example"},
            {"vary": ["X-Tenant", "x_odd"]},
        ),
        ("/api/route-products/", "", {"HTTP_X_TENANT": "t:1,=()", "wsgi.url_scheme": "https"}, {}),
        ("/api/route-products/" + "%C3%A9" * 120, "q=" + "z" * 400, {}, {}),
        ("/api/route-products/", "", {"HTTP_AUTHORIZATION": "Token one"}, {"per_user": True}),
        ("/api/route-products/", "", {"HTTP_COOKIE": "sessionid=abc"}, {"per_user": True}),
    ],
)
def test_route_rule_keys_match_key_fields(path, query, extra, rule_extra):
    # The hit path builds route keys by hand; they must stay the keys the
    # rule's fields build, or invalidations and the guide's promises drift.
    from django.test import RequestFactory

    from restflow.caching.key_fields import request_identity
    from restflow.caching.middleware import route_rules

    rules = [{**RULES[0], "path": r"^/api/route-products/", **rule_extra}]
    with override_settings(
        ROOT_URLCONF="tests.cacheapp.urls", RESTFLOW_SETTINGS={"MIDDLEWARE": {"CACHE_RULES": rules}}
    ):
        request = RequestFactory().get(path, QUERY_STRING=query, **extra)
        built = route_rules()[0]
        fast = built.keys.build(request, request_identity(request))
        slow = built.wrapper.build_key((request,), {})
    assert fast == slow


def test_route_rule_key_over_limit_raises():
    from django.test import RequestFactory

    from restflow.caching.key_constructor import KeyTooLongError
    from restflow.caching.middleware import route_rules

    settings = {
        "MIDDLEWARE": {"CACHE_RULES": RULES},
        "CACHE_SETTINGS": {"HASH_SUFFIX_ON_OVERFLOW": False, "MAX_KEY_SUFFIX_LENGTH": 40},
    }
    with override_settings(ROOT_URLCONF="tests.cacheapp.urls", RESTFLOW_SETTINGS=settings):
        request = RequestFactory().get("/api/route-products/")
        built = route_rules()[0]
        with pytest.raises(KeyTooLongError):
            built.wrapper.build_key((request,), {})
        with pytest.raises(KeyTooLongError):
            built.keys.build(request, None)
