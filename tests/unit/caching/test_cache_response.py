"""@cache_response on DRF views, @api_view functions and async views."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import AsyncClient, Client, override_settings
from rest_framework.authtoken.models import Token

from tests.cacheapp.views import CALLS

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("cache_urls"),
]


@pytest.fixture
def cache_urls():
    CALLS.clear()
    with override_settings(ROOT_URLCONF="tests.cacheapp.urls"):
        yield


def _token_client(username: str) -> Client:
    user = User.objects.create_user(username, password="pw")
    token = Token.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_two_users_never_share_a_cached_response():
    alice = _token_client("alice")
    bob = _token_client("bob")
    assert alice.get("/api/whoami/").json() == {"user": "alice"}
    assert bob.get("/api/whoami/").json() == {"user": "bob"}
    assert alice.get("/api/whoami/").json() == {"user": "alice"}
    assert bob.get("/api/whoami/").json() == {"user": "bob"}
    assert CALLS["whoami"] == 2


def test_session_and_basic_credentials_never_share_either():
    carol = User.objects.create_user("carol", password="pw")
    dave = User.objects.create_user("dave", password="pw")
    session = Client()
    session.force_login(carol)
    basic = Client(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"dave:pw").decode())
    assert session.get("/api/whoami/").json() == {"user": "carol"}
    assert basic.get("/api/whoami/").json() == {"user": "dave"}
    assert session.get("/api/whoami/").json() == {"user": "carol"}
    assert basic.get("/api/whoami/").json() == {"user": "dave"}
    assert carol.pk != dave.pk


def test_anonymous_request_to_an_authenticated_endpoint_is_not_cached():
    assert Client().get("/api/whoami/").status_code in (401, 403)
    assert Client().get("/api/whoami/").status_code in (401, 403)
    assert CALLS["whoami"] == 0


def test_miss_then_hit_returns_the_same_body(make_product):
    product = make_product()
    client = Client()
    first = client.get(f"/api/products/{product.pk}/")
    second = client.get(f"/api/products/{product.pk}/")
    assert first["X-Cache-Status"] == "MISS"
    assert second["X-Cache-Status"] == "HIT"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "X-Cached-At" in second
    assert "X-Cache-Expires-At" in second
    assert CALLS["product"] == 1


def test_saving_the_product_invalidates_its_response(make_product):
    product = make_product()
    other = make_product()
    client = Client()
    client.get(f"/api/products/{product.pk}/")
    client.get(f"/api/products/{other.pk}/")
    product.price = Decimal("99.00")
    product.save()
    fresh = client.get(f"/api/products/{product.pk}/")
    assert fresh["X-Cache-Status"] == "MISS"
    assert fresh.json()["price"] == "99.00"
    assert client.get(f"/api/products/{other.pk}/")["X-Cache-Status"] == "HIT"


def test_accept_header_gets_its_own_entry(make_product):
    product = make_product()
    client = Client()
    json_response = client.get(f"/api/products/{product.pk}/", HTTP_ACCEPT="application/json")
    html_response = client.get(f"/api/products/{product.pk}/", HTTP_ACCEPT="text/html")
    assert json_response["Content-Type"].startswith("application/json")
    assert html_response["Content-Type"].startswith("text/html")
    assert html_response["X-Cache-Status"] == "MISS"


@pytest.mark.parametrize(
    "query",
    [
        "status=201",
        "status=404",
        "cookie=1",
        "cache_control=private",
        "cache_control=no-store",
        "vary=*",
    ],
)
def test_unsafe_responses_are_never_stored(query):
    client = Client()
    client.get(f"/api/behaviour/?{query}")
    second = client.get(f"/api/behaviour/?{query}")
    assert CALLS["behaviour"] == 2
    assert "X-Cache-Status" not in second


def test_response_vary_headers_split_the_entries():
    client = Client()
    first = client.get("/api/behaviour/?vary=X-Tenant", HTTP_X_TENANT="a")
    again = client.get("/api/behaviour/?vary=X-Tenant", HTTP_X_TENANT="a")
    other = client.get("/api/behaviour/?vary=X-Tenant", HTTP_X_TENANT="b")
    assert first["X-Cache-Status"] == "MISS"
    assert again["X-Cache-Status"] == "HIT"
    assert other["X-Cache-Status"] == "MISS"
    assert CALLS["behaviour"] == 2


def test_unsafe_methods_are_not_cached():
    client = Client()
    client.post("/api/behaviour/")
    client.post("/api/behaviour/")
    assert CALLS["behaviour-post"] == 2


def test_api_view_function(make_product):
    make_product()
    client = Client()
    first = client.get("/api/categories/")
    second = client.get("/api/categories/")
    assert (first["X-Cache-Status"], second["X-Cache-Status"]) == ("MISS", "HIT")
    assert second.json() == first.json()
    assert CALLS["categories"] == 1


def test_query_strings_get_their_own_entries():
    client = Client()
    client.get("/api/behaviour/?page=1")
    client.get("/api/behaviour/?page=2")
    client.get("/api/behaviour/?page=1")
    assert CALLS["behaviour"] == 2


async def test_async_view_miss_then_hit(make_product):
    from asgiref.sync import sync_to_async

    product = await sync_to_async(make_product)()
    client = AsyncClient()
    first = await client.get(f"/api/async-products/{product.pk}/")
    second = await client.get(f"/api/async-products/{product.pk}/")
    assert first.status_code == 200
    assert (first["X-Cache-Status"], second["X-Cache-Status"]) == ("MISS", "HIT")
    assert second.json() == {"id": product.pk, "price": "10.00"}
    assert CALLS["async-product"] == 1
    product.price = Decimal("5.00")
    await sync_to_async(product.save)()
    third = await client.get(f"/api/async-products/{product.pk}/")
    assert third["X-Cache-Status"] == "MISS"
    assert third.json()["price"] == "5.00"


async def test_plain_async_django_view_keys_by_session_user():
    from asgiref.sync import sync_to_async

    erin = await sync_to_async(User.objects.create_user)("erin", password="pw")
    frank = await sync_to_async(User.objects.create_user)("frank", password="pw")
    erin_client = AsyncClient()
    frank_client = AsyncClient()
    await erin_client.aforce_login(erin)
    await frank_client.aforce_login(frank)
    assert (await erin_client.get("/api/plain-async/")).json() == {"user": "erin"}
    assert (await frank_client.get("/api/plain-async/")).json() == {"user": "frank"}
    hit = await erin_client.get("/api/plain-async/")
    assert hit.json() == {"user": "erin"}
    assert hit["X-Cache-Status"] == "HIT"
    assert CALLS["plain-async"] == 2


def test_host_and_scheme_get_their_own_entries():
    client = Client()
    client.get("/api/behaviour/", HTTP_HOST="a.example")
    client.get("/api/behaviour/", HTTP_HOST="b.example")
    client.get("/api/behaviour/", HTTP_HOST="a.example", secure=True)
    again = client.get("/api/behaviour/", HTTP_HOST="a.example")
    assert again["X-Cache-Status"] == "HIT"
    assert CALLS["behaviour"] == 3


def test_head_is_served_from_get_entries_but_never_stored():
    client = Client()
    client.head("/api/behaviour/")
    assert CALLS["behaviour"] == 1
    client.get("/api/behaviour/")
    assert CALLS["behaviour"] == 2
    head = client.head("/api/behaviour/")
    assert head["X-Cache-Status"] == "HIT"
    assert CALLS["behaviour"] == 2


def test_response_vary_applies_to_custom_keys():
    client = Client()
    json_first = client.get("/api/path-keyed/", HTTP_ACCEPT="application/json")
    html = client.get("/api/path-keyed/", HTTP_ACCEPT="text/html")
    json_again = client.get("/api/path-keyed/", HTTP_ACCEPT="application/json")
    assert json_first["Content-Type"].startswith("application/json")
    assert html["Content-Type"].startswith("text/html")
    assert json_again["X-Cache-Status"] == "HIT"
    assert CALLS["path-keyed"] == 2


def test_cache_if_sees_the_rendered_response():
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    from restflow.caching import cache_response

    calls = []

    class Flagged(APIView):
        authentication_classes: list = []
        permission_classes: list = []

        @cache_response(cache_if=lambda response: b"keep" in response.content)
        def get(self, request):
            calls.append(request.query_params.get("word"))
            return Response({"word": request.query_params.get("word")})

    view = Flagged.as_view()
    factory = APIRequestFactory()
    for word in ("keep", "keep", "drop", "drop"):
        assert view(factory.get("/flagged/", {"word": word})).status_code == 200
    assert calls == ["keep", "drop", "drop"]


def test_decorator_name_survives_submodule_import():
    # A fresh interpreter, because the name only breaks when the module that
    # holds the decorator is imported before anything reads the package name.
    import subprocess
    import sys

    code = (
        "import types\n"
        "from django.conf import settings\n"
        "settings.configure()\n"
        "import restflow.caching.response_cache, restflow.caching.middleware\n"
        "from restflow.caching import cache_response\n"
        "assert not isinstance(cache_response, types.ModuleType), cache_response\n"
        "assert cache_response.__name__ == 'cache_response'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]


class _Viewish:
    request = None


def _drf_request(path, query="", user=None, **extra):
    from django.test import RequestFactory
    from rest_framework.request import Request

    request = Request(RequestFactory().get(path, QUERY_STRING=query, **extra))
    if user is not None:
        request.user = user
    return request


@pytest.mark.parametrize(
    ("query", "extra", "settings"),
    [
        ("", {}, {}),
        ("b=2&a=1&a=0&c=%20x", {"HTTP_ACCEPT": "application/json"}, {}),
        ("&", {"HTTP_ACCEPT_LANGUAGE": "de", "HTTP_X_FORWARDED_HOST": "a.example"}, {}),
        ("", {"HTTP_AUTHORIZATION": "Token one", "wsgi.url_scheme": "https"}, {}),
        ("", {"HTTP_COOKIE": "sessionid=abc"}, {"CACHE_SETTINGS": {"KEY_HASH_ALGORITHM": "md5"}}),
        ("q=" + "z" * 400, {}, {"CACHE_SETTINGS": {"MAX_KEY_SUFFIX_LENGTH": 40}}),
    ],
)
@pytest.mark.parametrize("shape", ["method", "function", "user"])
def test_default_keys_match_key_fields(query, extra, settings, shape):
    # @cache_response builds its default keys by hand. They must equal the
    # keys of ResponseCacheKeyConstructor's fields, or rules that map a
    # model to the partition stop reaching the entries.
    from restflow.caching.key_constructor import KeyConstructor
    from restflow.caching.response_cache import cache_response

    user = User(pk=7, username="seven") if shape == "user" else None
    with override_settings(RESTFLOW_SETTINGS=settings):
        request = _drf_request("/api/things/" + "%C3%A9" * 30, query, user, **extra)
        if shape == "function":

            def view(request, pk, slug="x"):
                return None

            wrapper = cache_response()(view)
            args, kwargs = (request,), {"pk": 5}
        else:

            def get(self, request, *args, **kwargs):
                return None

            wrapper = cache_response()(get)
            args, kwargs = (_Viewish(), request), {"pk": "5"}
        fast = wrapper._fast_key.build(args, kwargs)
        slow = KeyConstructor.generate_key(wrapper.key_constructor, wrapper.func, args, kwargs)
    assert fast is not None
    assert fast == slow
    if user is not None:
        assert "user" in fast.suffix or fast.suffix.startswith("H")


def test_default_key_over_limit_raises():
    from restflow.caching.key_constructor import KeyTooLongError
    from restflow.caching.response_cache import cache_response

    def view(request):
        return None

    wrapper = cache_response()(view)
    settings = {"CACHE_SETTINGS": {"HASH_SUFFIX_ON_OVERFLOW": False, "MAX_KEY_SUFFIX_LENGTH": 40}}
    with override_settings(RESTFLOW_SETTINGS=settings), pytest.raises(KeyTooLongError):
        wrapper.build_key((_drf_request("/api/things/"),), {})


def test_async_handler_is_bound_once_per_view_instance():
    from restflow.caching.response_cache import cache_response

    class View:
        @cache_response()
        async def get(self, request):
            return None

    class Override(View):
        async def get(self, request):
            return await super().get(request)

    view = View()
    assert view.get is view.get
    override = Override()
    assert "get" not in override.__dict__
    super(Override, override).get  # noqa: B018
    assert "get" not in override.__dict__


def _star(self, request, *args, **kwargs):
    return None


def _star_named(self, request, *extra, **kwargs):
    return None


def _plain(request, *args, **kwargs):
    return None


def _defaults(self, request, pk=1, *args, **kwargs):
    return None


@pytest.mark.parametrize("func", [_star, _star_named, _plain, _defaults])
@pytest.mark.parametrize(
    ("extra_args", "kwargs"),
    [
        ((), {}),
        ((), {"pk": 5, "slug": "a b"}),
        (("x", 3), {"pk": "5"}),
        ((), {"args": 1, "extra": 2, "kwargs": 3, "cls": 4}),
        ((), {"request": "twice"}),
    ],
)
def test_url_kwargs_of_default_keys_equal_the_field(func, extra_args, kwargs):
    from restflow.caching.response_cache import cache_response

    wrapper = cache_response()(func)
    request = _drf_request("/api/things/")
    leading = (request,) if func is _plain else (_Viewish(), request)
    args = leading + extra_args
    field = wrapper.key_constructor.fields["path_params"]
    try:
        expected = field.get_cache_key_part(wrapper.func, args, kwargs)
    except TypeError:
        with pytest.raises(TypeError):
            wrapper._fast_key._url_kwargs_text(wrapper.func, args, kwargs)
        return
    assert wrapper._fast_key._url_kwargs_text(wrapper.func, args, kwargs) == expected
