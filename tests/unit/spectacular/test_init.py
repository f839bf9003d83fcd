"""The package's public names, with and without drf-spectacular installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import restflow.spectacular as package
from restflow.spectacular import errors, extensions, hooks, parameters, schema, streaming

ROOT = Path(__file__).resolve().parents[3]


def test_all_is_complete_and_unique():
    # ruff (RUF022) keeps each __all__ in its isort-style order.
    for module in (package, errors, extensions, hooks, parameters, schema, streaming):
        assert len(set(module.__all__)) == len(module.__all__), module.__name__
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_schema_class_path():
    from drf_spectacular.openapi import AutoSchema

    assert package.RestflowAutoSchema.__module__ == "restflow.spectacular.schema"
    assert issubclass(package.RestflowAutoSchema, AutoSchema)


def test_without_drf_spectacular():
    # A None entry in sys.modules makes the import fail as if the package
    # were not installed.
    code = (
        "import sys; sys.modules['drf_spectacular'] = None\n"
        "import django; django.setup()\n"
        "import restflow.spectacular as s\n"
        "assert s.RestflowAutoSchema is None and s.add_filterset_parameters is None\n"
        "assert s.streaming_schema is None\n"
        "assert callable(s.build_filterset_parameters) and callable(s.resolve_filterset_class)\n"
        "from django.test import override_settings\n"
        "from restflow.spectacular.checks import check_schema_class\n"
        "schema_class = {'DEFAULT_SCHEMA_CLASS': 'restflow.spectacular.RestflowAutoSchema'}\n"
        "with override_settings(REST_FRAMEWORK=schema_class):\n"
        "    assert [m.id for m in check_schema_class()] == ['restflow.E100']\n"
        "print('ok')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "conf.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok"
