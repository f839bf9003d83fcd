"""Run the test suite on each supported Python/Django pair with nox.

``make test`` runs the Python 3.13 pair in ``.venv`` and calls the session
``tests(py3.10-django5.2)`` here for the other pair. Virtualenvs are reused
between runs, and the package is installed again only when ``pyproject.toml``
or the Django requirement changed.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
REPORTS = ROOT / "build" / "test-reports"

nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["tests(py3.10-django5.2)"]


def find_python(version: str, environment_variable: str) -> str:
    """Return the interpreter for ``version``: the variable, pyenv's build, or PATH."""
    configured = os.environ.get(environment_variable)
    if configured:
        return configured
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"))
    if candidates:
        return candidates[-1]
    # nox reports a missing interpreter by this name when nothing is found.
    return shutil.which(f"python{version}") or version


# (interpreter, Django requirement, database): the second pair runs on SQLite
# so that the SQLite backend is covered by a full run too.
PAIRS = [
    nox.param(
        find_python("3.10", "RESTFLOW_PYTHON310"),
        "Django>=5.2,<5.3",
        "sqlite",
        id="py3.10-django5.2",
    ),
    nox.param(
        find_python("3.13", "RESTFLOW_PYTHON313"),
        "Django>=5.2",
        "environment",
        id="py3.13-django-newest",
    ),
]


def install_once(session: nox.Session, *requirements: str) -> None:
    """Install ``requirements`` unless the same set was installed into this venv before."""
    digest = hashlib.sha256()
    digest.update((ROOT / "pyproject.toml").read_bytes())
    digest.update("\0".join(requirements).encode())
    stamp = Path(session.virtualenv.location) / ".restflow-installed"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        session.log("requirements unchanged since the last install; skipping pip")
        return
    session.install(*requirements)
    stamp.write_text(digest.hexdigest())


@nox.session(reuse_venv=True)
@nox.parametrize("python,django,database", PAIRS)
def tests(session: nox.Session, django: str, database: str) -> None:
    """Run the whole pytest suite on one Python/Django pair."""
    install_once(session, "-e", ".[dev]", django)
    session.run("python", "-c", "import django, sys; print(sys.version, django.__version__)")

    environment = {}
    if database == "sqlite":
        # An empty DATABASE_URL selects SQLite in conf/settings.py.
        environment["DATABASE_URL"] = ""
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = REPORTS / f"{session.name.split('(')[-1].rstrip(')')}.xml"
    session.run("pytest", f"--junitxml={report}", *session.posargs, env=environment)
