"""A minimal async ``APIView`` for the token views, which need no authentication or permissions."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from rest_framework.views import APIView

__all__ = ["AsyncTokenAPIView"]


class AsyncTokenAPIView(APIView):
    """Run DRF's request cycle with an async handler.

    Content negotiation, versioning and throttles (DRF's sync ``initial``)
    run in one thread hop; the handler runs on the event loop; errors go
    through DRF's exception handler, so they get the configured envelope.
    """

    authentication_classes: Any = ()
    permission_classes: Any = ()

    async def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.args = args
        self.kwargs = kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            await sync_to_async(self.initial, thread_sensitive=True)(request, *args, **kwargs)
            method = request.method.lower()
            handler = getattr(self, method, None) if method in self.http_method_names else None
            if handler is None:
                self.http_method_not_allowed(request, *args, **kwargs)
            response = await handler(request, *args, **kwargs)  # type: ignore[misc]
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    async def options(self, request: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().options(request, *args, **kwargs)
