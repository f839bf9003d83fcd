"""ASGI entry point of the example project: ``uvicorn example.asgi:application``."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")

application = get_asgi_application()

if settings.DEBUG:
    # The admin and the browsable API need their CSS and scripts; uvicorn
    # serves no static files, so serve them from the apps in debug mode.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    application = ASGIStaticFilesHandler(application)
