"""Benchmark the serializer fast read path against a plain DRF ModelSerializer.

Both serialize the same 1,000 unsaved ``catalog.Product`` instances with the
same 10 fields. The primary measure is CPU instructions counted by
``valgrind --tool=callgrind`` with both variants in one process; wall-clock
ops/sec from a run without valgrind is reported beside it. Run it
standalone: ``.venv/bin/python bench/bench_serializers.py``.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import glob
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1_000
FIELDS = [
    "id",
    "name",
    "slug",
    "description",
    "price",
    "stock",
    "in_stock",
    "rating",
    "created_at",
    "category",
]
# Serializations per variant inside callgrind: enough to dwarf per-call setup,
# few enough that the valgrind run stays well under a minute on two cores.
CALLGRIND_ITERATIONS = 3
# Marker call between phases: callgrind dumps its counters when getppid() is
# entered (--dump-before), so each phase's instructions land in their own file.
PHASE_MARKER = "getppid"


def setup_django() -> None:
    for path in (str(ROOT), str(ROOT / "example_project")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            USE_TZ=True,
            TIME_ZONE="UTC",
            SECRET_KEY="bench-only",
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
            INSTALLED_APPS=[
                "django.contrib.auth",
                "django.contrib.contenttypes",
                "rest_framework",
                "catalog",
            ],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        )
    django.setup()


def build_serializers():
    from catalog.models import Product
    from rest_framework import serializers

    from restflow.serializers import ModelSerializer

    class DRFProductSerializer(serializers.ModelSerializer):
        class Meta:
            model = Product
            fields = FIELDS

    class RestflowProductSerializer(ModelSerializer):
        class Meta:
            model = Product
            fields = FIELDS

    return DRFProductSerializer, RestflowProductSerializer


def build_ninja_output():
    """Return a callable that renders rows the way django-ninja renders a response.

    Ninja validates the returned objects against the response schema
    (``from_attributes``) and dumps the result; ``mode="json"`` gives the same
    JSON-ready primitives (decimal and datetime strings) as DRF's ``.data``.
    """
    from catalog.models import Product
    from ninja import ModelSchema
    from pydantic import TypeAdapter

    class NinjaProductOut(ModelSchema):
        class Meta:
            model = Product
            fields = FIELDS

    adapter = TypeAdapter(list[NinjaProductOut])

    def render(rows):
        return adapter.dump_python(adapter.validate_python(rows, from_attributes=True), mode="json")

    return render


def build_rows() -> list:
    from catalog.models import Product

    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return [
        Product(
            id=index + 1,
            name=f"Product {index}",
            slug=f"product-{index}",
            description="A plain description of the product." * 2,
            price=decimal.Decimal(index % 500) + decimal.Decimal("0.99"),
            stock=index % 40,
            in_stock=index % 3 != 0,
            rating=(index % 50) / 10,
            created_at=start + datetime.timedelta(minutes=index),
            category_id=index % 12 + 1,
        )
        for index in range(ROWS)
    ]


def _ninja_installed() -> bool:
    # find_spec, not import: importing ninja reads Django settings, which the
    # parent process never configures.
    return importlib.util.find_spec("ninja") is not None


def _ninja_or_none():
    """Return ninja's renderer, or None when django-ninja is not installed (the ``bench`` extra)."""
    if not _ninja_installed():
        return None
    return build_ninja_output()


def serialize(serializer_class, rows) -> list:
    return serializer_class(rows, many=True).data


def run_phases(iterations: int) -> None:
    """Run inside callgrind: warm up, then one marked phase per variant."""
    setup_django()
    drf_class, restflow_class = build_serializers()
    ninja_output = _ninja_or_none()
    rows = build_rows()
    assert serialize(drf_class, rows) == serialize(restflow_class, rows)
    if ninja_output is not None:
        ninja_output(rows)
    os.getppid()  # dump: setup and warm-up
    for _ in range(iterations):
        serialize(drf_class, rows)
    os.getppid()  # dump: DRF phase
    for _ in range(iterations):
        serialize(restflow_class, rows)
    os.getppid()  # dump: restflow phase
    if ninja_output is not None:
        for _ in range(iterations):
            ninja_output(rows)
        os.getppid()  # dump: ninja phase


def _instructions(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"no instruction total in callgrind output {path}")


def measure_instructions(iterations: int) -> tuple[int, ...] | None:
    """Return (DRF, restflow[, ninja]) instructions for ``iterations`` serializations, or None."""
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="restflow-bench-") as directory:
        out = os.path.join(directory, "callgrind.out")
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            f"--dump-before={PHASE_MARKER}",
            sys.executable,
            __file__,
            "--phases",
            str(iterations),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=900)
        dumps = sorted(glob.glob(out + ".*"), key=lambda p: int(p.rsplit(".", 1)[1]))
        # Each marker call writes a numbered dump of the phase before it: set-up,
        # DRF, restflow and, with django-ninja installed, ninja. The exit dump
        # has no number.
        phases = 3 if _ninja_installed() else 2
        if len(dumps) < phases + 1:
            raise RuntimeError(
                f"expected at least {phases + 1} numbered callgrind dumps, found {dumps}"
            )
        return tuple(_instructions(dump) for dump in dumps[-phases:])


def measure_wall_clock(repeats: int = 5, number: int = 10) -> tuple[float, ...]:
    """Return (DRF, restflow[, ninja]) ops/sec, best of ``repeats`` runs of ``number`` each."""
    setup_django()
    drf_class, restflow_class = build_serializers()
    rows = build_rows()
    variants = [
        lambda: serialize(drf_class, rows),
        lambda: serialize(restflow_class, rows),
    ]
    ninja_output = _ninja_or_none()
    if ninja_output is not None:
        variants.append(lambda: ninja_output(rows))
    results = []
    for variant in variants:
        variant()
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            for _ in range(number):
                variant()
            best = min(best, time.perf_counter() - started)
        results.append(number / best)
    return tuple(results)


def write_section(instructions: tuple[int, ...] | None, wall: tuple[float, ...]) -> str:
    import django
    import rest_framework

    with_ninja = len(wall) == 3
    ninja_header = " django-ninja | ratio (ninja / restflow) |" if with_ninja else ""
    lines = [
        "## Serializers: fast read path",
        "",
        f"`ModelSerializer(many=True).data` over {ROWS:,} unsaved `catalog.Product` instances "
        f"with {len(FIELDS)} fields ({', '.join(FIELDS)}): plain DRF `ModelSerializer` against "
        "`restflow.serializers.ModelSerializer` with the same `Meta`. The script first checks "
        "that both outputs are equal."
        + (
            " django-ninja's column renders the same rows the way ninja renders a response: "
            "validation against a `ModelSchema` of the same fields (`from_attributes`) and a "
            "dump to JSON-ready values with pydantic."
            if with_ninja
            else ""
        ),
        "",
        "| measure | DRF | restflow | ratio (DRF / restflow) |" + ninja_header,
        "| --- | --- | --- | --- |" + (" --- | --- |" if with_ninja else ""),
    ]
    if instructions is not None:
        per_call = [count // CALLGRIND_ITERATIONS for count in instructions]
        row = (
            f"| CPU instructions per serialization (callgrind, {CALLGRIND_ITERATIONS} each, "
            f"one process) | {per_call[0]:,} | {per_call[1]:,} | "
            f"{instructions[0] / instructions[1]:.2f}x |"
        )
        if with_ninja and len(instructions) == 3:
            row += f" {per_call[2]:,} | {instructions[2] / instructions[1]:.2f}x |"
        lines.append(row)
    else:
        lines.append(
            "| CPU instructions (callgrind) | not measured (`--no-callgrind`, or valgrind "
            "is not installed) | | |"
        )
    row = (
        f"| wall clock, serializations/sec (best of 5 x 10) | {wall[0]:.1f} | {wall[1]:.1f} "
        f"| {wall[1] / wall[0]:.2f}x |"
    )
    if with_ninja:
        row += f" {wall[2]:.1f} | {wall[1] / wall[2]:.2f}x |"
    lines += [
        row,
        "",
        f"Machine: {platform.machine()} {_cpu_model()}, {os.cpu_count()} cores shared with other "
        f"work; Python {platform.python_version()}, Django {django.get_version()}, "
        f"DRF {rest_framework.VERSION}. Run with `.venv/bin/python bench/bench_serializers.py`.",
        "",
        "Instruction counts come from one valgrind process that runs every variant; each phase "
        "is cut out with `--dump-before=getppid`, so Django start-up and warm-up are excluded. "
        "They are stable from run to run, unlike the wall-clock numbers, which depend on the "
        "load of a shared machine. Neither measures rendering to JSON, database reads or "
        "fields outside this model (method fields and nested serializers fall back to "
        "DRF's code per field and gain less).",
        "",
    ]
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phases", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-callgrind", action="store_true", help="skip the valgrind instruction count"
    )
    args = parser.parse_args()
    if args.phases is not None:
        run_phases(args.phases)
        return 0

    instructions = None if args.no_callgrind else measure_instructions(CALLGRIND_ITERATIONS)
    wall = measure_wall_clock()
    section = write_section(instructions, wall)
    target = Path(
        os.environ.get("RESTFLOW_BENCH_RESULT", ROOT / "bench" / "results" / "serializers.md")
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(section, encoding="utf-8")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
