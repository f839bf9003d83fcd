"""drf-spectacular postprocessing hook that adds FilterSet parameters to every operation.

Use it when a project keeps drf-spectacular's own ``AutoSchema``:
``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`` gets
``"restflow.spectacular.add_filterset_parameters"`` next to the default hooks.
"""

from __future__ import annotations

import logging
from typing import Any

from drf_spectacular.settings import spectacular_settings

from restflow.spectacular.parameters import build_view_filter_parameters, merge_parameters

__all__ = ["add_filterset_parameters"]

logger = logging.getLogger(__name__)


def _operation_for(paths: dict[str, Any], path: str, method: str) -> dict[str, Any] | None:
    method = method.lower()
    insert = spectacular_settings.SCHEMA_PATH_PREFIX_INSERT or ""
    for key in (path, insert + path):
        if key in paths and method in paths[key]:
            return paths[key][method]  # type: ignore[no-any-return]
    if spectacular_settings.SCHEMA_PATH_PREFIX_TRIM:
        # The generator trimmed a prefix this hook cannot see, so match on the
        # rest of the path, and only when one key fits.
        matches = []
        for key in paths:
            rest = key.removeprefix(insert)
            if method in paths[key] and rest and path.endswith(rest):
                matches.append(key)
        if len(matches) == 1:
            return paths[matches[0]][method]  # type: ignore[no-any-return]
    return None


def add_filterset_parameters(
    result: dict[str, Any],
    generator: Any,
    request: Any = None,
    public: Any = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Add the query parameters of each GET operation's restflow FilterSet to ``result``.

    Parameters already present (same name and location) are kept as they
    are. A view whose FilterSet cannot be described is logged and skipped.
    """
    paths = result.get("paths") or {}
    endpoints = getattr(generator, "endpoints", None) or []
    for path, _path_regex, method, callback in endpoints:
        if method.upper() != "GET":
            continue
        try:
            view = generator.create_view(callback, method, request)
            extra = build_view_filter_parameters(view)
        except Exception:
            logger.warning("Describing the filters of GET %s failed", path, exc_info=True)
            continue
        if not extra:
            continue
        operation = _operation_for(paths, path, method)
        if operation is None:
            continue
        operation["parameters"] = merge_parameters(operation.get("parameters", []), extra)
    return result
