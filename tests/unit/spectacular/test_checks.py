"""System checks restflow.E100 (schema class without drf-spectacular) and W101 (sidecar)."""

from __future__ import annotations

import importlib.util

import pytest
from django.test import override_settings

from restflow.spectacular import checks


def ids(messages):
    return [message.id for message in messages]


@pytest.fixture
def without_drf_spectacular(monkeypatch):
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name == "drf_spectacular":
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(checks.importlib.util, "find_spec", find_spec)


@pytest.mark.parametrize("path", checks.SCHEMA_CLASS_PATHS)
def test_e100_fires_without_drf_spectacular(without_drf_spectacular, path):
    with override_settings(REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": path}):
        messages = checks.check_schema_class()
    assert ids(messages) == ["restflow.E100"]
    assert repr(path) in messages[0].msg
    assert "drf-restflow[spectacular]" in messages[0].hint


def test_e100_quiet_when_installed():
    with override_settings(REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": checks.SCHEMA_CLASS_PATHS[0]}):
        assert checks.check_schema_class() == []


def test_e100_quiet_for_other_schema_classes(without_drf_spectacular):
    with override_settings(REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": "myapp.Schema"}):
        assert checks.check_schema_class() == []
    with override_settings(REST_FRAMEWORK={}):
        assert checks.check_schema_class() == []


def test_w101_fires_without_sidecar_app():
    with override_settings(
        SPECTACULAR_SETTINGS={"SWAGGER_UI_DIST": "SIDECAR", "REDOC_DIST": "SIDECAR"}
    ):
        messages = checks.check_sidecar()
    assert ids(messages) == ["restflow.W101"]
    assert "SPECTACULAR_SETTINGS['SWAGGER_UI_DIST']" in messages[0].msg
    assert "SPECTACULAR_SETTINGS['REDOC_DIST']" in messages[0].msg
    assert "INSTALLED_APPS" in messages[0].hint


def test_w101_quiet_with_sidecar_app(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "drf_spectacular_sidecar"]
    with override_settings(SPECTACULAR_SETTINGS={"SWAGGER_UI_DIST": "SIDECAR"}):
        assert checks.check_sidecar() == []


def test_w101_quiet_with_cdn_assets():
    with override_settings(SPECTACULAR_SETTINGS={"SWAGGER_UI_DIST": "https://example.org/ui"}):
        assert checks.check_sidecar() == []
    assert checks.check_sidecar() == []


def test_checks_are_registered():
    from django.core.checks.registry import registry

    from restflow.checks import register_checks

    register_checks()
    registered = registry.get_checks()
    assert checks.check_schema_class in registered
    assert checks.check_sidecar in registered
