"""``manage.py check`` of the example project with broken ``RESTFLOW_SETTINGS``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.services import ROOT

MANAGE = ROOT / "example_project" / "manage.py"


def run_check(
    tmp_path: Path, restflow_settings: str, redis_url: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py check`` on the example settings with sections of ``RESTFLOW_SETTINGS``
    replaced by those of ``restflow_settings``."""
    (tmp_path / "broken_settings.py").write_text(
        "from example.settings import *  # noqa: F403\n\n"
        f"RESTFLOW_SETTINGS = {{**RESTFLOW_SETTINGS, **{restflow_settings}}}  # noqa: F405\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "broken_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "example_project"), str(ROOT)]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "REDIS_URL": redis_url,
    }
    return subprocess.run(
        [sys.executable, str(MANAGE), "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_passes_on_example_settings(tmp_path):
    result = run_check(tmp_path, '{"EXCEPTIONS": {"ENVELOPE": "restflow"}}')

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_passes_with_redis_url(tmp_path):
    # The checks read settings only, so nothing needs to listen on the URL.
    result = run_check(tmp_path, "{}", redis_url="redis://127.0.0.1:1/0")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_reports_missing_jwt_signing_key(tmp_path):
    result = run_check(tmp_path, '{"JWT": {"BLACKLIST_BACKEND": "model"}}')

    assert result.returncode != 0
    assert "restflow.E051" in result.stderr
    assert "SIGNING_KEY" in result.stderr


def test_check_reports_unknown_envelope(tmp_path):
    result = run_check(
        tmp_path, '{"EXCEPTIONS": {"ENVELOPE": "restflow.exceptions.envelopes.NoSuchThing"}}'
    )

    assert result.returncode != 0
    assert "restflow.E" in result.stderr
    assert "EXCEPTIONS" in result.stderr
    assert "ENVELOPE" in result.stderr
    assert "NoSuchThing" in result.stderr


def test_check_suggests_misspelled_key(tmp_path):
    result = run_check(tmp_path, '{"JWT": {"ACCES_TOKEN_LIFETIME": 5}}')

    assert result.returncode != 0
    assert "restflow.E" in result.stderr
    assert "ACCES_TOKEN_LIFETIME" in result.stderr
    assert "ACCESS_TOKEN_LIFETIME" in result.stderr


def test_schema_validates_without_warnings(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "example_project"), str(ROOT)]),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "REDIS_URL": "",
    }
    schema = tmp_path / "schema.yaml"

    result = subprocess.run(
        [
            sys.executable,
            str(MANAGE),
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(schema),
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # --fail-on-warn turns any warning or error of the generator into a non-zero exit.
    assert result.returncode == 0, result.stderr
    text = schema.read_text()
    for path in ("/api/products/{id}/", "/api/products/export.ndjson", "/api/auth/token/"):
        assert f"{path}:" in text
    assert "jwtAuth" in text
