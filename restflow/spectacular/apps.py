"""The optional ``restflow.spectacular`` app, for projects on drf-spectacular's own ``AutoSchema``.

Listing it in ``INSTALLED_APPS`` registers restflow's drf-spectacular
extensions at start-up and, placed before ``drf_spectacular``, serves a Redoc
page that loads no web fonts from another host.
"""

from __future__ import annotations

import importlib.util

from django.apps import AppConfig

__all__ = ["SpectacularConfig"]


class SpectacularConfig(AppConfig):
    name = "restflow.spectacular"
    label = "restflow_spectacular"
    verbose_name = "Restflow OpenAPI"
    default = True

    def ready(self) -> None:
        # Without drf-spectacular there is nothing to register, and E100
        # reports a schema class that needs it.
        if importlib.util.find_spec("drf_spectacular") is not None:
            from restflow.spectacular import extensions  # noqa: F401 - registers them
