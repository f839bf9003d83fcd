"""One calling interface over the ASGI client (async views natively) and the WSGI client."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from rest_framework.test import APIClient

from restflow.test import AsyncAPIClient


class Caller:
    """Send requests through ``AsyncAPIClient`` (``kind="asgi"``) or DRF's ``APIClient``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.client: Any = AsyncAPIClient() if kind == "asgi" else APIClient()

    def login(self, user: Any) -> None:
        self.client.force_login(user)

    def call(self, method: str, path: str, data: Any = None) -> Any:
        send = getattr(self.client, method.lower())
        if self.kind == "asgi":
            if method.upper() == "GET":
                return async_to_sync(send)(path, data)
            return async_to_sync(send)(path, data, format="json" if data is not None else None)
        if method.upper() == "GET":
            return send(path, data)
        return send(path, data, format="json" if data is not None else None)
