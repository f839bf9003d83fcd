"""Benchmark restflow against DRF, adrf, django-ninja and a hand-written floor (scenarios 1-4, 7).

Seeds PostgreSQL and SQLite with the example catalog (``bench/seed.py``).
Counts CPU instructions per request with callgrind while driving each
stack's ASGI application in-process (``bench/driver.py``). Then serves each
stack with uvicorn (1 worker, 127.0.0.1) and loads it with ``wrk`` for a
bounded time. Every figure is also given as a ratio to the floor of the same
run. Writes ``bench/results/peers.md`` and two PNG plots next to RESULTS.md.

Run: ``.venv/bin/python bench/bench_peers.py [--quick] [--skip-load] [--drop]``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _entry in (str(ROOT), str(ROOT / "example_project")):
    if _entry not in sys.path:
        sys.path.insert(0, _entry)

from bench import scenarios  # noqa: E402
from bench.scenarios import LABELS, STACKS, Case  # noqa: E402

BENCH_DIR = ROOT / "bench"
# Requests counted per case under callgrind; the driver sends 3 warm-up requests first.
CALLGRIND_REQUESTS = 10
LOAD_SECONDS = 3
LOAD_CONNECTIONS = 8
SLOW_CONNECTIONS = 64
SLOW_SECONDS = 5
PLOT_LIST = BENCH_DIR / "scenario1.png"
PLOT_DEEP = BENCH_DIR / "scenario4.png"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.stacks.settings")
    import django

    django.setup()


def make_tokens() -> dict[str, str]:
    """Return one bearer token per stack, each made the way that stack makes them."""
    import datetime as dt
    import uuid

    import jwt
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken as SimpleAccessToken

    from bench.seed import USERNAME
    from restflow.authentication import RefreshToken

    user = get_user_model()._default_manager.get(username=USERNAME)
    now = dt.datetime.now(dt.timezone.utc)
    plain = jwt.encode(
        {
            "user_id": user.pk,
            "iat": now,
            "exp": now + dt.timedelta(hours=2),
            "jti": uuid.uuid4().hex,
        },
        settings.SECRET_KEY,
        algorithm="HS256",
    )
    return {
        "floor": plain,
        "ninja": plain,
        "drf": str(SimpleAccessToken.for_user(user)),
        "restflow": str(RefreshToken.for_user(user).access_token),
    }


# --- instructions per request (callgrind) ---------------------------------------------


def _instructions(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"no instruction total in callgrind output {path}")


def callgrind_stack(stack: str, stack_cases: list[Case], requests: int) -> dict[str, float]:
    """Return instructions per request for each case of one stack, from one valgrind process."""
    with tempfile.TemporaryDirectory(prefix=f"restflow-bench-{stack}-") as directory:
        plan = {
            "stack": stack,
            "phases": [
                {
                    "app": case.app,
                    "path": case.path,
                    "query": case.query,
                    "headers": case.headers,
                    "count": requests,
                }
                for case in stack_cases
            ],
        }
        plan_path = Path(directory) / "plan.json"
        plan_path.write_text(json.dumps(plan))
        out = os.path.join(directory, "callgrind.out")
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            "--dump-before=getppid",
            sys.executable,
            str(BENCH_DIR / "driver.py"),
            str(plan_path),
            str(Path(directory) / "checks.json"),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0", "BENCH_STACK": stack}
        started = time.monotonic()
        completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
        if completed.returncode != 0:
            raise RuntimeError(
                f"callgrind run of {stack} failed ({completed.returncode}):\n"
                + completed.stderr[-3000:]
            )
        dumps = sorted(glob.glob(out + ".*"), key=lambda name: int(name.rsplit(".", 1)[1]))
        # Dump 1 is start-up and warm-up; dump k + 1 is phase k.
        if len(dumps) < len(stack_cases) + 1:
            raise RuntimeError(
                f"{stack}: expected {len(stack_cases) + 1} dumps, found {len(dumps)}"
            )
        phase_dumps = dumps[1 : len(stack_cases) + 1]
        print(f"peers: callgrind {stack} done in {time.monotonic() - started:.0f} s", flush=True)
        checks = json.loads((Path(directory) / "checks.json").read_text())
        for case, check in zip(stack_cases, checks, strict=True):
            RESPONSE_IDS[case.key] = check["ids"]
        return {
            case.key: _instructions(dump) / requests
            for case, dump in zip(stack_cases, phase_dumps, strict=True)
        }


# Ids in each case's warm-up response, by case key, to check that the stacks agree.
RESPONSE_IDS: dict[str, list] = {}


def disagreements() -> list[str]:
    """Return the cases whose response ids differ from the floor's in the same scenario."""
    problems = []
    for key, ids in sorted(RESPONSE_IDS.items()):
        scenario, variant, _stack = key.split("|")
        floor = RESPONSE_IDS.get(f"{scenario}|{variant}|floor")
        if scenario in ("1", "2", "4") and floor is not None and ids != floor:
            problems.append(f"{key}: ids {ids[:5]}... differ from the floor's {floor[:5]}...")
    return problems


def measure_instructions(all_cases: list[Case], requests: int) -> dict[str, float]:
    by_stack: dict[str, list[Case]] = {}
    for case in all_cases:
        by_stack.setdefault(scenarios.server_stack(case), []).append(case)
    results: dict[str, float] = {}
    # adrf spends about 45 times the floor's instructions per list request, so
    # a few requests already give its count to well under 1%, and 10 would
    # add minutes to the run.
    counts = {stack: min(requests, 3) if stack == "adrf" else requests for stack in by_stack}
    # Two valgrind processes at a time: counts do not depend on the machine's load.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(callgrind_stack, stack, stack_cases, counts[stack])
            for stack, stack_cases in by_stack.items()
        ]
        for future in futures:
            results.update(future.result())
    return results


# --- throughput and latency under load (uvicorn + wrk) -----------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One uvicorn process (1 worker) serving one stack on a free 127.0.0.1 port."""

    def __init__(self, stack: str, app: str) -> None:
        self.stack = stack
        self.port = _free_port()
        env = {
            **os.environ,
            "BENCH_STACK": stack,
            "DJANGO_SETTINGS_MODULE": "bench.stacks.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"bench.stacks.asgi:{app}",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--no-access-log",
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"uvicorn for {stack} did not start on port {self.port}")

    def peak_rss_mib(self, field: str = "VmHWM") -> float:
        """Return the server's peak (``VmHWM``) or current (``VmRSS``) resident memory in MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(port: int, case: Case, connections: int, seconds: int) -> dict[str, float]:
    """Load ``case`` for ``seconds`` over ``connections`` connections.

    Return requests per second (``rps``), ``p50`` and ``p99`` in milliseconds,
    and ``errors``: non-2xx responses plus socket errors.
    """
    url = f"http://127.0.0.1:{port}{case.path}" + (f"?{case.query}" if case.query else "")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in case.headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    result = {"errors": 0.0}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            result["p" + parts[0].rstrip("%")] = _milliseconds(parts[1])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            result["errors"] += float(parts[-1])
        elif line.strip().startswith("Socket errors:"):
            result["errors"] += sum(int(n) for n in re.findall(r"\d+", line))
    return result


EXPORT_ROWS = (100_000, 1_000_000)


def measure_export(server: Server) -> list[dict[str, float]]:
    """Stream restflow's NDJSON export of 100,000 then 1,000,000 rows; record the server's memory.

    Returns one entry per export: rows received, seconds, and the server's
    peak RSS after it. A flat peak across the two sizes means the export
    streams instead of building the body in memory.
    """
    import urllib.request

    results = []
    for rows in EXPORT_ROWS:
        url = f"http://127.0.0.1:{server.port}/restflow/deep/export/?rows={rows}"
        started = time.monotonic()
        received = 0
        with urllib.request.urlopen(url, timeout=600) as response:
            while chunk := response.read(1 << 16):
                received += chunk.count(b"\n")
        results.append(
            {
                "rows": received,
                "seconds": time.monotonic() - started,
                "peak_rss_mib": server.peak_rss_mib(),
            }
        )
        print(f"peers: exported {received:,} rows", flush=True)
    return results


def measure_load(
    all_cases: list[Case], slow: list[Case], seconds: int
) -> tuple[dict, dict, list[dict[str, float]]]:
    """Return load results by case key, peak RSS (MiB) per stack after scenario 1, and exports."""
    load: dict[str, dict[str, float]] = {}
    rss: dict[str, float] = {}
    exports: list[dict[str, float]] = []
    groups: dict[tuple[str, str], list[Case]] = {}
    for case in [*all_cases, *slow]:
        groups.setdefault((scenarios.server_stack(case), case.app), []).append(case)
    for (stack, app), group in groups.items():
        server = Server(stack, "rules_application" if app == "rules" else "application")
        try:
            for case in group:
                if case.scenario == "7":
                    load[case.key] = wrk(server.port, case, SLOW_CONNECTIONS, SLOW_SECONDS)
                else:
                    load[case.key] = wrk(server.port, case, LOAD_CONNECTIONS, seconds)
                if case.scenario == "1" and case.variant == "sqlite" and app == "plain":
                    rss[stack] = server.peak_rss_mib()
            if stack == "restflow" and app == "plain":
                rss["restflow before export"] = server.peak_rss_mib("VmRSS")
                exports = measure_export(server)
            print(f"peers: load on {stack} ({app}) done", flush=True)
        finally:
            server.stop()
    return load, rss, exports


# --- database time of scenario 4 (EXPLAIN ANALYZE) ------------------------------------

EXPLAIN_REPEATS = 5


def measure_database_time(all_cases: list[Case]) -> dict[str, float]:
    """Return PostgreSQL's execution time in ms of each scenario 4 request's queries.

    Callgrind counts only the Python process, and the load figures mix both
    processes, so this isolates the server's share. Each query the request
    ran on the ``deep`` database runs again under ``EXPLAIN ANALYZE``, and
    the median of 5 totals is kept.
    """
    import statistics

    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    connection = connections["deep"]
    times: dict[str, float] = {}
    for case in all_cases:
        if case.scenario != "4":
            continue
        with CaptureQueriesContext(connection) as captured:
            response = client.get(case.path + (f"?{case.query}" if case.query else ""))
        if response.status_code != 200:
            raise RuntimeError(f"{case.key}: status {response.status_code}")
        totals = []
        for _ in range(EXPLAIN_REPEATS):
            total = 0.0
            with connection.cursor() as cursor:
                for query in captured.captured_queries:
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    total += plan[0]["Execution Time"]
            totals.append(total)
        times[case.key] = statistics.median(totals)
    return times


# --- report -------------------------------------------------------------------------------


def _ratio(value: float | None, floor: float | None) -> str:
    if value is None or floor is None or floor == 0:
        return "n/a"
    return f"{value / floor:.2f}x"


def _count(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _load_cells(load: dict, key: str, floor_key: str) -> list[str]:
    entry = load.get(key)
    floor = load.get(floor_key)
    if entry is None:
        return ["n/a"] * 5
    errors = f" ({entry['errors']:.0f} errors)" if entry.get("errors") else ""
    return [
        f"{entry.get('rps', 0):,.0f}{errors}",
        _ratio(entry.get("rps"), floor.get("rps") if floor else None),
        _ms(entry.get("p50")),
        _ms(entry.get("p99")),
        _ratio(entry.get("p50"), floor.get("p50") if floor else None),
    ]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


LOAD_HEADER = "req/s | req/s vs floor | p50 ms | p99 ms | p50 vs floor"


def table_list(instr: dict, load: dict, rss: dict) -> list[str]:
    lines = [
        "| stack | database | instructions/request | vs floor | " + LOAD_HEADER + " |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for db in ("pg", "sqlite"):
        floor_key = f"1|{db}|floor"
        for stack in STACKS:
            key = f"1|{db}|{stack}"
            lines.append(
                _row(
                    [
                        LABELS[stack],
                        "PostgreSQL" if db == "pg" else "SQLite",
                        _count(instr.get(key)),
                        _ratio(instr.get(key), instr.get(floor_key)),
                        *_load_cells(load, key, floor_key),
                    ]
                )
            )
    if rss:
        lines += [
            "",
            "Peak RSS of each uvicorn server after scenario 1 (both databases), "
            "from `VmHWM` in `/proc/<pid>/status`:",
            "",
            "| stack | peak RSS MiB | vs floor |",
            "| --- | ---: | ---: |",
        ]
        for stack in STACKS:
            if stack in rss:
                lines.append(
                    _row([LABELS[stack], f"{rss[stack]:.1f}", _ratio(rss[stack], rss.get("floor"))])
                )
    return lines


def table_export(rss: dict, exports: list) -> list[str]:
    if not exports:
        return []
    lines = [
        "NDJSON export with restflow's `NDJSONResponse` over "
        "`.values().aiterator(chunk_size=2000)` from the 1,000,000-row table, read to the end "
        "over HTTP. The restflow server's resident memory before the first export: "
        f"{rss.get('restflow before export', float('nan')):.1f} MiB.",
        "",
        "| rows exported | seconds | server peak RSS after, MiB |",
        "| ---: | ---: | ---: |",
    ]
    for entry in exports:
        lines.append(
            _row([f"{entry['rows']:,}", f"{entry['seconds']:.1f}", f"{entry['peak_rss_mib']:.1f}"])
        )
    return [*lines, ""]


def table_simple(scenario: str, rows: list[tuple[str, str]], floor_key: str, instr, load):
    lines = [
        "| variant | instructions/request | vs floor | " + LOAD_HEADER + " |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, key in rows:
        lines.append(
            _row(
                [
                    label,
                    _count(instr.get(key)),
                    _ratio(instr.get(key), instr.get(floor_key)),
                    *_load_cells(load, key, floor_key),
                ]
            )
        )
    return lines


DEEP_LABELS = {
    "floor": "floor (keyset, `.values_list()`)",
    "restflow-cursor": "restflow `CursorPagination`",
    "restflow-fast": "restflow `FastPageNumberPagination`",
    "drf": "DRF `PageNumberPagination`",
}


def table_deep(instr: dict, load: dict, database: dict) -> list[str]:
    lines = [
        "| paginator | page | instructions/request | vs floor | PostgreSQL ms | "
        + LOAD_HEADER
        + " |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for stack, label in DEEP_LABELS.items():
        for position in scenarios.DEEP_POSITIONS:
            variant = f"page {position:,}"
            key, floor_key = f"4|{variant}|{stack}", f"4|{variant}|floor"
            lines.append(
                _row(
                    [
                        label,
                        f"{position:,}",
                        _count(instr.get(key)),
                        _ratio(instr.get(key), instr.get(floor_key)),
                        "n/a" if key not in database else f"{database[key]:.3f}",
                        *_load_cells(load, key, floor_key),
                    ]
                )
            )
    return lines


def table_slow(load: dict) -> list[str]:
    lines = [
        "| stack | " + LOAD_HEADER + " |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for stack in STACKS:
        key = f"7|pg, 64 clients|{stack}"
        lines.append(_row([LABELS[stack], *_load_cells(load, key, "7|pg, 64 clients|floor")]))
    return lines


def targets(instr: dict, load: dict, database: dict) -> list[tuple[str, str, str, bool | None]]:
    """Return (target, threshold, measured, met) rows; met is None when not measured."""

    def get(table: dict, key: str, field: str | None = None) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        return value.get(field) if field else value

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None or b == 0 else a / b

    rows: list[tuple[str, str, str, bool | None]] = []

    def add(name: str, threshold: str, value: float | None, met: bool | None) -> None:
        rows.append((name, threshold, "n/a" if value is None else f"{value:.2f}x", met))

    for db, label in (("pg", "PostgreSQL"), ("sqlite", "SQLite")):
        floor = get(instr, f"1|{db}|floor")
        restflow = ratio(get(instr, f"1|{db}|restflow"), floor)
        drf = ratio(get(instr, f"1|{db}|drf"), floor)
        ninja = ratio(get(instr, f"1|{db}|ninja"), floor)
        add(
            f"1 list ({label}): restflow vs floor",
            "<= 1.30x",
            restflow,
            None if restflow is None else restflow <= 1.3,
        )
        cheaper = ratio(drf, restflow)
        add(
            f"1 list ({label}): DRF vs restflow",
            ">= 1.60x",
            cheaper,
            None if cheaper is None else cheaper >= 1.6,
        )
        versus_ninja = ratio(ninja, restflow)
        add(
            f"1 list ({label}): ninja vs restflow",
            "> 1.00x",
            versus_ninja,
            None if versus_ninja is None else versus_ninja > 1.0,
        )
    detail = ratio(get(instr, "2|pg|restflow"), get(instr, "2|pg|floor"))
    add(
        "2 detail with JWT: restflow vs floor",
        "<= 1.05x",
        detail,
        None if detail is None else detail <= 1.05,
    )
    stateless = ratio(get(instr, "2|pg|restflow-stateless"), get(instr, "2|pg|floor"))
    add(
        "2 detail with JWT, stateless user: restflow vs floor",
        "<= 1.05x",
        stateless,
        None if stateless is None else stateless <= 1.05,
    )
    for variant in ("@cache_response", "route rule (middleware)"):
        value = ratio(get(instr, f"3|{variant}|restflow"), get(instr, "3|constant bytes|floor"))
        add(
            f"3 cache hit, {variant}: vs constant bytes",
            "<= 1.30x",
            value,
            None if value is None else value <= 1.3,
        )
    first, last = "page 1", f"page {scenarios.DEEP_POSITIONS[-1]:,}"
    flat = ratio(get(instr, f"4|{last}|restflow-cursor"), get(instr, f"4|{first}|restflow-cursor"))
    add(
        "4 cursor: instructions at page 10,000 vs page 1",
        "<= 1.10x",
        flat,
        None if flat is None else flat <= 1.1,
    )
    flat_database = ratio(
        get(database, f"4|{last}|restflow-cursor"), get(database, f"4|{first}|restflow-cursor")
    )
    add(
        "4 cursor: PostgreSQL time at page 10,000 vs page 1",
        "<= 2x",
        flat_database,
        None if flat_database is None else flat_database <= 2,
    )
    speedup = ratio(
        get(load, f"4|{last}|restflow-cursor", "rps"), get(load, f"4|{last}|drf", "rps")
    )
    add(
        "4 cursor vs DRF throughput at page 10,000",
        ">= 10x",
        speedup,
        None if speedup is None else speedup >= 10,
    )
    return rows


def plot(instr: dict, database: dict) -> list[str]:
    """Draw the scenario 1 and 4 plots; return the names of the files written."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("peers: matplotlib is not installed; no plots", flush=True)
        return []
    written = []

    figure, axis = plt.subplots(figsize=(8, 4.2))
    width = 0.38
    for offset, (db, label) in enumerate((("pg", "PostgreSQL"), ("sqlite", "SQLite"))):
        floor = instr.get(f"1|{db}|floor") or 1
        values = [(instr.get(f"1|{db}|{stack}") or 0) / floor for stack in STACKS]
        positions = [index + (offset - 0.5) * width for index in range(len(STACKS))]
        bars = axis.bar(positions, values, width, label=label)
        axis.bar_label(bars, fmt="%.2f", fontsize=8)
    axis.axhline(1.3, color="grey", linestyle="--", linewidth=1, label="restflow target (1.3x)")
    axis.set_xticks(
        range(len(STACKS)), [LABELS[stack].split(" (")[0] for stack in STACKS], fontsize=8
    )
    axis.set_ylabel("instructions per request / floor")
    axis.set_yscale("log")
    axis.set_title("Scenario 1: filtered list, page of 50 (callgrind, lower is better)")
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(PLOT_LIST, dpi=110)
    plt.close(figure)
    written.append(PLOT_LIST.name)

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    positions = list(scenarios.DEEP_POSITIONS)
    for stack, label in DEEP_LABELS.items():
        keys = [f"4|page {position:,}|{stack}" for position in positions]
        left.plot(
            positions,
            [instr.get(key) or float("nan") for key in keys],
            marker="o",
            label=label.replace("`", ""),
        )
        right.plot(
            positions,
            [database.get(key, float("nan")) for key in keys],
            marker="o",
            label=label.replace("`", ""),
        )
    for axis, title, unit in (
        (left, "Python process: instructions per request", "instructions"),
        (right, "PostgreSQL execution time per request", "ms (EXPLAIN ANALYZE)"),
    ):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("page number (50 rows per page, 1,000,000 rows)")
        axis.set_ylabel(unit)
        axis.set_title(title, fontsize=10)
    left.legend(fontsize=7)
    figure.suptitle("Scenario 4: deep pages on PostgreSQL")
    figure.tight_layout()
    figure.savefig(PLOT_DEEP, dpi=110)
    plt.close(figure)
    written.append(PLOT_DEEP.name)
    return written


FINDINGS = BENCH_DIR / "peers_findings.md"

# restflow's instructions per request before the fixes that peers_findings.md
# describes: commit 3fbe878, counted on 2026-12-05 with
# `bench_peers.py --only 1,2,3:floor,restflow`, beside the floor of that run.
BEFORE_COMMIT = "3fbe878"
BEFORE = {
    "1|pg|restflow": (19_771_712, 9_231_169),
    "1|sqlite|restflow": (25_156_881, 14_143_201),
    "2|pg|restflow": (11_288_806, 5_163_101),
    "3|@cache_response|restflow": (7_644_262, 1_841_785),
    "3|route rule (middleware)|restflow": (5_960_794, 1_841_785),
}
BEFORE_LABELS = {
    "1|pg|restflow": "1 list, PostgreSQL",
    "1|sqlite|restflow": "1 list, SQLite",
    "2|pg|restflow": "2 detail with JWT (`JWTAuthentication`)",
    "3|@cache_response|restflow": "3 cache hit, `@cache_response`",
    "3|route rule (middleware)|restflow": "3 cache hit, route rule",
}
BEFORE_FLOORS = {
    "1|pg|restflow": "1|pg|floor",
    "1|sqlite|restflow": "1|sqlite|floor",
    "2|pg|restflow": "2|pg|floor",
    "3|@cache_response|restflow": "3|constant bytes|floor",
    "3|route rule (middleware)|restflow": "3|constant bytes|floor",
}


def table_before_after(instr: dict) -> list[str]:
    """Return restflow's counts at ``BEFORE_COMMIT`` beside this run's, each against its floor."""
    lines = [
        f"| case | before ({BEFORE_COMMIT}) | vs floor then | now | vs floor now |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, (count, floor) in BEFORE.items():
        now = instr.get(key)
        floor_now = instr.get(BEFORE_FLOORS[key])
        lines.append(
            _row(
                [
                    BEFORE_LABELS[key],
                    _count(count),
                    _ratio(count, floor),
                    _count(now),
                    _ratio(now, floor_now),
                ]
            )
        )
    return lines


def reading(instr: dict, load: dict) -> list[str]:
    """Return the generated summary lines; the profile notes come from ``peers_findings.md``."""

    def times(a: str, b: str, table: dict = instr) -> str:
        x, y = table.get(a), table.get(b)
        return "n/a" if not x or not y else f"{x / y:.2f}x"

    lines = [
        f"- Scenario 1 on PostgreSQL: restflow spends {times('1|pg|restflow', '1|pg|floor')} the "
        f"floor's instructions, DRF + django-filter {times('1|pg|drf', '1|pg|floor')}, "
        f"django-ninja {times('1|pg|ninja', '1|pg|floor')}, "
        f"adrf {times('1|pg|adrf', '1|pg|floor')}."
        f" DRF costs {times('1|pg|drf', '1|pg|restflow')} restflow's instructions.",
        f"- Scenario 2: restflow's JWT detail costs {times('2|pg|restflow', '2|pg|floor')} the "
        f"floor ({times('2|pg|restflow-stateless', '2|pg|floor')} with the stateless user), "
        f"DRF + simplejwt {times('2|pg|drf', '2|pg|floor')}, ninja "
        f"{times('2|pg|ninja', '2|pg|floor')}.",
        f"- Scenario 3: a cache hit through `@cache_response` costs "
        f"{times('3|@cache_response|restflow', '3|constant bytes|floor')} a view that returns "
        f"constant bytes, through the middleware route rule "
        f"{times('3|route rule (middleware)|restflow', '3|constant bytes|floor')}.",
    ]
    last = f"page {scenarios.DEEP_POSITIONS[-1]:,}"
    cursor = (load.get(f"4|{last}|restflow-cursor") or {}).get("rps")
    drf = (load.get(f"4|{last}|drf") or {}).get("rps")
    fast = (load.get(f"4|{last}|restflow-fast") or {}).get("rps")
    if cursor and drf and fast:
        lines.append(
            f"- Scenario 4 at page 10,000: cursor pagination serves {cursor / drf:.1f}x DRF's "
            f"requests per second and {cursor / fast:.1f}x `FastPageNumberPagination`'s. Dropping "
            f"`COUNT(*)` takes DRF from {drf:,.0f} to {fast:,.0f} req/s, but the OFFSET scan "
            "still costs PostgreSQL milliseconds per page that grow with depth (see *PostgreSQL "
            "ms*), and only a keyset avoids it. The instruction counts barely move with depth "
            "because PostgreSQL does that work in its own process."
        )
    slow = {stack: (load.get(f"7|pg, 64 clients|{stack}") or {}).get("rps") for stack in STACKS}
    if slow.get("restflow") and slow.get("drf"):
        lines.append(
            f"- Scenario 7 (64 clients, 5 ms of I/O per request): restflow serves "
            f"{slow['restflow']:,.0f} req/s against DRF's {slow['drf']:,.0f} and the floor's "
            f"{slow['floor']:,.0f}. DRF's sync view holds a worker thread through each 5 ms "
            "wait, while the async views wait on the event loop. With the CPU saturated, "
            "each stack's instructions per request decide most of the order."
        )
    return lines


def write_section(
    instr: dict,
    load: dict,
    rss: dict,
    database: dict,
    exports: list,
    plots: list[str],
    quick: bool,
) -> str:
    import django
    import ninja
    import rest_framework

    versions = {
        "DRF": rest_framework.VERSION,
        "django-ninja": ninja.__version__,
    }
    for package in (
        "django-filter",
        "djangorestframework-simplejwt",
        "adrf",
        "uvicorn",
        "pydantic",
    ):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # the table says so instead of failing the run
            versions[package] = "not installed"
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
    lines = [
        "## Peers: restflow against DRF, adrf, django-ninja and a hand-written floor",
        "",
        "Scenarios 1-4 and 7 on the example catalog (`catalog.Product`, 10 fields: "
        + ", ".join(f"`{name}`" for name in scenarios_fields())
        + "). Seeded data: 100,000 products in PostgreSQL (`restflow_bench`) and SQLite; "
        "1,000,000 in PostgreSQL (`restflow_bench_deep`) for scenario 4. "
        "Scenarios 5 and 6 are the sections *Caching: partition wipe cost* and "
        "*Serializers: fast read path*.",
        "",
        f"- **Instructions per request** (primary): `valgrind --tool=callgrind` around "
        f"{CALLGRIND_REQUESTS} requests per case (adrf: 3) after 3 warm-up requests, "
        "each stack in its own "
        "process driving its ASGI application in-process (no sockets), cut into phases with "
        "`--dump-before=getppid`, with Python's garbage collector off during the counted "
        "requests. This counts the Python process only (Django, the stack, the "
        "database driver, SQLite's engine), not PostgreSQL's server process. "
        "`perf stat -e instructions` is not supported on this virtual machine.",
        f"- **Load**: one uvicorn process per stack (1 worker, 127.0.0.1, no access log), "
        f"`wrk -t1 -c{LOAD_CONNECTIONS} -d{LOAD_SECONDS}s` per case "
        f"(scenario 7: `-c{SLOW_CONNECTIONS} -d{SLOW_SECONDS}s`); wrk shares the two cores with "
        "the server, and the machine is shared with other work, so requests per second swing "
        "between runs while the instruction counts do not.",
        "- **vs floor**: each figure divided by the floor's figure for the same scenario in this "
        "run. For req/s a ratio below 1 means slower than the floor; for instructions and "
        "latency a ratio above 1 means more expensive.",
        "- Versions: "
        + ", ".join(f"{name} {value}" for name, value in versions.items())
        + f", Django {django.get_version()}, {' '.join(wrk_version[:2]) or 'wrk'}.",
        "",
    ]
    if quick:
        lines += ["**Quick run** (`--quick`): fewer requests; not for comparison.", ""]
    problems = disagreements()
    if problems:
        lines += [
            "**The stacks did not return the same rows:**",
            "",
            *(f"- {p}" for p in problems),
            "",
        ]
    elif RESPONSE_IDS:
        lines += [
            "Before counting, the harness checked that every stack returned the same product ids "
            "as the floor in scenarios 1, 2 and 4.",
            "",
        ]
    lines += [
        "### Targets",
        "",
        "| target | threshold | measured | met |",
        "| --- | --- | ---: | --- |",
    ]
    for name, threshold, measured, met in targets(instr, load, database):
        verdict = "n/a" if met is None else ("yes" if met else "**no**")
        lines.append(_row([name, threshold, measured, verdict]))
    lines += [
        "| 5 partition wipe, `django` adapter flat | flat "
        "| see *Caching: partition wipe cost* | see there |",
        "| 6 serializer read path vs DRF | >= 2x | see *Serializers: fast read path* | see there |",
        "",
        "### Reading",
        "",
        *reading(instr, load),
        "",
    ]
    lines += [
        "### Before and after the fixes",
        "",
        f"restflow's instructions per request at commit `{BEFORE_COMMIT}`, before the changes "
        "described below, and in this run. Each ratio is to the floor of the same run.",
        "",
        *table_before_after(instr),
        "",
    ]
    if FINDINGS.is_file():
        lines += [FINDINGS.read_text(encoding="utf-8").rstrip(), ""]
    lines += [
        "### Scenario 1: filtered list",
        "",
        "`GET ?price__gte=100&price__lte=400&category=3&in_stock=true&ordering=-price&page=2`, "
        "50 per page (about 1,000 matching rows of 100,000). restflow: `AsyncListAPIView` + "
        "`FilterSet` + `RestflowFilterBackend` + `FastPageNumberPagination` + restflow "
        "`ModelSerializer`; DRF: `ListAPIView` + django-filter + `OrderingFilter` + "
        "`PageNumberPagination`; adrf: its async `ListAPIView` and `ModelSerializer` with the "
        "same filters and paginator; ninja: `ModelSchema`, `FilterSchema`, `@paginate` "
        "(page numbers); floor: an async view with `.values_list()`, `dict(zip())` and "
        "`json.dumps`, fetching 51 rows and no count.",
        "",
        *table_list(instr, load, rss),
        "",
        *table_export(rss, exports),
    ]
    if PLOT_LIST.name in plots:
        lines += [f"![Scenario 1]({PLOT_LIST.name})", ""]
    lines += [
        "### Scenario 2: detail by primary key with a JWT",
        "",
        "restflow: `AsyncRetrieveAPIView` + `JWTAuthentication` (signature, claims, blacklist "
        "lookup in the local-memory cache, user row) + `IsAuthenticated`; DRF: "
        "`RetrieveAPIView` + simplejwt's `JWTAuthentication` (signature, claims, user row); "
        "ninja: an `HttpBearer` calling `jwt.decode` (no user row); floor: `jwt.decode` and "
        "the product query. restflow's `JWTStatelessUserAuthentication` makes every check of "
        "`JWTAuthentication`, the blacklist lookup included, and builds the user from the "
        "token's claims instead of reading its row.",
        "",
        *table_simple(
            "2",
            [
                *(
                    (LABELS[stack], f"2|pg|{stack}")
                    for stack in ("floor", "drf", "ninja", "restflow")
                ),
                (
                    "restflow, `JWTStatelessUserAuthentication`",
                    "2|pg|restflow-stateless",
                ),
            ],
            "2|pg|floor",
            instr,
            load,
        ),
        "",
        "### Scenario 3: cached detail (cache hit)",
        "",
        "Local-memory cache; the warm-up request fills it. The floor is an async view that "
        "returns constant bytes through Django's request cycle with no middleware. The route "
        "rule runs on a handler whose only middleware is `RestflowMiddleware`.",
        "",
        *table_simple(
            "3",
            [
                ("floor: constant bytes", "3|constant bytes|floor"),
                ("restflow `@cache_response`", "3|@cache_response|restflow"),
                ("restflow route rule (`CACHE_RULES`)", "3|route rule (middleware)|restflow"),
            ],
            "3|constant bytes|floor",
            instr,
            load,
        ),
        "",
        "### Scenario 4: deep pages, 1,000,000 rows, PostgreSQL",
        "",
        "Ordered by `id`, 50 per page. The cursor for page N is built for the row before it, as "
        "a client following `next` links would hold it. The floor is a hand-written keyset "
        "query (`id > after`). *PostgreSQL ms* is the server's execution time for the "
        f"request's queries, from `EXPLAIN ANALYZE` (median of {EXPLAIN_REPEATS}); it includes "
        "DRF's `COUNT(*)`, which the instruction counts do not see.",
        "",
        *table_deep(instr, load, database),
        "",
    ]
    if PLOT_DEEP.name in plots:
        lines += [f"![Scenario 4]({PLOT_DEEP.name})", ""]
    lines += [
        "### Scenario 7: 64 concurrent clients, 5 ms of slow I/O",
        "",
        "Scenario 1 on PostgreSQL, with one call per request to a dependency that waits 5 ms "
        "(`asyncio.sleep` in async views, `time.sleep` in DRF's sync view, as each would be "
        "written). Load only: the wait costs no instructions.",
        "",
        *table_slow(load),
        "",
        "Run with `.venv/bin/python bench/bench_peers.py` (part of `make bench`).",
        "",
    ]
    return "\n".join(lines)


def scenarios_fields() -> list[str]:
    from bench.stacks.common import FIELDS

    return FIELDS


RAW_RESULTS = BENCH_DIR / "results" / "peers.json"


def _section_path() -> Path:
    return Path(os.environ.get("RESTFLOW_BENCH_RESULT", BENCH_DIR / "results" / "peers.md"))


def rewrite_from_json() -> int:
    """Write the section again from the stored figures, e.g. after editing peers_findings.md."""
    if not RAW_RESULTS.is_file():
        print(f"peers: {RAW_RESULTS} is missing; run the benchmark first", file=sys.stderr)
        return 2
    raw = json.loads(RAW_RESULTS.read_text())
    instr, database = raw["instructions"], raw["database_ms"]
    plots = plot(instr, database)
    section = write_section(instr, raw["load"], raw["rss"], database, raw["exports"], plots, False)
    _section_path().write_text(section, encoding="utf-8")
    print(f"peers: rewrote {_section_path()} from {RAW_RESULTS}", flush=True)
    return 0


def print_only(all_cases: list[Case], only: str, requests: int) -> int:
    """Count the cases that ``only`` selects and print them, for before/after comparisons."""
    scenario_names, _, stack_names = only.partition(":")
    chosen = [
        case
        for case in all_cases
        if case.scenario in scenario_names.split(",")
        and (not stack_names or case.stack.split("-")[0] in stack_names.split(","))
    ]
    if not chosen:
        print(f"peers: no case matches {only!r}", file=sys.stderr)
        return 2
    counts = measure_instructions(chosen, requests)
    # Scenario 3 has one floor (constant bytes) for variants of other names.
    floors = {key.split("|")[0]: value for key, value in counts.items() if key.endswith("|floor")}
    for case in chosen:
        floor = counts.get(f"{case.scenario}|{case.variant}|floor", floors.get(case.scenario))
        ratio = f"{counts[case.key] / floor:.2f}x" if floor else "-"
        print(f"{case.key:<50} {counts[case.key]:>14,.0f}  {ratio}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 requests per case, 1 s loads")
    parser.add_argument("--skip-load", action="store_true", help="only count instructions")
    parser.add_argument("--skip-callgrind", action="store_true", help="only run the load tests")
    parser.add_argument(
        "--drop", action="store_true", help="drop the two benchmark databases and exit"
    )
    parser.add_argument(
        "--only",
        metavar="SCENARIOS:STACKS",
        help=(
            "count instructions for some cases only and print them, e.g. '1,3:floor,restflow';"
            " writes no section"
        ),
    )
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="rewrite the section and plots from results/peers.json, measuring nothing",
    )
    options = parser.parse_args()
    setup_django()
    if options.rewrite:
        return rewrite_from_json()
    from bench import seed

    if options.drop:
        seed.drop_databases()
        return 0
    started = time.monotonic()
    seed.seed()
    tokens = make_tokens()
    all_cases = scenarios.cases(tokens)
    requests = 2 if options.quick else CALLGRIND_REQUESTS
    if options.only:
        return print_only(all_cases, options.only, requests)
    instr: dict[str, float] = {}
    if options.skip_callgrind:
        pass
    elif shutil.which("valgrind"):
        instr = measure_instructions(all_cases, requests)
    else:
        print("peers: valgrind is not installed (Debian package valgrind); no counts", flush=True)
    load: dict = {}
    rss: dict = {}
    exports: list = []
    if not options.skip_load and not shutil.which("wrk"):
        print("peers: wrk is not installed (Debian package wrk); no load figures", flush=True)
    elif not options.skip_load:
        load, rss, exports = measure_load(
            all_cases, scenarios.slow_cases(), 1 if options.quick else LOAD_SECONDS
        )
    database = measure_database_time(all_cases)
    plots = plot(instr, database)
    section = write_section(instr, load, rss, database, exports, plots, options.quick)
    target = _section_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(section, encoding="utf-8")
    RAW_RESULTS.write_text(
        json.dumps(
            {
                "instructions": instr,
                "load": load,
                "rss": rss,
                "database_ms": database,
                "exports": exports,
            },
            indent=1,
        )
    )
    print(f"peers: wrote {target} in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
