"""Model mixins: sync ones built on the helpers and async ones with ``aperform_*`` hooks.

The async mixins honour DRF-style overrides: a view that overrides the sync
``perform_create``, ``perform_update`` or ``perform_destroy`` has it called
in a worker thread, so code written for DRF keeps working.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from rest_framework import mixins as drf_mixins
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

__all__ = [
    "AsyncCreateModelMixin",
    "AsyncDestroyModelMixin",
    "AsyncListModelMixin",
    "AsyncRetrieveModelMixin",
    "AsyncUpdateModelMixin",
    "CreateModelMixin",
    "DestroyModelMixin",
    "ListModelMixin",
    "RetrieveModelMixin",
    "UpdateModelMixin",
    "asave_serializer",
]


_OVERRIDES: dict[tuple[type, str], bool] = {}


def _overrides(cls: Any, name: str, default: Any) -> bool:
    """Return True when ``cls`` replaces ``default``; decided once per class."""
    key = (cls, name)
    known = _OVERRIDES.get(key)
    if known is None:
        known = _OVERRIDES[key] = getattr(cls, name, None) is not default
    return known


def _success_headers(data: Any) -> dict[str, str]:
    try:
        return {"Location": str(data[api_settings.URL_FIELD_NAME])}
    except (TypeError, KeyError):
        return {}


def _clear_prefetch_cache(instance: Any) -> None:
    # A prefetch made before the update would serve stale related rows.
    if getattr(instance, "_prefetched_objects_cache", None):
        instance._prefetched_objects_cache = {}


async def asave_serializer(serializer: Any, **kwargs: Any) -> Any:
    """Save ``serializer``: await ``asave`` when it has one, else ``save`` in a worker thread."""
    hook = getattr(serializer, "asave", None)
    if hook is not None:
        return await hook(**kwargs)
    return await sync_to_async(serializer.save)(**kwargs)


# --- sync -----------------------------------------------------------------


class CreateModelMixin(drf_mixins.CreateModelMixin):
    """Validate with the request serializer, save, and return 201 with the response serializer."""

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.validated_serializer()  # type: ignore[attr-defined]
        self.perform_create(serializer)  # type: ignore[misc]
        response: Response = self.serialized_response(  # type: ignore[attr-defined]
            serializer.instance, status=status.HTTP_201_CREATED
        )
        for name, value in self.get_success_headers(response.data).items():
            response[name] = value
        return response

    def get_success_headers(self, data: Any) -> dict[str, str]:
        return _success_headers(data)


class ListModelMixin(drf_mixins.ListModelMixin):
    """Filter, paginate and serialize the queryset."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        return self.paginated_response(queryset)  # type: ignore[attr-defined, no-any-return]


class RetrieveModelMixin(drf_mixins.RetrieveModelMixin):
    """Serialize one object."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        return self.serialized_response(instance)  # type: ignore[attr-defined, no-any-return]


class UpdateModelMixin(drf_mixins.UpdateModelMixin):
    """Validate a full or partial update, save, and return the response serializer's data."""

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]
        serializer = self.validated_serializer(  # type: ignore[attr-defined]
            instance=instance, partial=partial
        )
        self.perform_update(serializer)  # type: ignore[misc]
        _clear_prefetch_cache(instance)
        return self.serialized_response(serializer.instance)  # type: ignore[attr-defined, no-any-return]


class DestroyModelMixin(drf_mixins.DestroyModelMixin):
    """Delete one object and return 204."""


# --- async ----------------------------------------------------------------


class AsyncCreateModelMixin(drf_mixins.CreateModelMixin):
    """Async ``create``; override ``aperform_create`` (or the sync ``perform_create``)."""

    async def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        serializer = await self.avalidated_serializer()  # type: ignore[attr-defined]
        await self.aperform_create(serializer)
        if serializer.instance is None:
            # perform_create saved nothing: answer with the validated input, as DRF does.
            data = await sync_to_async(lambda: serializer.data)()
            return Response(data, status=status.HTTP_201_CREATED, headers=_success_headers(data))
        response: Response = await self.aserialized_response(  # type: ignore[attr-defined]
            serializer.instance, status=status.HTTP_201_CREATED
        )
        for name, value in self.get_success_headers(response.data).items():
            response[name] = value
        return response

    async def aperform_create(self, serializer: Any) -> None:
        """Save the new object; a sync ``perform_create`` override runs in a worker thread."""
        if _overrides(type(self), "perform_create", AsyncCreateModelMixin.perform_create):
            await sync_to_async(self.perform_create)(serializer)
        else:
            await asave_serializer(serializer)

    def perform_create(self, serializer: Any) -> None:
        serializer.save()

    def get_success_headers(self, data: Any) -> dict[str, str]:
        return _success_headers(data)


class AsyncListModelMixin(drf_mixins.ListModelMixin):
    """Async ``list``: filter, paginate, post-fetch and serialize."""

    async def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        queryset = await self.aget_queryset()  # type: ignore[attr-defined]
        queryset = await self.afilter_queryset(queryset)  # type: ignore[attr-defined]
        return await self.apaginated_response(queryset)  # type: ignore[attr-defined, no-any-return]


class AsyncRetrieveModelMixin(drf_mixins.RetrieveModelMixin):
    """Async ``retrieve``."""

    async def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        # One row gains nothing from the column path: building the
        # values_list() query costs more than one model instance.
        instance = await self.aget_object()  # type: ignore[attr-defined]
        return await self.aserialized_response(instance)  # type: ignore[attr-defined, no-any-return]


class AsyncUpdateModelMixin(drf_mixins.UpdateModelMixin):
    """Async ``update`` and ``partial_update``.

    Override ``aperform_update``, or the sync ``perform_update`` (run in a worker thread).
    """

    async def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        partial = kwargs.pop("partial", False)
        instance = await self.aget_object()  # type: ignore[attr-defined]
        serializer = await self.avalidated_serializer(  # type: ignore[attr-defined]
            instance=instance, partial=partial
        )
        await self.aperform_update(serializer)
        _clear_prefetch_cache(instance)
        return await self.aserialized_response(serializer.instance)  # type: ignore[attr-defined, no-any-return]

    async def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        kwargs["partial"] = True
        return await self.update(request, *args, **kwargs)

    async def aperform_update(self, serializer: Any) -> None:
        """Save the changes; a sync ``perform_update`` override runs in a worker thread."""
        if _overrides(type(self), "perform_update", AsyncUpdateModelMixin.perform_update):
            await sync_to_async(self.perform_update)(serializer)
        else:
            await asave_serializer(serializer)

    def perform_update(self, serializer: Any) -> None:
        serializer.save()


class AsyncDestroyModelMixin(drf_mixins.DestroyModelMixin):
    """Async ``destroy``; override ``aperform_destroy`` or ``perform_destroy``."""

    async def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        instance = await self.aget_object()  # type: ignore[attr-defined]
        await self.aperform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    async def aperform_destroy(self, instance: Any) -> None:
        """Delete ``instance``; a sync ``perform_destroy`` override runs in a worker thread."""
        if _overrides(type(self), "perform_destroy", AsyncDestroyModelMixin.perform_destroy):
            await sync_to_async(self.perform_destroy)(instance)
        elif hasattr(instance, "adelete"):
            await instance.adelete()
        else:
            await sync_to_async(instance.delete)()

    def perform_destroy(self, instance: Any) -> None:
        instance.delete()
