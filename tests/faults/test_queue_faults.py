"""The RQ broker stopped, and an RQ worker killed in the middle of an invalidation job."""

from __future__ import annotations

import os
import signal
import time

import httpx
import pytest

from tests.faults.harness import Stack

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.live]


@pytest.fixture(scope="module")
def server(stack: Stack):
    with stack.server() as process:
        yield process


def brand_names(
    client: httpx.Client, pk: int, *, until: str, seconds: float, field: str = "name"
) -> str:
    """Poll a cached brand name until it reads ``until`` or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    name = ""
    while time.monotonic() < deadline:
        name = client.get(f"/api/brands/{pk}/").json()[field]
        if name == until:
            break
        time.sleep(0.2)
    return name


def test_broker_down_runs_the_invalidation_inline(stack, server):
    with httpx.Client(base_url=server.base_url, timeout=15) as client:
        assert client.get("/api/brands/1/").json()["name"] == "brand-0"
        stack.broker.stop()
        try:
            renamed = client.patch("/api/brands/1/", json={"name": "renamed-broker-down"})
            assert renamed.status_code == 200, renamed.text
            # No worker runs while the broker is down: only the inline
            # fallback can have removed the old entry.
            assert client.get("/api/brands/1/").json()["name"] == "renamed-broker-down"
        finally:
            stack.broker.start_again()
    log = server.log()
    assert "could not enqueue cache rules" in log, log[-2000:]
    assert "running them inline" in log


def test_queued_invalidation_runs_on_the_worker(stack, server):
    with stack.worker(), httpx.Client(base_url=server.base_url, timeout=15) as client:
        assert client.get("/api/brands/2/").json()["name"] == "brand-1"
        client.patch("/api/brands/2/", json={"name": "renamed-by-worker"})
        assert brand_names(client, 2, until="renamed-by-worker", seconds=30) == "renamed-by-worker"


def kill_work_horse_mid_job(stack: Stack, client: httpx.Client, pk: int, tag: str, name: str):
    """Rename brand ``pk`` and SIGKILL the RQ work-horse while the ``tag`` invalidator sleeps."""
    started = stack.markers / f"{tag}-started"
    started.unlink(missing_ok=True)
    (stack.markers / f"{tag}-slow").write_text("sleep once")
    client.patch(f"/api/brands/{pk}/", json={"name": name})
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started.exists()
    # The work-horse is the process RQ forked to run the job.
    os.kill(int(started.read_text()), signal.SIGKILL)


def test_worker_killed_mid_job_is_retried(stack, server):
    with httpx.Client(base_url=server.base_url, timeout=15) as client:
        assert client.get("/api/brands/3/").json()["name"] == "brand-2"
        with stack.worker():
            kill_work_horse_mid_job(stack, client, 3, "plain", "renamed-after-crash")
            name = brand_names(client, 3, until="renamed-after-crash", seconds=30)
    assert name == "renamed-after-crash"


@pytest.mark.parametrize("queue", ["celery", "dramatiq"])
def test_broker_down_runs_celery_and_dramatiq_jobs_inline(stack, server, queue):
    pk = 1 if queue == "celery" else 2
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        before = client.get(f"/api/categories/{pk}/").json()[queue]
        assert before == f"category-{pk - 1}"
        stack.broker.stop()
        try:
            renamed = client.patch(f"/api/categories/{pk}/", json={"name": f"{queue}-inline"})
            assert renamed.status_code == 200, renamed.text
            # No worker exists for either queue: only the inline fallback
            # can have removed the old entry.
            assert client.get(f"/api/categories/{pk}/").json()[queue] == f"{queue}-inline"
        finally:
            stack.broker.start_again()
    assert f"Dispatcher {queue} could not enqueue cache rules" in server.log()
