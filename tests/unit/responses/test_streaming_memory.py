"""A million-element stream keeps memory flat on every serving path.

tracemalloc records the peak of Python allocations while the whole stream
is consumed and thrown away. The 4 MiB bound is far below what a buffered
stream of a million items needs, which is tens of megabytes by estimate,
and leaves room for the interpreter's own allocations during the run.
"""

from __future__ import annotations

import asyncio
import tracemalloc

import pytest

from restflow.responses import NDJSONResponse, StreamingJSONListResponse

pytestmark = pytest.mark.slow

COUNT = 1_000_000
PEAK_LIMIT = 4 * 1024 * 1024


def sync_items(count: int = COUNT):
    yield from range(count)


async def async_items(count: int = COUNT):
    for n in range(count):
        yield n


def consume_sync(response) -> int:
    total = 0
    for part in response:
        total += len(part)
    return total


def consume_async(response) -> int:
    async def main():
        total = 0
        async for part in response:
            total += len(part)
        return total

    return asyncio.run(main())


def measure(consume, response) -> tuple[int, int]:
    tracemalloc.start()
    try:
        total = consume(response)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return total, peak


@pytest.mark.parametrize(
    ("name", "build", "consume"),
    [
        ("sync source, WSGI", lambda: NDJSONResponse(sync_items()), consume_sync),
        ("async source, ASGI", lambda: NDJSONResponse(async_items()), consume_async),
    ],
)
def test_million_items_flat_memory(name, build, consume):
    total, peak = measure(consume, build())
    # Every item was written: n and a newline, for each n below COUNT.
    assert total == sum(len(str(n)) + 1 for n in range(COUNT))
    assert peak < PEAK_LIMIT, f"{name}: peak {peak} bytes"


# The bridges cost more per item (a thread hand-off, a loop turn), so they
# run a tenth of the items. A buffering bridge would still need megabytes.
@pytest.mark.parametrize(
    ("name", "build", "consume"),
    [
        (
            "sync source, ASGI worker thread",
            lambda: StreamingJSONListResponse(sync_items(COUNT // 10)),
            consume_async,
        ),
        (
            "async source, WSGI private loop",
            lambda: NDJSONResponse(async_items(COUNT // 10)),
            consume_sync,
        ),
    ],
)
def test_bridged_streams_flat_memory(name, build, consume):
    total, peak = measure(consume, build())
    assert total > COUNT // 10
    assert peak < PEAK_LIMIT, f"{name}: peak {peak} bytes"
