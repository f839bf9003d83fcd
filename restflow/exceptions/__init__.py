"""The error envelope: ``exception_handler``, ``APIException``, ``ErrorCode`` and ``format_error``.

Wire it with ``REST_FRAMEWORK = {"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"}``.
"""

from __future__ import annotations

from restflow.exceptions.base import APIException
from restflow.exceptions.codes import ErrorCode
from restflow.exceptions.envelopes import (
    BaseEnvelope,
    ProblemEnvelope,
    RestflowEnvelope,
    format_error,
)
from restflow.exceptions.handler import exception_handler
from restflow.exceptions.mapping import ErrorInfo, describe_exception

__all__ = [
    "APIException",
    "BaseEnvelope",
    "ErrorCode",
    "ErrorInfo",
    "ProblemEnvelope",
    "RestflowEnvelope",
    "describe_exception",
    "exception_handler",
    "format_error",
]
