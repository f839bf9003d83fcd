"""ASGI applications: ``application`` (no middleware) and ``rules_application``."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.stacks.settings")

import django

django.setup(set_prefix=False)

from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

application = ASGIHandler()

# Middleware is loaded when the handler is built, so this handler keeps the
# route-rule middleware while the other one runs with none.
with override_settings(MIDDLEWARE=["restflow.middleware.RestflowMiddleware"]):
    rules_application = ASGIHandler()
