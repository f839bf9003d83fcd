"""ASGI application for the live view tests (settings: ``tests.viewsapp.live_settings``)."""

from django.core.asgi import get_asgi_application

application = get_asgi_application()
