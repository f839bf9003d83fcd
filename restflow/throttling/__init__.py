"""Async-capable throttles whose counts live in a pluggable store.

Use them in ``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]`` or on a view's
``throttle_classes``; pick the store with
``RESTFLOW_SETTINGS["THROTTLING"]["STORE"]`` (``"cache"`` or ``"redis"``).
"""

from __future__ import annotations

from restflow.throttling.throttles import (
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
    throttler_allow_request,
)

__all__ = [
    "AnonRateThrottle",
    "BaseThrottle",
    "ScopedRateThrottle",
    "SimpleRateThrottle",
    "UserRateThrottle",
    "throttler_allow_request",
]
