"""ASGI application for the live streaming tests."""

from django.core.asgi import get_asgi_application

application = get_asgi_application()
