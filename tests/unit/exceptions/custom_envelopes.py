"""Envelope classes for the registry and check tests, importable by dotted path."""

from __future__ import annotations

from typing import Any

from restflow.exceptions.envelopes import BaseEnvelope
from restflow.exceptions.mapping import ErrorInfo


class LoudEnvelope(BaseEnvelope):
    """An envelope with an upper-case shape, to tell it apart from the built-ins."""

    def build(self, error: ErrorInfo, request: Any = None) -> dict[str, Any]:
        return {"ERROR": error.code.upper()}


class NotAnEnvelope:
    """A class that does not subclass BaseEnvelope."""
