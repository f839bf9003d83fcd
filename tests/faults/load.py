"""A bounded load of reads and writes against harness servers, with a fault in the middle.

Each client owns some products and categories and writes them one after
another with increasing values, so for every item the value committed last
is known. A read that starts after a write's response arrived must show
that value or a newer one; anything older is counted as a stale read.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx

__all__ = ["READ_PATHS", "LoadReport", "check_report", "login", "run_load"]

READ_PATHS = ("/api/products/{pk}/", "/api/prices/{pk}/", "/api/async-prices/{pk}/")


@dataclass
class LoadReport:
    """What a load run saw: statuses, stale reads, the fault window and memory samples."""

    label: str
    requests: int = 0
    duration: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors_outside_fault: int = 0
    server_errors_inside_fault: int = 0
    transport_errors: int = 0
    stale_reads: list[str] = field(default_factory=list)
    writes: int = 0
    fault_window: tuple[float, float] | None = None
    memory_kb: list[tuple[str, dict[int, int]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    committed: dict[str, Decimal] = field(default_factory=dict)

    def to_text(self) -> str:
        lines = [
            f"load report: {self.label}",
            f"requests: {self.requests} in {self.duration:.1f} s",
            f"writes committed: {self.writes}",
            "statuses: " + ", ".join(f"{k}={v}" for k, v in sorted(self.statuses.items())),
            f"5xx outside the fault window: {self.server_errors_outside_fault}",
            f"5xx inside the fault window: {self.server_errors_inside_fault}",
            f"transport errors (no response): {self.transport_errors}",
            f"stale reads after a committed write: {len(self.stale_reads)}",
        ]
        if self.fault_window:
            start, end = self.fault_window
            lines.append(f"fault window: {start:.1f} s to {end:.1f} s after the start")
        for label, sample in self.memory_kb:
            lines.append(
                f"memory {label}: "
                + ", ".join(f"pid {pid}={kb} kB" for pid, kb in sorted(sample.items()))
            )
        lines += [f"stale: {entry}" for entry in self.stale_reads[:20]]
        lines += self.notes
        return "\n".join(lines)

    def save(self, folder: Path) -> Path:
        path = folder / f"load-report-{self.label}.txt"
        path.write_text(self.to_text() + "\n")
        return path


@dataclass
class _State:
    committed: dict[str, Decimal]
    started: float
    report: LoadReport
    fault_start: float | None = None
    fault_end: float | None = None
    remaining: int = 0


def _in_fault(state: _State, sent: float, received: float) -> bool:
    if state.fault_start is None:
        return False
    # Requests overlapping the fault, plus a grace second after recovery for
    # connections that were already broken when it ended.
    end = state.fault_end if state.fault_end is not None else float("inf")
    return sent <= end + 1.0 and received >= state.fault_start


async def _client(
    number: int,
    clients: int,
    base_urls: Sequence[str],
    products: int,
    state: _State,
    rng: random.Random,
    access_token: str | None,
) -> None:
    owned = [pk for pk in range(1, products + 1) if pk % clients == number]
    counter = 0
    async with httpx.AsyncClient(timeout=15) as client:
        while state.remaining > 0:
            state.remaining -= 1
            base = rng.choice(base_urls)
            roll = rng.random()
            sent = time.monotonic()
            try:
                if owned and roll < 0.12:
                    counter += 1
                    pk = rng.choice(owned)
                    price = Decimal(f"{number * 1000 + counter}.00")
                    response = await client.patch(
                        f"{base}/api/products/{pk}/", json={"price": str(price)}
                    )
                    if response.status_code == 200:
                        state.committed[str(pk)] = price
                        state.report.writes += 1
                elif roll < 0.17:
                    # The throttle store's path (FAIL_OPEN: 200 while it is down).
                    response = await client.get(f"{base}/api/guarded/")
                elif access_token and roll < 0.22:
                    # The blacklist store's path (fails closed: 503 while it is down).
                    response = await client.get(
                        f"{base}/api/me/", headers={"Authorization": f"Bearer {access_token}"}
                    )
                else:
                    pk = rng.randint(1, products)
                    before = state.committed.get(str(pk))
                    path = rng.choice(READ_PATHS).format(pk=pk)
                    response = await client.get(base + path)
                    if response.status_code == 200 and before is not None:
                        seen = Decimal(json.loads(response.content)["price"])
                        # Prices of one product come from one client and only grow.
                        if seen < before:
                            state.report.stale_reads.append(
                                f"{base}{path} returned {seen} after {before} was committed "
                                f"(sent {sent - state.started:.2f} s after the start)"
                            )
            except httpx.HTTPError:
                received = time.monotonic()
                state.report.requests += 1
                state.report.transport_errors += 1
                if not _in_fault(state, sent, received):
                    state.report.server_errors_outside_fault += 1
                continue
            received = time.monotonic()
            state.report.requests += 1
            state.report.statuses[response.status_code] += 1
            if response.status_code >= 500:
                if _in_fault(state, sent, received):
                    state.report.server_errors_inside_fault += 1
                else:
                    state.report.server_errors_outside_fault += 1


async def run_load(
    label: str,
    base_urls: Sequence[str],
    *,
    products: int,
    total: int = 3000,
    clients: int = 32,
    max_seconds: float = 60.0,
    fault: Callable[[], Awaitable[None]] | None = None,
    fault_after: int = 1000,
    recover: Callable[[], Awaitable[None]] | None = None,
    recover_after: float = 3.0,
    memory: Callable[[], dict[int, int]] | None = None,
    access_token: str | None = None,
) -> LoadReport:
    """Send ``total`` requests from ``clients`` concurrent clients; apply ``fault`` mid-run.

    ``fault`` runs once ``fault_after`` requests were sent, ``recover``
    ``recover_after`` seconds later. The run stops early after
    ``max_seconds``. With ``access_token`` some requests go to a
    JWT-protected view, whose blacklist check needs Redis.
    """
    report = LoadReport(label)
    state = _State(committed={}, started=time.monotonic(), report=report, remaining=total)
    if memory:
        report.memory_kb.append(("at the start", memory()))

    async def controller() -> None:
        half_sampled = False
        while state.remaining > 0:
            sent = total - state.remaining
            if memory and not half_sampled and sent >= total // 2:
                half_sampled = True
                report.memory_kb.append(("at half the requests", memory()))
            if fault and state.fault_start is None and sent >= fault_after:
                state.fault_start = time.monotonic()
                await fault()
                await asyncio.sleep(recover_after)
                if recover:
                    await recover()
                state.fault_end = time.monotonic()
            if time.monotonic() - state.started > max_seconds:
                report.notes.append(f"stopped after {max_seconds} s with {state.remaining} left")
                state.remaining = 0
            await asyncio.sleep(0.05)

    tasks = [
        _client(
            number,
            clients,
            base_urls,
            products,
            state,
            random.Random(f"{label}-{number}"),
            access_token,
        )
        for number in range(clients)
    ]
    await asyncio.gather(controller(), *tasks)
    report.duration = time.monotonic() - state.started
    if memory:
        report.memory_kb.append(("at the end", memory()))
    if state.fault_start is not None:
        end = state.fault_end or time.monotonic()
        report.fault_window = (state.fault_start - state.started, end - state.started)
    report.committed = dict(state.committed)
    return report


def check_report(report: LoadReport, base_urls: Sequence[str]) -> None:
    """Assert the load guarantees on ``report`` and on the final state of every product."""
    assert report.requests >= 2000, report.to_text()
    assert report.server_errors_outside_fault == 0, report.to_text()
    # Inside the fault window only the configured 503s, never a 500.
    assert set(report.statuses) <= {200, 503}, report.to_text()
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


def login(base_url: str) -> str:
    """Return an access token for the harness's user."""
    response = httpx.post(
        f"{base_url}/api/auth/token/",
        json={"username": "faults", "password": "faults-pass-123"},
        timeout=15,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access"])
