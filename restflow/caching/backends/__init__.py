"""Cache backend adapters, selected by ``CACHE_SETTINGS.BACKEND``."""

from __future__ import annotations

import threading
from typing import Any

from restflow.registry import CACHE_BACKENDS
from restflow.settings import restflow_settings

__all__ = ["get_backend"]

_backends: dict[tuple[int, Any, str], Any] = {}
_lock = threading.Lock()


def get_backend(alias: str | None = None) -> Any:
    """Return the configured adapter for the Django cache ``alias``.

    ``None`` means ``CACHE_SETTINGS.CACHE_ALIAS``. One adapter is built per
    alias and settings generation.
    """
    if alias is None:
        alias = restflow_settings.CACHE_SETTINGS.CACHE_ALIAS
    spec = restflow_settings.CACHE_SETTINGS.BACKEND
    cache_key = (
        restflow_settings.generation,
        spec if isinstance(spec, (str, type)) else id(spec),
        alias,
    )
    backend = _backends.get(cache_key)
    if backend is None:
        with _lock:
            backend = _backends.get(cache_key)
            if backend is None:
                if not isinstance(spec, (str, type)) and hasattr(spec, "get"):
                    backend = spec
                else:
                    backend = CACHE_BACKENDS.resolve(spec)(alias=alias)
                if len(_backends) > 64:
                    _backends.clear()
                _backends[cache_key] = backend
    return backend
