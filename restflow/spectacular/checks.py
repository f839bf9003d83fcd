"""System checks ``restflow.E100`` and ``restflow.W101`` for the OpenAPI setup.

Both read the raw settings, so they run without drf-spectacular installed.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

__all__ = ["check_schema_class", "check_sidecar"]

TAG = "restflow"

SCHEMA_CLASS_PATHS = (
    "restflow.spectacular.RestflowAutoSchema",
    "restflow.spectacular.schema.RestflowAutoSchema",
)
SIDECAR_KEYS = ("SWAGGER_UI_DIST", "SWAGGER_UI_FAVICON_HREF", "REDOC_DIST")

E100_HINT = 'Install it with: pip install "drf-restflow[spectacular]".'
W101_HINT = 'Add "drf_spectacular_sidecar" to INSTALLED_APPS, or remove the "SIDECAR" values.'


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        # ValueError: the module was imported and left without a spec.
        return False


@register(TAG)
def check_schema_class(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report ``RestflowAutoSchema`` in ``DEFAULT_SCHEMA_CLASS`` without drf-spectacular.

    Without drf-spectacular the name is None, so schema generation would
    fail at the first request for the schema instead of at deploy time.
    """
    rest_framework = getattr(settings, "REST_FRAMEWORK", None) or {}
    value = rest_framework.get("DEFAULT_SCHEMA_CLASS")
    if value not in SCHEMA_CLASS_PATHS or _installed("drf_spectacular"):
        return []
    return [
        Error(
            f"REST_FRAMEWORK['DEFAULT_SCHEMA_CLASS'] is {value!r}, but drf-spectacular "
            "is not installed, so no schema can be generated.",
            hint=E100_HINT,
            id="restflow.E100",
        )
    ]


@register(TAG)
def check_sidecar(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when ``SPECTACULAR_SETTINGS`` selects sidecar assets that are not installed.

    Swagger UI and Redoc then render a page whose scripts return 404.
    """
    spectacular = getattr(settings, "SPECTACULAR_SETTINGS", None) or {}
    keys = [key for key in SIDECAR_KEYS if spectacular.get(key) == "SIDECAR"]
    if not keys or apps.is_installed("drf_spectacular_sidecar"):
        return []
    named = ", ".join(f"SPECTACULAR_SETTINGS[{key!r}]" for key in keys)
    return [
        Warning(
            f"{named} is 'SIDECAR', but 'drf_spectacular_sidecar' is not in INSTALLED_APPS, "
            "so Swagger UI and Redoc load no assets.",
            hint=W101_HINT,
            id="restflow.W101",
        )
    ]
