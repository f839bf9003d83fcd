"""Bounded load with a Redis restart in the middle, against one uvicorn process.

Reads go through ``@cache_response``, sync and async ``@cache_result``;
writes change prices and invalidate inline. The report is printed and
saved in the test's temporary folder.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest

from tests.faults.harness import Stack, process_rss, server_pids
from tests.faults.load import READ_PATHS, LoadReport, run_load

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.live]


def check_report(report: LoadReport, stack: Stack, base_urls: list[str]) -> None:
    """Assert the load guarantees on ``report`` and on the final state of every product."""
    assert report.requests >= 2000, report.to_text()
    assert report.server_errors_outside_fault == 0, report.to_text()
    assert report.stale_reads == [], report.to_text()
    assert report.writes > 100, report.to_text()
    for base in base_urls:
        with httpx.Client(base_url=base, timeout=10) as client:
            for pk, price in report.committed.items():
                for path in READ_PATHS:
                    response = client.get(path.format(pk=pk))
                    assert response.status_code == 200, response.text
                    assert Decimal(response.json()["price"]) == price, (base, path)
    _, half, end = (sample for _, sample in report.memory_kb)
    for pid, kilobytes in end.items():
        if half.get(pid):
            # Growth over the second half of the run stays small; a leak per
            # request would add megabytes over the 1500 requests.
            assert kilobytes - half[pid] < half[pid] // 4 + 16_384, report.to_text()


def test_load_with_redis_restart(stack: Stack, tmp_path):
    with stack.server() as server:

        async def stop_cache() -> None:
            await asyncio.to_thread(stack.cache.stop)

        async def start_cache() -> None:
            await asyncio.to_thread(stack.cache.start_again)

        def memory() -> dict[int, int]:
            return {pid: process_rss(pid) for pid in server_pids(server.process)}

        report = asyncio.run(
            run_load(
                "one-process",
                [server.base_url],
                products=stack.products,
                total=3000,
                clients=32,
                fault=stop_cache,
                recover=start_cache,
                memory=memory,
            )
        )
        path = report.save(tmp_path)
        print(report.to_text())
        print(f"saved to {path}")
        check_report(report, stack, [server.base_url])
        assert report.fault_window is not None
        log = server.log()
        # The read-path outage is reported, and rate-limited: one warning per
        # ERROR_LOG_INTERVAL (60 s here) for the cache, not one per request.
        read_warnings = log.count("serving without the cache")
        assert read_warnings == 1, log[-3000:]
        assert "ERROR django.request" not in log, log[-3000:]
