"""Caching system checks (restflow.E030-E037, W034, W038): each fires when wrong, else quiet."""

from __future__ import annotations

import pytest
from django.test import override_settings

from restflow.caching import InvalidationRule, cache_result, register_dispatcher
from restflow.caching.checks import (
    check_cache_rules,
    check_cache_settings,
    check_cache_socket_timeouts,
    check_invalidation_rules,
)
from restflow.caching.dispatchers.base import Dispatcher
from restflow.registry import DISPATCHERS


def _ids_for(wrapper) -> list[str]:
    return [
        message.id for message in check_invalidation_rules() if message.obj == wrapper.identifier
    ]


def _declare(**rule):
    @cache_result(ttl=60, invalidates_on=[InvalidationRule(**rule)])
    def cached(product_id):
        return product_id

    return cached


def test_valid_rule_is_quiet():
    wrapper = _declare(model="catalog.Product", field_mapping={"product_id": "pk"})
    assert _ids_for(wrapper) == []


def test_e030_model_not_installed():
    wrapper = _declare(model="catalog.Nothing", field_mapping={"product_id": "pk"})
    messages = [m for m in check_invalidation_rules() if m.obj == wrapper.identifier]
    assert [m.id for m in messages] == ["restflow.E030"]
    assert "catalog.Nothing" in messages[0].msg


def test_e031_mapping_names_an_unknown_argument():
    wrapper = _declare(model="catalog.Product", field_mapping={"productid": "pk"})
    messages = [m for m in check_invalidation_rules() if m.obj == wrapper.identifier]
    assert [m.id for m in messages] == ["restflow.E031"]
    assert "'productid'" in messages[0].msg
    assert "product_id" in messages[0].hint


class NeedsMissingPackage(Dispatcher):
    name = "needs_missing_package"
    requires = "restflow_package_that_is_not_installed"
    extra = "imaginary"
    cross_process = True

    def enqueue(self, job):
        raise AssertionError("never enqueued")


@pytest.fixture
def missing_package_dispatcher():
    register_dispatcher(NeedsMissingPackage)
    yield
    DISPATCHERS.unregister(NeedsMissingPackage.name)


@pytest.mark.usefixtures("missing_package_dispatcher")
def test_e032_dispatcher_package_missing_names_the_extra():
    wrapper = _declare(
        model="catalog.Product",
        field_mapping={"product_id": "pk"},
        dispatcher="needs_missing_package",
    )
    messages = [m for m in check_invalidation_rules() if m.obj == wrapper.identifier]
    assert [m.id for m in messages] == ["restflow.E032"]
    assert "drf-restflow[imaginary]" in messages[0].hint


def test_e033_unknown_dispatcher():
    wrapper = _declare(
        model="catalog.Product", field_mapping={"product_id": "pk"}, dispatcher="nope"
    )
    assert _ids_for(wrapper) == ["restflow.E033"]


def test_w034_process_local_cache_with_a_worker_dispatcher():
    wrapper = _declare(
        model="catalog.Product", field_mapping={"product_id": "pk"}, dispatcher="django_rq"
    )
    assert _ids_for(wrapper) == ["restflow.W034"]
    inline = _declare(
        model="catalog.Product", field_mapping={"product_id": "pk"}, dispatcher="inline"
    )
    assert _ids_for(inline) == []


@pytest.mark.redis
def test_w034_quiet_on_a_shared_cache():
    @cache_result(
        ttl=60,
        cache_alias="redis",
        invalidates_on=[
            InvalidationRule(
                model="catalog.Product", field_mapping={"product_id": "pk"}, dispatcher="django_rq"
            )
        ],
    )
    def cached(product_id):
        return product_id

    assert _ids_for(cached) == []


def test_e035_cache_alias_missing():
    assert check_cache_settings() == []
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"CACHE_ALIAS": "nowhere"}}):
        messages = check_cache_settings()
    assert [m.id for m in messages] == ["restflow.E035"]
    assert "'nowhere'" in messages[0].msg


def test_e036_redis_adapter_on_another_cache():
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"BACKEND": "redis"}}):
        messages = check_cache_settings()
    assert [m.id for m in messages] == ["restflow.E036"]


def test_e037_invalid_route_rules():
    assert check_cache_rules() == []
    bad = {"MIDDLEWARE": {"CACHE_RULES": [{"path": "^/x", "ttl": -5}]}}
    with override_settings(RESTFLOW_SETTINGS=bad):
        messages = check_cache_rules()
    assert [m.id for m in messages] == ["restflow.E037"]
    assert "ttl" in messages[0].msg


def test_e030_route_rule_model_not_installed():
    rules = {"MIDDLEWARE": {"CACHE_RULES": [{"path": "^/x", "invalidates_on": ["catalog.Ghost"]}]}}
    with override_settings(RESTFLOW_SETTINGS=rules):
        messages = check_cache_rules()
    assert [m.id for m in messages] == ["restflow.E030"]
    with override_settings(
        RESTFLOW_SETTINGS={
            "MIDDLEWARE": {"CACHE_RULES": [{"path": "^/x", "invalidates_on": ["catalog.Product"]}]}
        }
    ):
        assert check_cache_rules() == []


REDIS_WITHOUT_TIMEOUTS = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
}


def test_w038_redis_cache_without_socket_timeouts():
    restflow = {"CACHE_SETTINGS": {"CACHE_ALIAS": "shared"}}
    with override_settings(CACHES=REDIS_WITHOUT_TIMEOUTS, RESTFLOW_SETTINGS=restflow):
        messages = check_cache_socket_timeouts()
    assert [message.id for message in messages] == ["restflow.W038"]
    assert "CACHES['shared']" in messages[0].msg
    assert "SOCKET_CONNECT_TIMEOUT and no SOCKET_TIMEOUT" in messages[0].msg
    assert "'SOCKET_TIMEOUT': 0.5" in messages[0].hint


def test_w038_django_redis_cache_names_its_lowercase_options():
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=caches):
        messages = check_cache_socket_timeouts()
    assert [message.id for message in messages] == ["restflow.W038"]
    assert "no socket_connect_timeout in OPTIONS" in messages[0].msg


def test_w038_quiet_with_timeouts_or_unused_or_not_redis():
    with_timeouts = {
        **REDIS_WITHOUT_TIMEOUTS,
        "shared": {
            **REDIS_WITHOUT_TIMEOUTS["shared"],
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        },
    }
    restflow = {"CACHE_SETTINGS": {"CACHE_ALIAS": "shared"}}
    with override_settings(CACHES=with_timeouts, RESTFLOW_SETTINGS=restflow):
        assert check_cache_socket_timeouts() == []
    # A Redis cache without timeouts that restflow does not use, and a local cache.
    with override_settings(CACHES=REDIS_WITHOUT_TIMEOUTS):
        assert check_cache_socket_timeouts() == []
