"""Throttling system checks: each id fires on its problem and stays quiet otherwise."""

from __future__ import annotations

from django.conf import settings
from django.core.checks.registry import registry
from django.test import override_settings

from restflow.registry import THROTTLE_STORES
from restflow.throttling.checks import check_throttle_deploy_settings, check_throttle_settings

ANON = "restflow.throttling.AnonRateThrottle"
LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
FILE_CACHE = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": "/tmp/restflow-throttle-check-cache",
}


def drf(**values):
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **values})


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_checks_registered():
    assert check_throttle_settings in registry.registered_checks
    assert check_throttle_deploy_settings in registry.deployment_checks


def test_e070_invalid_rate():
    with drf(DEFAULT_THROTTLE_RATES={"anon": "10/fortnight", "user": "5/min", "off": None}):
        messages = check_throttle_settings()
    assert ids(messages) == ["restflow.E070"]
    assert "'10/fortnight'" in messages[0].msg
    assert "['anon']" in messages[0].msg
    assert "'5/10s'" in messages[0].hint


def test_e070_quiet_for_valid_rates():
    with drf(DEFAULT_THROTTLE_RATES={"anon": "10/min", "burst": "5/10s", "off": None}):
        assert check_throttle_settings() == []


def test_e071_default_class_without_rate():
    with drf(DEFAULT_THROTTLE_CLASSES=[ANON], DEFAULT_THROTTLE_RATES={"user": "1/min"}):
        messages = check_throttle_settings()
    assert ids(messages) == ["restflow.E071"]
    assert "'anon'" in messages[0].msg


def test_e071_quiet_with_rate_and_for_scoped():
    classes = [ANON, "restflow.throttling.ScopedRateThrottle"]
    with drf(DEFAULT_THROTTLE_CLASSES=classes, DEFAULT_THROTTLE_RATES={"anon": "1/min"}):
        assert check_throttle_settings() == []


def test_e072_redis_store_without_connection():
    with (
        drf(DEFAULT_THROTTLE_CLASSES=[ANON], DEFAULT_THROTTLE_RATES={"anon": "1/min"}),
        override_settings(
            CACHES={"default": LOCMEM},
            RESTFLOW_SETTINGS={"THROTTLING": {"STORE": "redis"}},
        ),
    ):
        messages = check_throttle_settings()
    THROTTLE_STORES.reset()
    assert ids(messages) == ["restflow.E072"]
    assert "'default'" in messages[0].msg
    assert "REDIS_URL" in messages[0].hint


def test_e072_quiet_with_url():
    throttling = {"STORE": "redis", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    with (
        drf(DEFAULT_THROTTLE_CLASSES=[ANON], DEFAULT_THROTTLE_RATES={"anon": "1/min"}),
        override_settings(RESTFLOW_SETTINGS={"THROTTLING": throttling}),
    ):
        assert check_throttle_settings() == []
    THROTTLE_STORES.reset()


def test_w073_num_proxies_unset():
    with (
        drf(DEFAULT_THROTTLE_CLASSES=[ANON], NUM_PROXIES=None),
        override_settings(CACHES={"default": FILE_CACHE}),
    ):
        messages = check_throttle_deploy_settings()
    assert ids(messages) == ["restflow.W073"]
    assert "X-Forwarded-For" in messages[0].msg


def test_w073_quiet_with_num_proxies():
    with (
        drf(DEFAULT_THROTTLE_CLASSES=[ANON], NUM_PROXIES=1),
        override_settings(CACHES={"default": FILE_CACHE}),
    ):
        assert check_throttle_deploy_settings() == []


def test_deploy_checks_quiet_without_restflow_throttles():
    with drf(DEFAULT_THROTTLE_CLASSES=["rest_framework.throttling.AnonRateThrottle"]):
        assert check_throttle_deploy_settings() == []


def test_w074_process_local_cache():
    with (
        drf(DEFAULT_THROTTLE_CLASSES=[ANON], NUM_PROXIES=0),
        override_settings(CACHES={"default": LOCMEM}),
    ):
        messages = check_throttle_deploy_settings()
    assert ids(messages) == ["restflow.W074"]
    assert "LocMemCache" in messages[0].msg
