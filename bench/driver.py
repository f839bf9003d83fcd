"""Drive one stack's ASGI application in-process; the phases run under callgrind.

``python bench/driver.py PLAN.json`` reads a plan (the stack, and phases of
the form ``{"app", "path", "query", "headers", "count"}``), sends every
phase's request a few times as warm-up and checks the status, then runs each
phase between two calls of ``os.getppid()``. Under ``valgrind --tool=callgrind
--dump-before=getppid`` each phase's instructions land in their own dump file.
No socket is opened: requests go straight into Django's ``ASGIHandler``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 3


def _scope(path: str, query: str, headers: dict[str, str]) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")]
        + [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def request(
    app, path: str, query: str = "", headers: dict | None = None
) -> tuple[int, bytes]:
    """Send one GET through ``app`` and return (status, body)."""
    sent = False
    never = asyncio.Event()
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        # Django listens for a disconnect while the view runs; none comes.
        await never.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(_scope(path, query, headers or {}), receive, send)
    return status, b"".join(chunks)


def _ids(body: bytes) -> list:
    """Return the ids in a response body, so the harness can check that stacks agree."""
    data = json.loads(body)
    if isinstance(data, dict) and isinstance(data.get("results", data.get("items")), list):
        return [row.get("id") for row in data.get("results", data.get("items"))]
    return [data.get("id")] if isinstance(data, dict) else []


async def run(plan: dict) -> list[dict]:
    from bench.stacks import asgi

    apps = {"plain": asgi.application, "rules": asgi.rules_application}
    phases = plan["phases"]
    checks = []
    for phase in phases:
        app = apps[phase["app"]]
        for _ in range(WARMUP):
            status, body = await request(app, phase["path"], phase["query"], phase["headers"])
        if status != 200:
            raise SystemExit(f"{phase['path']}?{phase['query']} returned {status}: {body[:300]!r}")
        checks.append({"path": phase["path"], "bytes": len(body), "ids": _ids(body)})
    # A garbage collection lands in whichever phase crosses the allocation
    # threshold, which moves a phase's count by several percent. Collect once
    # here and keep the collector off while the phases run.
    gc.collect()
    gc.disable()
    os.getppid()  # dump: start-up and warm-up
    for phase in phases:
        app = apps[phase["app"]]
        for _ in range(phase["count"]):
            await request(app, phase["path"], phase["query"], phase["headers"])
        os.getppid()  # dump: this phase
    return checks


def main() -> int:
    plan = json.loads(Path(sys.argv[1]).read_text())
    os.environ["BENCH_STACK"] = plan["stack"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.stacks.settings")
    for entry in (str(ROOT), str(ROOT / "example_project")):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    checks = asyncio.run(run(plan))
    Path(sys.argv[2]).write_text(json.dumps(checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
