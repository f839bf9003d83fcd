"""OpenAPI for restflow through drf-spectacular: ``RestflowAutoSchema`` and filter parameters.

``RestflowAutoSchema``, ``add_filterset_parameters`` and ``streaming_schema``
are None when drf-spectacular is not installed
(``pip install "drf-restflow[spectacular]"``); the filter parameter helpers
work without it. The drf-spectacular names are imported on first access, so
importing this package (as the system checks do) does not load drf-spectacular.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from restflow.spectacular.parameters import build_filterset_parameters, resolve_filterset_class

if TYPE_CHECKING:
    from restflow.spectacular.hooks import add_filterset_parameters
    from restflow.spectacular.schema import RestflowAutoSchema
    from restflow.spectacular.streaming import streaming_schema

__all__ = [
    "RestflowAutoSchema",
    "add_filterset_parameters",
    "build_filterset_parameters",
    "resolve_filterset_class",
    "streaming_schema",
]

_LAZY = {
    "RestflowAutoSchema": "restflow.spectacular.schema",
    "add_filterset_parameters": "restflow.spectacular.hooks",
    "streaming_schema": "restflow.spectacular.streaming",
}


def __getattr__(name: str) -> Any:
    module_path = _LAZY.get(name)
    if module_path is None:
        raise AttributeError(f"module 'restflow.spectacular' has no attribute {name!r}")
    try:
        importlib.import_module("drf_spectacular")
    except ImportError:
        value = None
    else:
        value = getattr(importlib.import_module(module_path), name)
    globals()[name] = value
    return value
