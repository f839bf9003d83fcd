"""Async twins of the view helpers: validate, serialize, paginate and post-fetch.

A serializer without an async surface is validated, and a page of it is
rendered, in one worker-thread hop for the whole call, never one per row.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import QuerySet
from rest_framework.response import Response

from restflow.serializers.fast import ClassPlan
from restflow.serializers.offload import run_on_loop_or_thread
from restflow.views.columns import (
    column_plan,
    columns_queryset,
    paginator_takes_rows,
    shared_plan,
)
from restflow.views.helpers import APIViewHelpersMixin
from restflow.views.postfetch import PostFetch, amaterialize, aperform_post_fetches

__all__ = ["AsyncHelpersMixin", "has_async_representation"]


@functools.lru_cache(maxsize=1024)
def has_async_representation(serializer_class: type) -> bool:
    """Return True when instances of ``serializer_class`` offer ``adata``."""
    return hasattr(serializer_class, "adata")


async def _adata(serializer: Any) -> Any:
    # ``adata`` may be an awaitable property or a coroutine method.
    value = serializer.adata
    if callable(value) and not inspect.isawaitable(value):
        value = value()
    if inspect.isawaitable(value):
        value = await value
    return value


class AsyncHelpersMixin(APIViewHelpersMixin):
    """Async helpers for :class:`~restflow.views.AsyncAPIView` and its subclasses.

    ``fetch_columns`` (default True) lets the list and retrieve helpers fetch
    ``.values_list()`` rows of the serializer's columns instead of model
    instances when the output cannot differ. Set it to False to always
    fetch instances.
    """

    fetch_columns: bool = True

    async def avalidated_serializer(
        self, *, data: Any = None, serializer_class: Any = None, **kwargs: Any
    ) -> Any:
        """Async twin of ``validated_serializer``: awaits ``ais_valid`` when present.

        A serializer without ``ais_valid`` is built and validated in one worker
        thread, because validators such as ``UniqueValidator`` query the
        database. Parsing ``request.data`` happens in that thread too, so a
        large multipart upload does not block the event loop.
        """
        cls = self.resolve_serializer_class(serializer_class, "request")
        if not hasattr(cls, "ais_valid"):
            return await sync_to_async(self.validated_serializer)(
                data=data, serializer_class=cls, **kwargs
            )
        if data is None:
            data = self.request.data  # type: ignore[attr-defined]
        serializer = self.get_serializer(
            data=data, serializer_class=cls, direction="request", **kwargs
        )
        await serializer.ais_valid(raise_exception=True)
        return serializer

    async def aserialize(
        self,
        instance: Any,
        *,
        many: bool = False,
        serializer_class: Any = None,
        post_fetches: Iterable[PostFetch] | None = None,
    ) -> Any:
        """Return the serialized data of ``instance`` after running the PostFetches.

        With an async serializer (one that has ``adata``) the objects are read,
        post-fetched and rendered on the event loop. Otherwise reading an
        unevaluated QuerySet, the PostFetches and ``.data`` all run together
        in a single worker-thread hop.
        """
        fetches = self._post_fetches(post_fetches)
        cls = self.resolve_serializer_class(serializer_class, "response")
        plan = shared_plan(self, cls, fetches, many=many)
        if plan is not None and (isinstance(instance, (list, tuple, QuerySet)) or not many):
            # The class plan renders exactly what the serializer would,
            # without building one per request.
            if many:
                items = await amaterialize(instance)
                return await run_on_loop_or_thread(lambda: plan.many(items), known_to_query=False)
            if instance is not None:
                return await run_on_loop_or_thread(lambda: plan.row(instance), known_to_query=False)
        if not has_async_representation(cls):
            return await sync_to_async(self.serialize)(
                instance, many=many, serializer_class=cls, post_fetches=fetches
            )

        if many:
            instance = await amaterialize(instance)
            if fetches:
                instance = await aperform_post_fetches(instance, fetches)
        elif fetches and instance is not None:
            await aperform_post_fetches([instance], fetches)
        serializer = self.get_serializer(
            instance, many=many, serializer_class=cls, direction="response"
        )
        if many and not hasattr(type(serializer), "adata"):
            # The list serializer lacks the async surface; its items have it.
            return [
                await _adata(self.get_serializer(item, serializer_class=cls, direction="response"))
                for item in instance
            ]
        return await _adata(serializer)

    async def aserialized_response(
        self,
        instance: Any,
        *,
        many: bool = False,
        status: int = 200,
        serializer_class: Any = None,
        post_fetches: Iterable[PostFetch] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Async twin of ``serialized_response``."""
        data = await self.aserialize(
            instance, many=many, serializer_class=serializer_class, post_fetches=post_fetches
        )
        return Response(data, status=status, headers=dict(headers) if headers else None)

    async def apaginate_queryset(self, queryset: Any, *, paginator: Any = None) -> Any:
        """Return the requested page of ``queryset``, or None when pagination is off.

        Uses the paginator's ``apaginate_queryset``; a paginator without it runs
        ``paginate_queryset`` in a worker thread.
        """
        paginator = self.paginator if paginator is None else paginator
        if paginator is None:
            return None
        request = self.request  # type: ignore[attr-defined]
        hook = getattr(paginator, "apaginate_queryset", None)
        if hook is not None:
            return await hook(queryset, request, view=self)
        return await sync_to_async(paginator.paginate_queryset)(queryset, request, view=self)

    async def apaginated_response(
        self,
        queryset: Any,
        *,
        serializer_class: Any = None,
        pagination_class: Any = None,
        post_fetches: Iterable[PostFetch] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Async twin of ``paginated_response``."""
        paginator = self._paginator_for(pagination_class)
        plan = None
        if paginator_takes_rows(paginator):
            plan = column_plan(self, serializer_class, self._post_fetches(post_fetches))
        rows = None if plan is None else columns_queryset(queryset, plan)
        if rows is not None:
            assert plan is not None
            return await self._acolumns_response(rows, plan, paginator, headers)
        page = await self.apaginate_queryset(queryset, paginator=paginator)
        if page is None:
            data = await self.aserialize(
                queryset, many=True, serializer_class=serializer_class, post_fetches=post_fetches
            )
            return Response(data, headers=dict(headers) if headers else None)

        data = await self.aserialize(
            page, many=True, serializer_class=serializer_class, post_fetches=post_fetches
        )
        return await _apage_response(paginator, data, headers)

    async def _acolumns_response(
        self, rows: Any, plan: ClassPlan, paginator: Any, headers: Mapping[str, str] | None
    ) -> Response:
        page = await self.apaginate_queryset(rows, paginator=paginator)
        if page is None:
            data = plan.many_tuples(await amaterialize(rows))
            return Response(data, headers=dict(headers) if headers else None)
        return await _apage_response(paginator, plan.many_tuples(page), headers)


async def _apage_response(paginator: Any, data: Any, headers: Mapping[str, str] | None) -> Any:
    """Return the paginator's response for ``data``, through its async hook when it has one."""
    hook = getattr(paginator, "aget_paginated_response", None)
    if hook is not None:
        response = await hook(data)
    else:
        response = paginator.get_paginated_response(data)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
