"""Mode marks and response helpers shared by the end-to-end adoption pairs.

``tests/adoption/test_end_to_end.py`` runs the ``pairs_*.py`` modules in a
new process per mode and sets ``RESTFLOW_ADOPTION_MODE`` to ``on`` or
``off`` there. A test marked ``on`` passes with restflow's settings and is
a strict xfail without them, and the other way round for ``off``.
"""

from __future__ import annotations

import os

import pytest

MODE = os.environ.get("RESTFLOW_ADOPTION_MODE")


def in_mode(mode: str):
    """Mark a test that belongs to ``mode``: it passes there and must fail in the other mode."""

    def decorate(test):
        if MODE is None:
            reason = "runs through tests/adoption/test_end_to_end.py, which sets the mode"
            return pytest.mark.skip(reason=reason)(test)
        if mode != MODE:
            reason = f"asserts the {mode!r} behaviour, and this process runs {MODE!r}"
            return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)(test)
        return test

    return decorate


on = in_mode("on")
off = in_mode("off")


def envelope(response) -> dict:
    """Return the ``error`` object of a restflow envelope; fail on any other body."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    # RestflowMiddleware adds the request id, so a log line can be found from a response.
    assert set(error) == {"code", "message", "details", "request_id"}, body
    assert error["request_id"] == response["X-Request-ID"]
    return error


def drf_detail(response) -> str:
    """Return DRF's own ``{"detail": ...}`` error message; fail on any other body."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert list(body) == ["detail"], body
    return body["detail"]


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()]
