"""System checks restflow.E050-E058 and W050-W053: each fires and each stays quiet."""

from __future__ import annotations

import pytest
from django.test import override_settings

from restflow.authentication.checks import (
    check_jwt_deploy_settings,
    check_jwt_settings,
    jwt_in_use,
)
from tests.unit.authentication.conftest import HMAC_SECRET

JWT_DEFAULTS = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["restflow.authentication.JWTAuthentication"],
}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SHARED = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}
}


def ids(messages) -> list[str]:
    return sorted(message.id for message in messages)


def run_checks(jwt: dict, *, deploy: bool = False, **django_settings):
    django_settings.setdefault("REST_FRAMEWORK", JWT_DEFAULTS)
    django_settings.setdefault("CACHES", SHARED)
    with override_settings(RESTFLOW_SETTINGS={"JWT": jwt}, **django_settings):
        check = check_jwt_deploy_settings if deploy else check_jwt_settings
        return ids(check())


GOOD = {"SIGNING_KEY": HMAC_SECRET}


def test_quiet_when_configured():
    assert run_checks(GOOD) == []
    assert run_checks(GOOD, deploy=True) == []


def test_in_use_by_drf_defaults_or_routes():
    with override_settings(REST_FRAMEWORK=JWT_DEFAULTS):
        assert jwt_in_use()
    with override_settings(REST_FRAMEWORK={}, ROOT_URLCONF="tests.unit.authentication.urls"):
        assert jwt_in_use()
    with override_settings(REST_FRAMEWORK={}, ROOT_URLCONF="tests.testapp.urls"):
        assert not jwt_in_use()


@pytest.mark.parametrize("algorithm", ["none", "HS1"])
def test_e050_bad_algorithm(algorithm):
    assert run_checks({**GOOD, "ALGORITHM": algorithm}) == ["restflow.E050"]


def test_e051_missing_signing_key():
    assert run_checks({}) == ["restflow.E051"]
    # Quiet when JWT is not used at all.
    assert run_checks({}, REST_FRAMEWORK={}) == []


def test_e052_pem_key_with_hmac(rsa_keys):
    assert run_checks({"SIGNING_KEY": rsa_keys[0]}) == ["restflow.E052"]
    assert run_checks({"SIGNING_KEY": rsa_keys[0], "ALGORITHM": "RS256"}) == []


def test_e052_bad_jwks():
    jwt = {**GOOD, "VERIFYING_KEYS": {"keys": [{"kty": "RSA", "kid": "x"}]}}
    assert run_checks(jwt) == ["restflow.E052"]


def test_e053_process_local_cache():
    assert run_checks(GOOD, CACHES=LOCMEM) == ["restflow.E053"]
    assert run_checks({**GOOD, "BLACKLIST_ALLOW_LOCMEM": True}, CACHES=LOCMEM) == []
    assert run_checks(GOOD, CACHES=LOCMEM, DEBUG=True) == []
    assert run_checks({**GOOD, "BLACKLIST_BACKEND": "model"}, CACHES=LOCMEM) == []
    assert run_checks({**GOOD, "BLACKLIST_ENABLED": False}, CACHES=LOCMEM) == []


def test_e054_dummy_or_missing_cache():
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert run_checks(GOOD, CACHES=dummy) == ["restflow.E054"]
    assert run_checks({**GOOD, "BLACKLIST_CACHE_ALIAS": "missing"}) == ["restflow.E054"]


def test_e055_user_id_field():
    assert run_checks({**GOOD, "USER_ID_FIELD": "password"}) == ["restflow.E055"]


def test_e056_rule_not_importable():
    assert run_checks({**GOOD, "USER_AUTHENTICATION_RULE": "nowhere.rule"}) == ["restflow.E056"]
    assert run_checks({**GOOD, "USER_AUTHENTICATION_RULE": "restflow.VERSION"}) == ["restflow.E056"]


def test_e057_model_store_without_app(settings):
    apps = [app for app in settings.INSTALLED_APPS if app != "restflow.authentication"]
    jwt = {**GOOD, "BLACKLIST_BACKEND": "model"}
    assert run_checks(jwt, INSTALLED_APPS=apps) == ["restflow.E057"]
    assert run_checks(jwt) == []


def test_e058_redis_store_without_url():
    jwt = {**GOOD, "BLACKLIST_BACKEND": "redis"}
    assert run_checks(jwt) == ["restflow.E058"]
    assert run_checks({**jwt, "BLACKLIST_REDIS_URL": "redis://127.0.0.1:6379/0"}) == []


def test_w050_short_hmac_key():
    assert run_checks({"SIGNING_KEY": "short"}, deploy=True) == ["restflow.W050"]
    assert run_checks({"SIGNING_KEY": "x" * 64, "ALGORITHM": "HS512"}, deploy=True) == []
    assert run_checks({"SIGNING_KEY": "x" * 63, "ALGORITHM": "HS512"}, deploy=True) == [
        "restflow.W050"
    ]


def test_w051_insecure_cookie():
    jwt = {**GOOD, "AUTH_COOKIE_ENABLED": True, "AUTH_COOKIE_SECURE": False}
    assert run_checks(jwt, deploy=True) == ["restflow.W051"]
    assert run_checks({**jwt, "AUTH_COOKIE_SECURE": True}, deploy=True) == []


def test_w052_fail_open():
    assert run_checks({**GOOD, "BLACKLIST_FAIL_OPEN": True}, deploy=True) == ["restflow.W052"]


def test_w053_locmem_allowed():
    jwt = {**GOOD, "BLACKLIST_ALLOW_LOCMEM": True}
    assert run_checks(jwt, deploy=True, CACHES=LOCMEM) == ["restflow.W053"]
    assert run_checks(jwt, deploy=True) == []


def test_checks_registered_with_django():
    from django.core import checks

    with override_settings(
        RESTFLOW_SETTINGS={"JWT": {"ALGORITHM": "none"}}, REST_FRAMEWORK=JWT_DEFAULTS
    ):
        found = [message.id for message in checks.run_checks(tags=["restflow"])]
    assert "restflow.E050" in found


def test_e052_unreadable_pem():
    jwt = {"ALGORITHM": "ES256", "SIGNING_KEY": "-----BEGIN PRIVATE KEY-----\nnope\n"}
    assert run_checks(jwt) == ["restflow.E052"]
