"""Zero-code adoption end to end: one plain DRF app, restflow switched on and off by settings.

``tests/adoption/app`` is an ordinary DRF catalog API that imports nothing
from restflow. ``settings_off`` runs it as a plain DRF project and
``settings_on`` is the same module plus restflow's settings. DRF copies its
default classes into view attributes when ``rest_framework.views`` is first
imported, so nothing can be switched inside one process. Each mode runs
the pairs in ``end_to_end/pairs_*.py`` in a new pytest process.

Every feature has a pair of tests, ``test_<feature>_on`` and
``test_<feature>_off``. Both tests of a pair run in both processes: in its
own mode a test must pass, and in the other mode it is a strict xfail, so
it must fail on an assertion. That makes "removing restflow's settings
breaks the restflow assertions" a checked fact rather than a claim.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

MODES = ("on", "off")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
APP_DIR = HERE / "app"
PAIR_FILES = sorted((HERE / "end_to_end").glob("pairs_*.py"))


def inner_test_names() -> set[str]:
    """Return the names of the test functions in the pair modules."""
    names = set()
    for path in PAIR_FILES:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
    return names


# Each run: the mode the pairs assert, and the settings module it runs under.
RUNS = {
    "on": ("on", "tests.adoption.settings_on"),
    "off": ("off", "tests.adoption.settings_off"),
    "on-without-apps": ("on", "tests.adoption.end_to_end.settings_on_without_apps"),
}


def start_run(run: str, report: Path, log: Path) -> subprocess.Popen:
    """Start the pair modules in a new pytest process for one of :data:`RUNS`."""
    mode, settings_module = RUNS[run]
    env = {
        **os.environ,
        "RESTFLOW_ADOPTION_MODE": mode,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--ds={settings_module}",
        f"--junitxml={report}",
        *(str(path.relative_to(ROOT)) for path in PAIR_FILES),
    ]
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def read_outcomes(report: Path) -> dict[str, str]:
    """Return each test's outcome in a JUnit XML report.

    Outcomes are ``passed``, ``skipped``, ``xfail``, ``failure`` and ``error``.
    """
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        name = case.get("name", "").split("[")[0]
        outcome = "passed"
        for child in case:
            if child.tag == "skipped":
                outcome = "xfail" if child.get("type") == "pytest.xfail" else "skipped"
            elif child.tag in ("failure", "error"):
                outcome = child.tag
        outcomes[name] = outcome
    return outcomes


@pytest.fixture(scope="module")
def mode_runs(tmp_path_factory) -> dict[str, tuple[int, str, dict[str, str]]]:
    """Start every run at once; return each run's exit code, output and outcomes."""
    folder = tmp_path_factory.mktemp("adoption-modes")
    processes = {run: start_run(run, folder / f"{run}.xml", folder / f"{run}.log") for run in RUNS}
    runs = {}
    for mode, process in processes.items():
        try:
            code = process.wait(timeout=240)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        output = (folder / f"{mode}.log").read_text()
        report = folder / f"{mode}.xml"
        runs[mode] = (code, output, read_outcomes(report) if report.exists() else {})
    return runs


@pytest.mark.parametrize("mode", MODES)
def test_mode_in_fresh_process(mode, mode_runs):
    code, output, outcomes = mode_runs[mode]
    assert code == 0, output[-8000:]
    other = "off" if mode == "on" else "on"
    mine = {name for name in inner_test_names() if name.endswith(f"_{mode}")}
    theirs = {name for name in inner_test_names() if name.endswith(f"_{other}")}
    assert set(outcomes) >= mine | theirs
    # A test of this mode passes, or skips for a missing service (CI turns
    # that skip into a failure). A test of the other mode fails on an assertion.
    assert {name for name in mine if outcomes[name] not in ("passed", "skipped")} == set()
    assert {name for name in theirs if outcomes[name] not in ("xfail", "skipped")} == set()
    assert any(outcomes[name] == "passed" for name in mine)


def test_settings_alone_switch_features_on(mode_runs):
    """Without the app entries, only the system checks pair notices a difference."""
    _, output, outcomes = mode_runs["on-without-apps"]
    mine = {name for name in inner_test_names() if name.endswith("_on")}
    theirs = {name for name in inner_test_names() if name.endswith("_off")}
    assert set(outcomes) >= mine | theirs, output[-8000:]
    failed = {name for name in mine if outcomes[name] not in ("passed", "skipped")}
    assert failed == {"test_system_checks_on"}, output[-8000:]
    # The off twin of the checks pair passes here: no restflow check is registered.
    unexpected = {name for name in theirs if outcomes[name] not in ("xfail", "skipped")}
    assert unexpected == {"test_system_checks_off"}


def test_every_feature_has_a_pair():
    names = inner_test_names()
    assert {name for name in names if not name.endswith(("_on", "_off"))} == set()
    features_on = {name.removesuffix("_on") for name in names if name.endswith("_on")}
    features_off = {name.removesuffix("_off") for name in names if name.endswith("_off")}
    assert features_on == features_off
    assert len(features_on) >= 13


def test_app_imports_nothing_from_restflow():
    sources = sorted(APP_DIR.glob("*.py"))
    assert len(sources) >= 4
    for source in sources:
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] != "restflow", f"{source.name} imports {module}"
        assert "restflow" not in source.read_text().lower(), source.name


def test_settings_differ_only_in_restflow_lines():
    from tests.adoption import settings_off, settings_on

    def settings_of(module):
        return {name: getattr(module, name) for name in dir(module) if name.isupper()}

    before, after = settings_of(settings_off), settings_of(settings_on)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == {
        "INSTALLED_APPS",
        "ROOT_URLCONF",
        "MIDDLEWARE",
        "CSRF_FAILURE_VIEW",
        "REST_FRAMEWORK",
        "RESTFLOW_SETTINGS",
    }
    assert after["INSTALLED_APPS"] == [*before["INSTALLED_APPS"], "restflow", "restflow.caching"]
    assert after["MIDDLEWARE"][1:] == before["MIDDLEWARE"]
    drf_changes = {
        key
        for key in before["REST_FRAMEWORK"].keys() | after["REST_FRAMEWORK"].keys()
        if before["REST_FRAMEWORK"].get(key) != after["REST_FRAMEWORK"].get(key)
    }
    assert drf_changes == {
        "EXCEPTION_HANDLER",
        "DEFAULT_AUTHENTICATION_CLASSES",
        "DEFAULT_FILTER_BACKENDS",
        "DEFAULT_PAGINATION_CLASS",
        "DEFAULT_THROTTLE_CLASSES",
        "DEFAULT_SCHEMA_CLASS",
    }


SETTING_NAMES = ("INSTALLED_APPS", "MIDDLEWARE", "CSRF_FAILURE_VIEW", "REST_FRAMEWORK")


def run_adopting_guide() -> tuple[dict, dict]:
    """Run the adoption guide's samples; return the settings after the first and after the last."""
    import copy

    from tests.docs.samples import DOCS, extract

    namespace: dict = {}
    before: dict = {}
    for sample in extract(DOCS / "guide" / "adopting.md"):
        if sample.skip_reason is not None:
            continue
        exec(compile(sample.code, str(sample.path), "exec"), namespace)
        if not before:
            before = copy.deepcopy(
                {name: namespace.get(name) for name in (*SETTING_NAMES, "RESTFLOW_SETTINGS")}
            )
    return before, namespace


def test_adopting_guide_matches_settings(monkeypatch):
    from tests.adoption import settings_off, settings_on

    monkeypatch.setenv("JWT_SIGNING_KEY", "guide-key-" + "g" * 54)
    before, after = run_adopting_guide()

    # The guide's starting point is settings_off without what only the tests need.
    assert before["INSTALLED_APPS"] == [
        app for app in settings_off.INSTALLED_APPS if app != "tests.adoption.app"
    ]
    assert before["MIDDLEWARE"] == settings_off.MIDDLEWARE
    test_only = {"TEST_REQUEST_DEFAULT_FORMAT"}
    assert before["REST_FRAMEWORK"] == {
        key: value for key, value in settings_off.REST_FRAMEWORK.items() if key not in test_only
    }

    # Each step of the guide adds what settings_on adds, and nothing else.
    added_apps = after["INSTALLED_APPS"][len(before["INSTALLED_APPS"]) :]
    assert added_apps == settings_on.INSTALLED_APPS[len(settings_off.INSTALLED_APPS) :]
    assert after["MIDDLEWARE"] == settings_on.MIDDLEWARE
    assert after["CSRF_FAILURE_VIEW"] == settings_on.CSRF_FAILURE_VIEW
    assert {
        key: value
        for key, value in after["REST_FRAMEWORK"].items()
        if before["REST_FRAMEWORK"].get(key) != value
    } == {
        key: value
        for key, value in settings_on.REST_FRAMEWORK.items()
        if settings_off.REST_FRAMEWORK.get(key) != value
    }
    guide, tested = after["RESTFLOW_SETTINGS"], settings_on.RESTFLOW_SETTINGS
    assert set(guide) == {"JWT", "MIDDLEWARE", "THROTTLING"}
    assert guide["MIDDLEWARE"] == tested["MIDDLEWARE"]
    assert set(guide["JWT"]) <= set(tested["JWT"])
    assert guide["THROTTLING"] == {"STORE": "redis", "CACHE_ALIAS": "redis"}
    if settings_on.REDIS_URL:
        assert guide["THROTTLING"] == tested["THROTTLING"]


# Prepares the database of the live server: tables, an admin, a category and a brand.
LIVE_SETUP = """
from django.contrib.auth.models import User
from django.core.management import call_command

from catalog.models import Brand, Category

call_command("migrate", verbosity=0)
User.objects.create_superuser("ada", "ada@example.com", "ada-pass-123")
Category.objects.create(name="Chairs", slug="chairs")
Brand.objects.create(name="Birch", slug="birch")
"""


@pytest.mark.live
def test_settings_on_under_uvicorn(tmp_path):
    """Serve the unchanged app with settings_on over ASGI: the middleware's async path."""
    import httpx

    from tests.support import services

    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'adoption.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "tests.adoption.settings_on",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
    }
    setup = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + LIVE_SETUP],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]

    with (
        services.uvicorn_server(
            "tests.adoption.end_to_end.asgi:application",
            settings_module="tests.adoption.settings_on",
            env=env,
        ) as server,
        httpx.Client(base_url=server.base_url, timeout=20) as client,
    ):
        unknown = client.get("/api/no-such-page/")
        assert unknown.status_code == 404, server.log()
        assert unknown.json()["error"]["code"] == "not_found"
        assert unknown.json()["error"]["request_id"] == unknown.headers["X-Request-ID"]

        tokens = client.post(
            "/api/auth/token/", json={"username": "ada", "password": "ada-pass-123"}
        ).json()
        bearer = {"Authorization": f"Bearer {tokens['access']}"}
        category = client.get("/api/categories/").json()[0]["id"]
        brand = client.get("/api/admin/brands/", headers=bearer).json()["results"][0]["id"]
        created = client.post(
            "/api/products/",
            headers=bearer,
            json={
                "name": "Stool",
                "slug": "stool",
                "price": "30.00",
                "created_at": "2026-03-01T00:00:00Z",
                "category": category,
                "brand": brand,
            },
        )
        assert created.status_code == 201, created.text
        detail = f"/api/products/{created.json()['id']}/"

        first, second = client.get(detail), client.get(detail)
        assert (first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]) == (
            "MISS",
            "HIT",
        )
        patched = client.patch(detail, headers=bearer, json={"price": "31.50"})
        assert patched.status_code == 200, patched.text
        after = client.get(detail)
        assert after.headers["X-Cache-Status"] == "MISS"
        assert after.json()["price"] == "31.50"

        rejected = client.get("/api/search/products/", params={"price__gte": "abc"})
        assert rejected.status_code == 400
        assert set(rejected.json()["error"]["details"]) == {"price__gte"}
        found = client.get("/api/search/products/", params={"price__gte": "31"})
        assert [row["name"] for row in found.json()] == ["Stool"]
