"""``AsyncGenericAPIView`` and the concrete async generic views."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import generics as drf_generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.views.mixins import (
    AsyncCreateModelMixin,
    AsyncDestroyModelMixin,
    AsyncListModelMixin,
    AsyncRetrieveModelMixin,
    AsyncUpdateModelMixin,
)
from restflow.views.views import AsyncAPIView

__all__ = [
    "AsyncCreateAPIView",
    "AsyncDestroyAPIView",
    "AsyncGenericAPIView",
    "AsyncListAPIView",
    "AsyncListCreateAPIView",
    "AsyncRetrieveAPIView",
    "AsyncRetrieveDestroyAPIView",
    "AsyncRetrieveUpdateAPIView",
    "AsyncRetrieveUpdateDestroyAPIView",
    "AsyncUpdateAPIView",
]

_OVERRIDES: dict[tuple[type, str], bool] = {}


def _is_stock(cls: type, name: str) -> bool:
    """Return True when ``cls.name`` is a getter that restflow or DRF ships.

    Stock getters only build lazy querysets, so they run on the event loop.
    A user override may touch the database, so it runs in a worker thread.
    """
    key = (cls, name)
    known = _OVERRIDES.get(key)
    if known is None:
        function = getattr(cls, name, None)
        known = getattr(function, "restflow_stock", False) or function is getattr(
            drf_generics.GenericAPIView, name, None
        )
        _OVERRIDES[key] = known
    return known


def _filter_with(backends: list[Any], request: Request, queryset: Any, view: Any) -> Any:
    for backend in backends:
        queryset = backend.filter_queryset(request, queryset, view)
    return queryset


class AsyncGenericAPIView(AsyncAPIView, drf_generics.GenericAPIView):
    """DRF's ``GenericAPIView`` with async queryset, filtering, lookup and paging.

    When the view overrides the sync ``get_queryset``, ``filter_queryset`` or
    ``get_object`` (DRF style), the async twins call it in a worker thread.
    Override the async twins instead to stay on the event loop.
    """

    async def aget_queryset(self) -> Any:
        """Return the base queryset for the view."""
        if _is_stock(type(self), "get_queryset"):
            return self.get_queryset()
        return await sync_to_async(self.get_queryset)()

    async def afilter_queryset(self, queryset: Any) -> Any:
        """Apply each filter backend, awaiting ``afilter_queryset`` where a backend has it.

        Neighbouring sync-only backends share one worker-thread hop.
        """
        if not _is_stock(type(self), "filter_queryset"):
            return await sync_to_async(self.filter_queryset)(queryset)
        pending: list[Any] = []
        for backend_class in list(self.filter_backends):
            backend = backend_class()
            hook = getattr(backend, "afilter_queryset", None)
            if hook is None:
                pending.append(backend)
                continue
            if pending:
                queryset = await sync_to_async(_filter_with)(pending, self.request, queryset, self)
                pending = []
            queryset = await hook(self.request, queryset, self)
        if pending:
            queryset = await sync_to_async(_filter_with)(pending, self.request, queryset, self)
        return queryset

    async def aget_object(self) -> Any:
        """Return the object named by the URL, after the object permission checks.

        A missing object and a malformed lookup value (``/products/abc/`` for
        an integer pk) both raise ``NotFound``, a 404 envelope.
        """
        if not _is_stock(type(self), "get_object"):
            return await sync_to_async(self.get_object)()

        queryset = await self.afilter_queryset(await self.aget_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        assert lookup_url_kwarg in self.kwargs, (
            f"Expected view {type(self).__name__} to be called with a URL keyword argument "
            f"named {lookup_url_kwarg!r}. Fix your URL conf, or set the `.lookup_field` "
            "attribute on the view correctly."
        )
        value = self.kwargs[lookup_url_kwarg]
        try:
            obj = await queryset.aget(**{self.lookup_field: value})
        except (TypeError, ValueError, DjangoValidationError, ObjectDoesNotExist):
            raise NotFound(self._not_found_message(queryset, value))

        await self.acheck_object_permissions(self.request, obj)
        return obj

    def _not_found_message(self, queryset: Any, value: Any) -> str:
        model = getattr(queryset, "model", None)
        name = model._meta.verbose_name if model is not None else "object"
        return f"No {name} found with {self.lookup_field} {str(value)!r}."


class AsyncCreateAPIView(AsyncCreateModelMixin, AsyncGenericAPIView):
    """POST creates an object."""

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.create(request, *args, **kwargs)


class AsyncListAPIView(AsyncListModelMixin, AsyncGenericAPIView):
    """GET lists objects."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.list(request, *args, **kwargs)


class AsyncRetrieveAPIView(AsyncRetrieveModelMixin, AsyncGenericAPIView):
    """GET returns one object."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.retrieve(request, *args, **kwargs)


class AsyncDestroyAPIView(AsyncDestroyModelMixin, AsyncGenericAPIView):
    """DELETE removes one object."""

    async def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.destroy(request, *args, **kwargs)


class AsyncUpdateAPIView(AsyncUpdateModelMixin, AsyncGenericAPIView):
    """PUT replaces and PATCH partially updates one object."""

    async def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.partial_update(request, *args, **kwargs)


class AsyncListCreateAPIView(AsyncListModelMixin, AsyncCreateModelMixin, AsyncGenericAPIView):
    """GET lists and POST creates."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.list(request, *args, **kwargs)

    async def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.create(request, *args, **kwargs)


class AsyncRetrieveUpdateAPIView(
    AsyncRetrieveModelMixin, AsyncUpdateModelMixin, AsyncGenericAPIView
):
    """GET, PUT and PATCH on one object."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.retrieve(request, *args, **kwargs)

    async def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.partial_update(request, *args, **kwargs)


class AsyncRetrieveDestroyAPIView(
    AsyncRetrieveModelMixin, AsyncDestroyModelMixin, AsyncGenericAPIView
):
    """GET and DELETE on one object."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.retrieve(request, *args, **kwargs)

    async def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.destroy(request, *args, **kwargs)


class AsyncRetrieveUpdateDestroyAPIView(
    AsyncRetrieveModelMixin, AsyncUpdateModelMixin, AsyncDestroyModelMixin, AsyncGenericAPIView
):
    """GET, PUT, PATCH and DELETE on one object."""

    async def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.retrieve(request, *args, **kwargs)

    async def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.partial_update(request, *args, **kwargs)

    async def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return await self.destroy(request, *args, **kwargs)
