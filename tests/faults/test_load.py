"""Bounded load with a Redis restart in the middle, against one uvicorn process.

Reads go through ``@cache_response``, sync and async ``@cache_result``;
writes change prices and invalidate inline. The report is printed and
saved in the test's temporary folder.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.harness import Stack, process_rss, server_pids
from tests.faults.load import check_report, login, run_load

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.live]


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
                access_token=login(server.base_url),
            )
        )
        path = report.save(tmp_path)
        print(report.to_text())
        print(f"saved to {path}")
        check_report(report, [server.base_url])
        assert report.fault_window is not None
        log = server.log()
        # The read-path outage is reported, and rate-limited: one warning per
        # ERROR_LOG_INTERVAL (60 s here) for the cache, not one per request.
        read_warnings = log.count("serving without the cache")
        assert read_warnings == 1, log[-3000:]
        assert "Internal Server Error" not in log, log[-3000:]
