"""ASGI application of the live route-caching test."""

from django.core.asgi import get_asgi_application

application = get_asgi_application()
