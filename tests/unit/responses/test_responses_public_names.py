"""The public names of restflow.throttling and restflow.responses: specified and present.

Ruff (RUF022) keeps each ``__all__`` sorted.
"""

from __future__ import annotations

import importlib

import pytest

SPEC_NAMES = {
    "restflow.throttling": {
        "BaseThrottle",
        "SimpleRateThrottle",
        "AnonRateThrottle",
        "UserRateThrottle",
        "ScopedRateThrottle",
        "throttler_allow_request",
    },
    "restflow.responses": {
        "Response",
        "StreamingJSONListResponse",
        "NDJSONResponse",
        "SSEResponse",
    },
    "restflow.responses.streaming": {"format_sse", "reject_control_chars"},
}

MODULES = [
    *SPEC_NAMES,
    "restflow.throttling.rates",
    "restflow.throttling.failures",
    "restflow.throttling.checks",
    "restflow.throttling.throttles",
    "restflow.throttling.stores",
    "restflow.throttling.stores.base",
    "restflow.throttling.stores.cache",
    "restflow.throttling.stores.redis",
    "restflow.responses.bridge",
    "restflow.responses.events",
    "restflow.responses.gzip",
    "restflow.responses.renderers",
    "restflow.responses.response",
]


@pytest.mark.parametrize("module_name", sorted(SPEC_NAMES))
def test_specified_names_exported(module_name):
    module = importlib.import_module(module_name)
    assert SPEC_NAMES[module_name] <= set(module.__all__)


@pytest.mark.parametrize("module_name", MODULES)
def test_all_names_exist(module_name):
    module = importlib.import_module(module_name)
    for name in module.__all__:
        assert hasattr(module, name), name
