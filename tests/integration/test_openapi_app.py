"""The optional ``restflow.spectacular`` app on drf-spectacular's own ``AutoSchema``.

Extensions register when their module is imported, and nothing else imports
it on this path, so each case runs in a new Python process. With the app in
``INSTALLED_APPS`` JWT views get the ``jwtAuth`` scheme. Without it
drf-spectacular cannot resolve the authenticator and warns.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.fresh_process import ROOT, fresh_environment

SETTINGS = """
from conf.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, *EXTRA_APPS]  # noqa: F405
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "restflow.authentication.jwt_authentication.JWTAuthentication"
    ],
}
"""

SCRIPT = """
import json

import django

django.setup()

from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.views import APIView


class Health(serializers.Serializer):
    status = serializers.CharField()


class HealthView(APIView):
    serializer_class = Health

    def get(self, request):
        raise NotImplementedError


schema = SchemaGenerator(patterns=[path("api/health/", HealthView.as_view())]).get_schema(
    public=True
)
print(json.dumps({
    "schemes": schema["components"].get("securitySchemes", {}),
    "security": schema["paths"]["/api/health/"]["get"].get("security"),
    "warnings": list(GENERATOR_STATS._warn_cache),
}))
"""


def generate(tmp_path, extra_apps):
    settings = f"EXTRA_APPS = {extra_apps!r}\n" + SETTINGS
    env = fresh_environment(
        tmp_path,
        "openapi_app_settings",
        settings,
        {"DJANGO_SETTINGS_MODULE": "openapi_app_settings"},
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_app_registers_jwt_scheme(tmp_path):
    output = generate(tmp_path, ["restflow.spectacular"])
    assert output["schemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert output["security"] == [{"jwtAuth": []}, {}]
    assert output["warnings"] == []


@pytest.mark.slow
def test_without_app_drf_spectacular_warns(tmp_path):
    output = generate(tmp_path, [])
    assert output["schemes"] == {}
    assert len(output["warnings"]) == 1
    assert "could not resolve authenticator" in output["warnings"][0]
