"""OpenAPI for restflow through drf-spectacular: ``RestflowAutoSchema`` and filter parameters.

``RestflowAutoSchema`` and ``add_filterset_parameters`` are None when
drf-spectacular is not installed (``pip install "drf-restflow[spectacular]"``);
the filter parameter helpers work without it.
"""

from __future__ import annotations

from typing import Any

from restflow.spectacular.parameters import build_filterset_parameters, resolve_filterset_class

RestflowAutoSchema: Any
add_filterset_parameters: Any
streaming_schema: Any

try:
    import drf_spectacular  # noqa: F401
except ImportError:
    RestflowAutoSchema = None
    add_filterset_parameters = None
    streaming_schema = None
else:
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
