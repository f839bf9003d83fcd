"""Stampede protection across processes: several processes miss one key, one computes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches

from tests.support.services import ROOT

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture(autouse=True, scope="module")
def delete_restflow_keys_afterwards():
    yield
    from tests.cacheapp.redis_cleanup import delete_restflow_keys

    if "redis" in settings.CACHES:
        delete_restflow_keys()


PROCESSES = 6

SCRIPT = """
import os, sys, time
import django
django.setup()
from django.core.cache import caches
from tests.cacheapp.cached import slow_counted

token = sys.argv[1]
# Start together: wait for the test to publish the go signal.
while caches["redis"].get("go-" + token) is None:
    time.sleep(0.01)
print(slow_counted(token), flush=True)
"""


def test_processes_missing_one_key_compute_once():
    token = uuid.uuid4().hex[:8]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.cacheapp.worker_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
        "RESTFLOW_RUN_ID": str(settings.RUN_ID),
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, token],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    cache = caches["redis"]
    try:
        # Give every process time to start Django before the go signal.
        time.sleep(3)
        cache.set(f"go-{token}", 1, timeout=60)
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    for (stdout, stderr), process in zip(outputs, processes, strict=True):
        assert process.returncode == 0, stderr
        assert stdout.strip() == f"computed-{token}"
    assert cache.get(f"calls-{token}") == 1
    cache.delete_many([f"go-{token}", f"calls-{token}"])
