"""Cost of one partition wipe as the partition grows: generation bump against SCAN/UNLINK.

Runs on its own (``python bench/bench_partition_wipe.py``). It starts a
private redis-server on a free 127.0.0.1 port, fills one partition with
10, 1,000 and 100,000 entries, and times one wipe with each adapter:

- ``django`` adapter: replaces the partition's generation number (one
  cache write), on the local-memory cache and on the Redis cache;
- ``redis`` adapter: the same, then SCAN and UNLINK of every stored key of
  the partition, in batches of 500.

Writes a Markdown section to ``RESTFLOW_BENCH_RESULT`` (default
``bench/results/partition_wipe.md``).
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10, 1_000, 100_000)
# Wipes timed per size; the SCAN-based wipe refills the partition before each.
REPEATS = 5
FILL_BATCH = 5_000


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_redis(workdir: str) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed (Debian package redis-server).")
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.terminate()
    sys.exit("redis-server did not start")


def _configure(port: int) -> None:
    import django
    from django.conf import settings

    sys.path[:0] = [str(ROOT), str(ROOT / "example_project")]
    settings.configure(
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
        CACHES={
            "locmem": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "OPTIONS": {"MAX_ENTRIES": 1_000_000},
            },
            "redis": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
            },
        },
        RESTFLOW_SETTINGS={},
        USE_TZ=True,
    )
    django.setup()


def _fill(backend, scope, size: int) -> None:
    """Store ``size`` entries in ``scope``'s partition under its current generation."""
    from dataclasses import replace

    token = backend.generation_token(scope)
    cache = backend.cache
    for start in range(0, size, FILL_BATCH):
        batch = {
            replace(scope, suffix=f"item=i{number}").render(token): {
                "value": number,
                "metadata": {},
            }
            for number in range(start, min(start + FILL_BATCH, size))
        }
        cache.set_many(batch, timeout=600)


def _time_wipe(backend, scope) -> float:
    started = time.perf_counter()
    backend.wipe(scope)
    return time.perf_counter() - started


def _stored_keys(port: int) -> int:
    import redis

    return int(redis.Redis(host="127.0.0.1", port=port).dbsize())


def run(port: int) -> list[tuple[str, int, float, int]]:
    from restflow.caching.backends.django import DjangoCacheBackend
    from restflow.caching.backends.redis import RedisCacheBackend
    from restflow.caching.key_constructor import CacheKey

    rows = []
    adapters = [
        ("django adapter, local memory", DjangoCacheBackend("locmem")),
        ("django adapter, Redis", DjangoCacheBackend("redis")),
        ("redis adapter (SCAN/UNLINK)", RedisCacheBackend("redis")),
    ]
    for label, backend in adapters:
        for size in SIZES:
            backend.cache.clear()
            scope = CacheKey(
                namespace="bench",
                identifier="bench.partition_wipe",
                partition=f"p=i{size}",
                version=1,
            )
            timings = []
            for _ in range(REPEATS):
                _fill(backend, scope, size)
                # Let the server finish with the fill (replies, rehashing) before timing.
                time.sleep(0.2)
                timings.append(_time_wipe(backend, scope))
            left = _stored_keys(port) if backend.alias == "redis" else -1
            rows.append((label, size, statistics.median(timings), left))
            print(
                f"{label:32} {size:>7} keys: median {statistics.median(timings) * 1000:9.3f} ms",
                flush=True,
            )
    return rows


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import redis

    server = subprocess.run(
        ["redis-server", "--version"], capture_output=True, text=True
    ).stdout.split()
    version = next((part.split("=", 1)[1] for part in server if part.startswith("v=")), "unknown")
    return (
        f"{platform.machine()} {cpu}, {os.cpu_count()} cores shared with other work; "
        f"Python {platform.python_version()}, Django {django.get_version()}, redis-py "
        f"{redis.__version__}, redis-server {version} (private instance on 127.0.0.1)"
    )


def _report(rows: list[tuple[str, int, float, int]]) -> str:
    lines = [
        "## Caching: partition wipe cost",
        "",
        "Wall time of one `delete_by_prefix` (partition wipe) against the number of entries stored "
        f"in that partition, median of {REPEATS} wipes per cell; the partition is refilled before "
        "each wipe, followed by a 0.2 s pause so the fill does not overlap the timing. "
        "The `django` adapter replaces one generation number, so its cost does not "
        "depend on the partition size; the `redis` adapter does the same and then deletes the "
        "stored keys with SCAN and UNLINK in batches of 500, which grows with the size.",
        "",
        "| adapter and cache | 10 keys | 1,000 keys | 100,000 keys |",
        "| --- | --- | --- | --- |",
    ]
    labels = dict.fromkeys(label for label, *_ in rows)
    for label in labels:
        cells = [f"{seconds * 1000:.3f} ms" for name, _, seconds, _ in rows if name == label]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Machine: {_machine()}. Run with `.venv/bin/python bench/bench_partition_wipe.py`.",
        "",
        "Wall-clock times on a shared two-core machine vary from run to run; compare the shape "
        "of each row (flat against growing), not single numbers. Entries left behind by a "
        "`django` adapter wipe stay stored until their TTL or eviction removes them, which this "
        "table does not count; the SCAN-based wipe pays that memory back at wipe time. The "
        "redis numbers include one network round trip per batch to a local server.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="restflow-bench-redis-")
    process, port = _start_redis(workdir)
    try:
        _configure(port)
        rows = run(port)
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)
    target = Path(
        os.environ.get("RESTFLOW_BENCH_RESULT", ROOT / "bench" / "results" / "partition_wipe.md")
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_report(rows), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
