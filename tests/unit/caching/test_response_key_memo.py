"""The default @cache_response key remembers recent keys; remembered keys equal fresh ones."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory, override_settings
from rest_framework.request import Request

from restflow.caching.key_constructor import KeyConstructor
from restflow.caching.response_cache import cache_response


class _View:
    request = None


def _request(path="/api/things/", user=None, **extra):
    request = Request(RequestFactory().get(path, **extra))
    if user is not None:
        request.user = user
    return request


# Each case differs from the first in one input the key depends on.
CASES = [
    ({}, {"pk": 1}),
    ({}, {"pk": True}),
    ({}, {"pk": 1.0}),
    ({}, {"pk": "1"}),
    ({}, {"pk": 2}),
    ({"HTTP_HOST": "other.example"}, {"pk": 1}),
    ({"HTTP_X_FORWARDED_HOST": "a.example"}, {"pk": 1}),
    ({"HTTP_ACCEPT": "application/json"}, {"pk": 1}),
    ({"HTTP_ACCEPT_LANGUAGE": "de"}, {"pk": 1}),
    ({"HTTP_AUTHORIZATION": "Token one"}, {"pk": 1}),
    ({"HTTP_AUTHORIZATION": "Token two"}, {"pk": 1}),
    ({"HTTP_COOKIE": "sessionid=abc"}, {"pk": 1}),
    ({"wsgi.url_scheme": "https"}, {"pk": 1}),
    ({"path": "/api/other/"}, {"pk": 1}),
    ({"user": 7}, {"pk": 1}),
    ({"user": 8}, {"pk": 1}),
    ({"QUERY_STRING": "a=1"}, {"pk": 1}),
]


def _build(wrapper, extra, kwargs):
    extra = dict(extra)
    path = extra.pop("path", "/api/things/")
    user_pk = extra.pop("user", None)
    user = User(pk=user_pk, username=f"u{user_pk}") if user_pk else None
    args = (_View(), _request(path, user, **extra))
    fast = wrapper._fast_key.build(args, kwargs)
    slow = KeyConstructor.generate_key(wrapper.key_constructor, wrapper.func, args, kwargs)
    return fast, slow


@pytest.mark.parametrize("settings", [{}, {"CACHE_SETTINGS": {"MAX_KEY_SUFFIX_LENGTH": 40}}])
def test_remembered_keys_equal_fresh_keys_for_every_input(settings):
    def get(self, request, *args, **kwargs):
        return None

    wrapper = cache_response()(get)
    with override_settings(RESTFLOW_SETTINGS=settings):
        seen = {}
        # Twice through, so the second round reads what the first remembered.
        for _ in range(2):
            for index, (extra, kwargs) in enumerate(CASES):
                fast, slow = _build(wrapper, extra, kwargs)
                assert fast == slow, CASES[index]
                assert seen.setdefault(index, fast) == fast
    keys = list(seen.values())
    # pk=1 and pk="1" share an entry by design (URL kwargs key as text); True
    # and 1.0, equal to 1 as dict keys, must not reuse its remembered text.
    assert len({(key.partition, key.suffix) for key in keys}) == len(keys) - 1


def test_settings_change_reaches_remembered_suffixes():
    def get(self, request, *args, **kwargs):
        return None

    wrapper = cache_response()(get)
    first, _ = _build(wrapper, {}, {"pk": 1})
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"MAX_KEY_SUFFIX_LENGTH": 40}}):
        short, slow = _build(wrapper, {}, {"pk": 1})
    assert short == slow
    assert short.suffix != first.suffix


def test_unhashable_url_kwarg_is_keyed_without_the_memo():
    def get(self, request, *args, **kwargs):
        return None

    wrapper = cache_response()(get)
    for value in (["a"], ["b"], ["a"]):
        fast, slow = _build(wrapper, {}, {"pk": value})
        assert fast == slow


def test_hash_algorithm_change_reaches_remembered_digests():
    def get(self, request, *args, **kwargs):
        return None

    wrapper = cache_response()(get)
    short = {"MAX_KEY_SUFFIX_LENGTH": 40}
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": short}):
        first, _ = _build(wrapper, {}, {"pk": "x" * 400})
    md5 = {**short, "KEY_HASH_ALGORITHM": "md5"}
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": md5}):
        second, slow = _build(wrapper, {}, {"pk": "x" * 400})
    assert second == slow
    assert (second.partition, second.suffix) != (first.partition, first.suffix)


def test_plain_django_request_keys_equal_fresh_keys():
    # A function view without @api_view passes Django's own request.
    def view(request, pk):
        return None

    wrapper = cache_response()(view)
    seen = set()
    for _ in range(2):
        for host in ("a.example", "b.example"):
            args = (RequestFactory().get("/api/things/", HTTP_HOST=host),)
            fast = wrapper._fast_key.build(args, {"pk": 3})
            slow = KeyConstructor.generate_key(
                wrapper.key_constructor, wrapper.func, args, {"pk": 3}
            )
            assert fast == slow
            seen.add(fast.suffix)
    assert len(seen) == 2
