"""Fixtures of the fault tests: the harness stack and a client for it.

These tests carry the ``faults`` marker, which the main pytest run
deselects; ``make test-faults`` runs them. They need the machine's
PostgreSQL (``DATABASE_URL``) and the ``redis-server`` binary, and start
everything else themselves.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from conf.env import env_flag
from tests.faults.harness import Stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A fresh harness stack per test module."""
    url = os.environ.get("DATABASE_URL", "")
    missing = None
    if not url.startswith(("postgres://", "postgresql://")):
        missing = "the fault tests need PostgreSQL: DATABASE_URL is not a postgres:// URL"
    elif shutil.which("redis-server") is None:
        missing = "the fault tests need the redis-server binary"
    if missing:
        if env_flag("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    with Stack(url, tmp_path_factory.mktemp("faults")) as harness:
        yield harness
