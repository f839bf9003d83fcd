"""Scale-out: two uvicorn servers (one with two workers) share Redis and PostgreSQL.

The cache (``redis`` adapter), the throttle store and the blacklist store
live in the harness's Redis; brand invalidation runs on a real RQ worker.
The load runs across every process with a Redis restart in the middle.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.faults.harness import Stack, process_rss, server_pids
from tests.faults.load import check_report, login, run_load

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.live]


@pytest.fixture(scope="module")
def cluster(stack: Stack):
    with stack.server(workers=2) as first, stack.server() as second, stack.worker() as worker:
        yield stack, [first, second], worker


def test_load_across_processes(cluster, tmp_path):
    stack, servers, _ = cluster
    bases = [server.base_url for server in servers]

    async def stop_cache() -> None:
        await asyncio.to_thread(stack.cache.stop)

    async def start_cache() -> None:
        await asyncio.to_thread(stack.cache.start_again)

    def memory() -> dict[int, int]:
        pids = [pid for server in servers for pid in server_pids(server.process)]
        return {pid: process_rss(pid) for pid in pids}

    report = asyncio.run(
        run_load(
            "scale-out",
            bases,
            products=stack.products,
            total=4000,
            clients=48,
            fault=stop_cache,
            recover=start_cache,
            memory=memory,
            access_token=login(bases[0]),
        )
    )
    path = report.save(tmp_path)
    print(report.to_text())
    print(f"saved to {path}")
    check_report(report, bases)
    # The servers, the first one's two workers and uvicorn's helper process.
    assert len(report.memory_kb[-1][1]) >= 4, report.to_text()


def test_throttle_limit_holds_across_processes(cluster):
    _, servers, _ = cluster
    bases = [server.base_url for server in servers]

    async def send(count: int) -> list[int]:
        async with httpx.AsyncClient(timeout=15) as client:
            responses = await asyncio.gather(
                *(client.get(f"{bases[n % len(bases)]}/api/limited/") for n in range(count))
            )
        return [response.status_code for response in responses]

    statuses = asyncio.run(send(80))
    assert statuses.count(200) == 25, statuses
    assert statuses.count(429) == 55, statuses


def test_blacklisted_token_refused_everywhere(cluster):
    _, servers, _ = cluster
    first, second = (server.base_url for server in servers)
    with httpx.Client(timeout=15) as client:
        pair = client.post(
            f"{first}/api/auth/token/",
            json={"username": "faults", "password": "faults-pass-123"},
        ).json()
        bearer = {"Authorization": f"Bearer {pair['access']}"}
        for base in (first, second):
            assert client.get(f"{base}/api/me/", headers=bearer).status_code == 200

        refresh = {"refresh": pair["refresh"]}
        logout = client.post(f"{first}/api/auth/token/blacklist/", json=refresh)
        assert logout.status_code == 204, logout.text

        # The first server has two workers: several requests reach both.
        for base in (first, first, first, second):
            refused = client.post(f"{base}/api/auth/token/refresh/", json=refresh)
            assert refused.status_code == 401, refused.text
            assert refused.json()["error"]["code"] == "token_blacklisted"


def test_write_through_one_process_reaches_every_other(cluster):
    _, servers, _ = cluster
    first, second = (server.base_url for server in servers)
    with httpx.Client(timeout=15) as client:
        for base in (first, first, second):
            assert client.get(f"{base}/api/brands/2/").json()["name"] == "brand-1"
        renamed = client.patch(f"{second}/api/brands/2/", json={"name": "renamed-by-second"})
        assert renamed.status_code == 200

        # The RQ worker runs the invalidation after the commit, so the other
        # processes see the new name once the job ran.
        deadline = time.monotonic() + 30
        seen: list[str] = []
        while time.monotonic() < deadline:
            seen = [
                client.get(f"{base}/api/brands/2/").json()["name"]
                for base in (first, first, second)
            ]
            if seen == ["renamed-by-second"] * 3:
                break
            time.sleep(0.2)
        assert seen == ["renamed-by-second"] * 3
