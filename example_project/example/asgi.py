"""ASGI entry point of the example project: ``uvicorn example.asgi:application``."""

from __future__ import annotations

import os

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")

# Swagger UI, Redoc, the admin and the browsable API need their CSS and
# scripts, and uvicorn serves no static files. This is a demo, so Django
# serves them straight from the apps even with DEBUG off. A real deployment
# runs collectstatic and lets a web server or WhiteNoise serve them.
application = ASGIStaticFilesHandler(get_asgi_application())
