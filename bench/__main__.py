"""Run the benchmark scripts ``bench/bench_*.py`` and rebuild ``bench/RESULTS.md``.

Usage: ``python -m bench [NAME ...] [--list] [--collect-only]``, from the
repository root (``make bench`` runs it with PostgreSQL and Redis when they
respond). Each script writes its own section to ``bench/results/<name>.md``;
this runner adds a header with the machine's facts and joins the sections.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
RESULTS_FILE = BENCH_DIR / "RESULTS.md"
SCRIPT_PREFIX = "bench_"


def discover() -> dict[str, Path]:
    """Return the benchmark scripts by name (``bench_cache.py`` is ``cache``), sorted."""
    return {
        path.stem.removeprefix(SCRIPT_PREFIX): path
        for path in sorted(BENCH_DIR.glob(f"{SCRIPT_PREFIX}*.py"))
    }


def _first_line_with(path: str, prefix: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def memory_total() -> str:
    value = _first_line_with("/proc/meminfo", "MemTotal")
    if value is None:
        return "unknown"
    kibibytes = int(value.split()[0])
    return f"{kibibytes / 1024 / 1024:.1f} GiB"


def cpu_model() -> str:
    return _first_line_with("/proc/cpuinfo", "model name") or platform.processor() or "unknown"


def django_version() -> str:
    try:
        import django
    except ImportError:
        return "not installed"
    return django.get_version()


def postgres_version() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return "not used (DATABASE_URL is not a postgres:// URL)"
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as connection:
            row = connection.execute("SHOW server_version").fetchone()
    except Exception as error:  # the header reports the failure instead of stopping the run
        return f"unreachable at {url} ({type(error).__name__})"
    return str(row[0]) if row else "unknown"


def redis_version() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "not used (REDIS_URL is not set)"
    try:
        import redis

        info = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).info("server")
    except Exception as error:  # the header reports the failure instead of stopping the run
        return f"unreachable at {url} ({type(error).__name__})"
    return str(info.get("redis_version", "unknown"))


def machine_facts(command: str) -> list[tuple[str, str]]:
    """Return the (label, value) rows of the RESULTS.md header."""
    return [
        ("Date (UTC)", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")),
        ("Command", f"`{command}`"),
        ("CPU", cpu_model()),
        ("Cores", str(os.cpu_count() or "unknown")),
        ("Memory", memory_total()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Django", django_version()),
        ("PostgreSQL", postgres_version()),
        ("Redis", redis_version()),
    ]


def run_script(name: str, script: Path) -> tuple[bool, str]:
    """Run one script with its result path in ``RESTFLOW_BENCH_RESULT``; return (ok, note)."""
    result_path = RESULTS_DIR / f"{name}.md"
    environment = {
        **os.environ,
        "RESTFLOW_BENCH_RESULT": str(result_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
    }
    print(f"bench: running {script.relative_to(ROOT)}", flush=True)
    started = time.monotonic()
    completed = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=environment)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        return False, f"exited with status {completed.returncode} after {elapsed:.0f} s"
    if not result_path.is_file():
        return False, f"finished after {elapsed:.0f} s but wrote no {result_path.relative_to(ROOT)}"
    return True, f"finished in {elapsed:.0f} s"


def build_results(facts: list[tuple[str, str]], ran: dict[str, str]) -> str:
    """Return RESULTS.md: the header, then every section in ``bench/results/``."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m bench` (`make bench`) from the sections in `bench/results/`.",
        "Numbers hold for this machine and this run only; compare them within one file.",
        "",
        "| Fact | Value |",
        "| --- | --- |",
        *(f"| {label} | {value} |" for label, value in facts),
        "",
    ]
    sections = sorted(RESULTS_DIR.glob("*.md")) if RESULTS_DIR.is_dir() else []
    if not sections:
        lines += ["No benchmark has written a result yet.", ""]
    for section in sections:
        name = section.stem
        written = dt.datetime.fromtimestamp(section.stat().st_mtime, dt.timezone.utc)
        status = ran.get(name, "not run this time; the section is from an earlier run")
        lines += [
            f"<!-- {name}: {status}; written {written:%Y-%m-%d %H:%M} UTC -->",
            section.read_text(encoding="utf-8").rstrip(),
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--collect-only",
        action="store_true",
        help="rebuild RESULTS.md from bench/results/ without running anything",
    )
    options = parser.parse_args(argv)

    scripts = discover()
    if options.list:
        for name, path in scripts.items():
            print(f"{name}\t{path.relative_to(ROOT)}")
        return 0
    unknown = sorted(set(options.names) - set(scripts))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(scripts)}")
    selected = {name: scripts[name] for name in (options.names or scripts)}

    RESULTS_DIR.mkdir(exist_ok=True)
    ran: dict[str, str] = {}
    failures = []
    if not options.collect_only:
        if not selected:
            print(f"bench: no {SCRIPT_PREFIX}*.py script in {BENCH_DIR.relative_to(ROOT)}/")
        for name, script in selected.items():
            ok, note = run_script(name, script)
            ran[name] = note
            print(f"bench: {name} {note}", flush=True)
            if not ok:
                failures.append(name)

    command = " ".join(["python -m bench", *argv])
    RESULTS_FILE.write_text(build_results(machine_facts(command), ran), encoding="utf-8")
    print(f"bench: wrote {RESULTS_FILE.relative_to(ROOT)}")
    if failures:
        print(f"bench: failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
