"""ASGI entry point of the adoption project, for serving ``settings_on`` with uvicorn."""

from django.core.asgi import get_asgi_application

application = get_asgi_application()
