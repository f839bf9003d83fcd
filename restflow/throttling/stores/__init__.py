"""Throttle stores, where request counts live.

``RESTFLOW_SETTINGS["THROTTLING"]["STORE"]`` selects one by name or dotted path.
"""

from __future__ import annotations

from restflow.throttling.stores.base import (
    BaseThrottleStore,
    StoreUnavailableError,
    ThrottleUsage,
    storage_key,
)

__all__ = ["BaseThrottleStore", "StoreUnavailableError", "ThrottleUsage", "storage_key"]
