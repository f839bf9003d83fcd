"""Run a test file again in a new pytest process under a generated settings module.

DRF copies several defaults into class attributes when its modules are first
imported, so tests of those defaults need a process whose settings name them
from the start. The outer run calls :func:`run_inner_tests`; the inner tests
check :func:`is_inner` to know which run they are in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["ROOT", "fresh_environment", "is_inner", "run_inner_tests"]

ROOT = Path(__file__).resolve().parents[2]


def is_inner(flag: str) -> bool:
    """Return True in the process that :func:`run_inner_tests` started with ``flag``."""
    return os.environ.get(flag) == "1"


def fresh_environment(
    tmp_path: Path, module: str, source: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Write ``source`` as ``tmp_path/<module>.py`` and return an environment that imports it.

    The environment is this process's, with ``PYTHONPATH`` set to ``tmp_path``,
    the repository and the example project, and ``extra`` on top.
    """
    (tmp_path / f"{module}.py").write_text(source)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT), str(ROOT / "example_project")]),
        **(extra or {}),
    }


def run_inner_tests(
    test_file: str,
    tmp_path: Path,
    settings_source: str,
    flag: str,
    passed: int,
    *,
    skipped: int | None = None,
    timeout: float = 240,
) -> subprocess.CompletedProcess[str]:
    """Run ``test_file`` with ``flag=1`` in a new pytest process under ``settings_source``.

    Assert that the run succeeded and its summary counts ``passed`` tests (and
    ``skipped`` ones, when given); return the finished process.
    """
    module = f"fresh_{Path(test_file).stem}_settings"
    env = fresh_environment(tmp_path, module, settings_source, {flag: "1"})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--ds={module}",
            str(Path(test_file).resolve().relative_to(ROOT)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    summary = f"{passed} passed" if skipped is None else f"{passed} passed, {skipped} skipped"
    assert summary in result.stdout, result.stdout[-2000:]
    return result
