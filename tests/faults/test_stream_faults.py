"""A client that disconnects in the middle of a stream: the producer stops and cleans up."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.faults.harness import Stack

pytestmark = [pytest.mark.faults, pytest.mark.postgres, pytest.mark.live]


def wait_for_text(path, prefix: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    text = ""
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if text.startswith(prefix):
            break
        time.sleep(0.05)
    return text


@pytest.mark.parametrize("streams", [1, 8])
def test_disconnect_stops_the_producer(stack: Stack, streams):
    with stack.server() as server:
        names = [f"stream-{streams}-{number}" for number in range(streams)]
        with httpx.Client(base_url=server.base_url, timeout=15) as client:
            for name in names:
                with client.stream("GET", f"/api/stream/?name={name}") as response:
                    assert response.status_code == 200
                    lines = response.iter_lines()
                    first = [json.loads(next(lines)) for _ in range(5)]
                    assert [item["index"] for item in first] == [0, 1, 2, 3, 4]
                # Leaving the block closes the connection mid-stream.
        for name in names:
            text = wait_for_text(stack.markers / name, "closed after")
            assert text.startswith("closed after"), (name, text)
        # The server keeps serving, and the producers stopped: their markers
        # do not change any more.
        snapshot = [(stack.markers / name).read_text() for name in names]
        time.sleep(0.5)
        assert [(stack.markers / name).read_text() for name in names] == snapshot
        with httpx.Client(base_url=server.base_url, timeout=15) as client:
            assert client.get("/health/").status_code == 200
