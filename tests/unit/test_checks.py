"""System checks: each id fires on its problem and stays quiet otherwise."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks as django_checks
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

import restflow.checks
from restflow.checks import (
    check_components,
    check_deploy,
    check_settings,
    check_wiring,
    register_checks,
    requires_valid_settings,
)
from restflow.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
BAD_ENVELOPE = "restflow.exceptions.envelopes.NoSuchThing"


def ids_of(messages):
    return sorted(message.id for message in messages)


def with_restflow(value):
    return override_settings(RESTFLOW_SETTINGS=value)


# --- quiet --------------------------------------------------------------------------


def test_defaults_quiet():
    assert check_settings() == []
    assert check_wiring() == []
    assert [m for m in check_components() if "EXCEPTIONS.ENVELOPE" in m.msg] == []


@pytest.mark.parametrize(
    "envelope", ["restflow", "problem", "restflow.exceptions.envelopes.ProblemEnvelope"]
)
def test_valid_envelope_quiet(envelope):
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": envelope}}):
        assert [
            m for m in check_components() if m.id == "restflow.E010" and "ENVELOPE" in m.msg
        ] == []


# --- E001-E003: the shape of RESTFLOW_SETTINGS --------------------------------------------


def test_e001_not_a_dict():
    with with_restflow(["JWT"]):
        [message] = check_settings()
    assert message.id == "restflow.E001"
    assert message.level == django_checks.ERROR
    assert "RESTFLOW_SETTINGS must be a dict, not list" in message.msg
    assert message.hint


def test_e002_unknown_key():
    with with_restflow({"JWT": {"ACCES_TOKEN_LIFETIME": 5}}):
        [message] = check_settings()
    assert message.id == "restflow.E002"
    assert "ACCES_TOKEN_LIFETIME" in message.msg
    assert "Did you mean 'ACCESS_TOKEN_LIFETIME'?" in message.msg
    assert "ACCESS_TOKEN_LIFETIME" in message.hint


def test_e003_invalid_value():
    with with_restflow({"MIDDLEWARE": {"ERROR_ENVELOPE_PATHS": "/api/"}}):
        [message] = check_settings()
    assert message.id == "restflow.E003"
    assert 'RESTFLOW_SETTINGS["MIDDLEWARE"]["ERROR_ENVELOPE_PATHS"]' in message.msg
    assert "'/api/'" in message.msg
    assert message.hint.startswith("Expected a list or tuple")


def test_e004_removed_key(monkeypatch):
    from restflow.settings import REMOVED

    monkeypatch.setitem(REMOVED, ("EXCEPTIONS", "STYLE"), "Use EXCEPTIONS.ENVELOPE instead.")
    with with_restflow({"EXCEPTIONS": {"STYLE": "problem"}}):
        [message] = check_settings()
    assert message.id == "restflow.E004"
    assert 'RESTFLOW_SETTINGS["EXCEPTIONS"]["STYLE"] was removed' in message.msg
    assert message.hint == "Use EXCEPTIONS.ENVELOPE instead."


def test_e004_quiet_for_current_keys():
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": "problem"}}):
        assert check_settings() == []


def test_settings_problems_all_reported():
    with with_restflow({"JWT": {"LEEWAY": -1}, "NOPE": {}}):
        assert ids_of(check_settings()) == ["restflow.E002", "restflow.E003"]


# --- E010: components that do not resolve -------------------------------------------------


def test_e010_bad_envelope_path():
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": BAD_ENVELOPE}}):
        [message] = [m for m in check_components() if m.id == "restflow.E010"]
    assert message.level == django_checks.ERROR
    assert message.msg.startswith("EXCEPTIONS.ENVELOPE: ")
    assert repr(BAD_ENVELOPE) in message.msg
    assert "'problem', 'restflow'" in message.hint
    assert "restflow.exceptions.envelopes.BaseEnvelope" in message.hint


def test_e010_unknown_name():
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": "fancy"}}):
        [message] = [m for m in check_components() if m.id == "restflow.E010"]
    assert "'fancy'" in message.msg
    assert "no component is registered under that name" in message.msg


def test_e010_wrong_base():
    value = "tests.unit.exceptions.custom_envelopes.NotAnEnvelope"
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": value}}):
        [message] = [m for m in check_components() if m.id == "restflow.E010"]
    assert "is not a subclass of restflow.exceptions.envelopes.BaseEnvelope" in message.msg


def test_e010_module_crashes_on_import():
    value = "tests.unit.exceptions.broken_envelope.Envelope"
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": value}}):
        [message] = [m for m in check_components() if m.id == "restflow.E010"]
    assert "RuntimeError: this module fails while it is imported" in message.msg


def test_e010_not_repeated_for_invalid_setting():
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": ""}}):
        assert ids_of(check_settings()) == ["restflow.E003"]
        assert check_components() == []


def test_e010_skips_registry_without_base(monkeypatch):
    # A subsystem that is not installed has no base module to resolve against.
    missing = Registry(
        "gadget",
        base="restflow.no_such_subsystem.base.BaseGadget",
        setting=("EXCEPTIONS", "ENVELOPE"),
    )
    monkeypatch.setattr(restflow.checks, "REGISTRIES", (missing,))
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": "anything"}}):
        assert check_components() == []


def test_e010_checks_registry_with_base(monkeypatch):
    present = Registry(
        "gadget",
        base="restflow.exceptions.envelopes.BaseEnvelope",
        setting=("EXCEPTIONS", "ENVELOPE"),
    )
    monkeypatch.setattr(restflow.checks, "REGISTRIES", (present,))
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": "anything"}}):
        assert ids_of(check_components()) == ["restflow.E010"]


# --- W020 / W021: settings with no reader ---------------------------------------------------


def test_w020_middleware_missing():
    with (
        with_restflow({"MIDDLEWARE": {"REQUEST_ID_HEADER": "X-Trace"}}),
        override_settings(MIDDLEWARE=["django.middleware.common.CommonMiddleware"]),
    ):
        [message] = check_wiring()
    assert message.id == "restflow.W020"
    assert message.level == django_checks.WARNING
    assert "restflow.middleware.RestflowMiddleware" in message.hint


def test_w020_quiet_when_installed():
    with with_restflow({"MIDDLEWARE": {"REQUEST_ID_HEADER": "X-Trace"}}):
        assert check_wiring() == []


def test_w020_quiet_without_section():
    with override_settings(MIDDLEWARE=[]):
        assert check_wiring() == []


def test_w021_handler_missing():
    with (
        with_restflow({"EXCEPTIONS": {"ENVELOPE": "problem"}}),
        override_settings(REST_FRAMEWORK={}),
    ):
        [message] = check_wiring()
    assert message.id == "restflow.W021"
    assert "None" in message.msg
    assert "restflow.exceptions.exception_handler" in message.hint


def test_w021_quiet_when_installed():
    with with_restflow({"EXCEPTIONS": {"ENVELOPE": "problem"}}):
        assert check_wiring() == []


# --- W022: deploy only -------------------------------------------------------------------


def test_w022_internals_exposed():
    with with_restflow({"EXCEPTIONS": {"EXPOSE_INTERNAL_ERRORS": True}}):
        [message] = check_deploy()
        deploy_ids = [m.id for m in run_checks(include_deployment_checks=True, tags=["restflow"])]
        normal_ids = [m.id for m in run_checks(tags=["restflow"])]
    assert message.id == "restflow.W022"
    assert "EXPOSE_INTERNAL_ERRORS" in message.msg
    assert "restflow.W022" in deploy_ids
    assert "restflow.W022" not in normal_ids


@pytest.mark.parametrize("value", [None, False])
def test_w022_quiet(value):
    with with_restflow({"EXCEPTIONS": {"EXPOSE_INTERNAL_ERRORS": value}}):
        assert check_deploy() == []


def test_w022_quiet_on_invalid_settings():
    with with_restflow({"EXCEPTIONS": ["EXPOSE_INTERNAL_ERRORS"]}):
        assert check_deploy() == []


# --- requires_valid_settings ---------------------------------------------------------------


@requires_valid_settings
def _reads_settings(app_configs=None, **kwargs):
    from restflow.settings import restflow_settings

    return [django_checks.Info(restflow_settings.JWT.ALGORITHM, id="tests.I001")]


def test_requires_valid_settings_skips():
    with with_restflow({"JWT": {"ACCES_TOKEN_LIFETIME": 5}}):
        assert _reads_settings() == []


def test_requires_valid_settings_runs():
    [message] = _reads_settings()
    assert message.msg == "HS256"
    assert _reads_settings.__name__ == "_reads_settings"


def test_no_restflow_check_crashes_on_invalid_settings():
    # A check that raises stops manage.py check before it prints E001-E004.
    with with_restflow({"JWT": {"ACCES_TOKEN_LIFETIME": 5}, "MIDDLEWARE": []}):
        for check in django_checks.registry.registry.get_checks(include_deployment_checks=True):
            if check.__module__.startswith("restflow"):
                check(app_configs=None, databases=None)


# --- registration and the check command ----------------------------------------------------


def test_register_checks_idempotent():
    register_checks()
    register_checks()
    registered = django_checks.registry.registry.get_checks()
    for check in (check_settings, check_components, check_wiring):
        assert registered.count(check) == 1
    deployment = django_checks.registry.registry.get_checks(include_deployment_checks=True)
    assert deployment.count(check_deploy) == 1


@pytest.mark.django_db
def test_check_command_fails_on_bad_envelope():
    bad_envelope = with_restflow({"EXCEPTIONS": {"ENVELOPE": BAD_ENVELOPE}})
    with bad_envelope, pytest.raises(SystemCheckError) as info:
        call_command("check")
    assert "restflow.E010" in str(info.value)
    assert "EXCEPTIONS.ENVELOPE" in str(info.value)


@pytest.mark.django_db
def test_check_command_fails_on_typo():
    typo = with_restflow({"JWT": {"ACCES_TOKEN_LIFETIME": 5}})
    with typo, pytest.raises(SystemCheckError) as info:
        call_command("check")
    assert "restflow.E002" in str(info.value)
    assert "Did you mean 'ACCESS_TOKEN_LIFETIME'?" in str(info.value)


def run_check_process(restflow_settings):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.unit.exceptions.check_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
        "RESTFLOW_SETTINGS_JSON": json.dumps(restflow_settings),
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_process_bad_envelope():
    result = run_check_process({"EXCEPTIONS": {"ENVELOPE": BAD_ENVELOPE}})
    assert result.returncode != 0
    assert "restflow.E010" in result.stderr
    assert "EXCEPTIONS.ENVELOPE" in result.stderr


def test_check_process_typo():
    result = run_check_process({"JWT": {"ACCES_TOKEN_LIFETIME": 5}})
    assert result.returncode != 0
    assert "restflow.E002" in result.stderr
    assert "ACCESS_TOKEN_LIFETIME" in result.stderr


def test_check_process_typo_reports_cleanly():
    result = run_check_process({"JWT": {"ACCES_TOKEN_LIFETIME": 5}})
    assert "Traceback" not in result.stderr
    assert "System check identified" in result.stderr


def test_check_process_valid():
    result = run_check_process({"EXCEPTIONS": {"ENVELOPE": "problem"}})
    assert "restflow.E" not in result.stderr


def test_reference_page_lists_every_id():
    # Every check id used anywhere in restflow has a section or a row on the page.
    used = set()
    for path in (ROOT / "restflow").rglob("*.py"):
        used.update(re.findall(r"restflow\.[EW]\d{3}", path.read_text()))
    page = (ROOT / "docs" / "reference" / "checks.md").read_text()
    missing = sorted(
        check_id
        for check_id in used
        if f"### `{check_id}`" not in page and f"| `{check_id}` |" not in page
    )
    assert not missing, f"docs/reference/checks.md does not describe: {', '.join(missing)}"
