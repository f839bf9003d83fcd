"""Page-number and limit/offset paginators with native async paging.

The async methods count and slice a QuerySet with Django's async ORM and
slice plain sequences (lists, tuples) directly, so both work on the async path.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.paginator import InvalidPage, Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination as drf_pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

__all__ = [
    "ECHO_MAX_LENGTH",
    "AsyncPage",
    "AsyncPaginator",
    "BasePagination",
    "LimitOffsetPagination",
    "PageNumberPagination",
    "SettingDefault",
    "acount_items",
    "aslice_items",
    "cut_echo",
    "document_size_parameter",
]

# Error messages repeat a client's value so the client can see what was
# rejected. A longer value is cut, so a 10 KB parameter is not sent back whole.
ECHO_MAX_LENGTH = 100


def cut_echo(value: Any, limit: int = ECHO_MAX_LENGTH) -> str:
    """Return ``str(value)``, cut to ``limit`` characters with a trailing ``…`` when longer."""
    text = str(value)
    if len(text) <= limit:
        return text
    return text[:limit] + "…"


def document_size_parameter(
    parameters: list[dict[str, Any]], name: str | None, maximum: int | None
) -> list[dict[str, Any]]:
    """Describe the lenient handling of page-size parameter ``name`` in OpenAPI ``parameters``.

    The paginators do not reject a bad size, as in DRF: a value that is not
    a whole number of at least 1 falls back to the default and one above
    ``maximum`` is capped. The schema gets ``minimum: 1`` and, when set,
    ``maximum``, and the description states what happens outside them.
    Returns ``parameters``, changed in place.
    """
    for parameter in parameters:
        if name is None or parameter.get("name") != name:
            continue
        schema = parameter.setdefault("schema", {"type": "integer"})
        schema["minimum"] = 1
        note = "A value that is not a whole number of at least 1 uses the default page size"
        if maximum:
            schema["maximum"] = maximum
            note += f", and a value above {maximum} is capped at {maximum}"
        description = str(parameter.get("description", "")).strip()
        parameter["description"] = f"{description} {note}.".strip()
    return parameters


class SettingDefault:
    """Class attribute that reads a DRF setting each time it is accessed.

    DRF copies ``PAGE_SIZE`` into class attributes when its module is imported,
    so ``override_settings`` never reaches them. A subclass or instance that
    assigns the attribute replaces this descriptor as usual.
    """

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        return getattr(api_settings, self.setting)


async def acount_items(items: Any) -> int:
    """Return the number of items: ``acount()`` for a QuerySet, ``len()`` otherwise."""
    if isinstance(items, QuerySet):
        return await items.acount()
    return len(items)


async def aslice_items(items: Any, start: int, stop: int) -> list[Any]:
    """Return ``items[start:stop]`` as a list, fetching a QuerySet asynchronously."""
    if isinstance(items, QuerySet):
        return [item async for item in items[start:stop]]
    return list(items[start:stop])


class AsyncPaginator(DjangoPaginator):
    """A Django paginator built from a known count instead of the object list.

    It validates page numbers and computes page ranges exactly like Django's
    paginator; the rows of a page are fetched by the caller.
    """

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__((), per_page)
        # ``count`` is a cached_property on Django's paginator; seed its cache.
        self.__dict__["count"] = count


class AsyncPage(Page):
    """One page of rows fetched for an :class:`AsyncPaginator`."""


class BasePagination(drf_pagination.BasePagination):
    """Base class adding ``apaginate_queryset`` and ``aget_paginated_response``.

    The defaults run the sync methods, ``paginate_queryset`` in a worker thread
    because it usually queries the database. Override them with native async
    code where the paginator can do better.
    """

    async def apaginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        """Return the rows of the requested page, or None when pagination is off."""
        return await sync_to_async(self.paginate_queryset)(queryset, request, view)

    async def aget_paginated_response(self, data: Any) -> Response:
        """Return the response for serialized page ``data``; builds links only, no I/O."""
        return self.get_paginated_response(data)


class PageNumberPagination(BasePagination, drf_pagination.PageNumberPagination):
    """DRF's page-number pagination with a native async path.

    Bad input follows DRF. A page that is not a whole number, is below 1, or
    is past the last page gives a 404 ``not_found`` envelope naming the page
    (cut to ``ECHO_MAX_LENGTH`` characters). An invalid ``page_size`` falls
    back to the default, an oversized one to the maximum, and the OpenAPI
    parameter states this.
    """

    page_size = SettingDefault("PAGE_SIZE")
    invalid_page_message = _(  # type: ignore[assignment]
        "Invalid page {page_number!r}: {message}. Pass a whole number from 1 to the last page."
    )

    def invalid_page(self, page_number: Any, exc: InvalidPage) -> NotFound:
        """Return the 404 for ``page_number``, echoed up to ``ECHO_MAX_LENGTH`` characters."""
        return NotFound(
            self.invalid_page_message.format(page_number=cut_echo(page_number), message=str(exc))
        )

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None

        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise self.invalid_page(page_number, exc) from None
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return document_size_parameter(
            super().get_schema_operation_parameters(view),
            self.page_size_query_param,
            self.max_page_size,
        )

    async def apaginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None

        paginator = AsyncPaginator(await acount_items(queryset), page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            number = paginator.validate_number(page_number)
        except InvalidPage as exc:
            raise self.invalid_page(page_number, exc) from None

        bottom = (number - 1) * page_size
        rows = await aslice_items(queryset, bottom, bottom + page_size)
        self.page = AsyncPage(rows, number, paginator)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)


class LimitOffsetPagination(BasePagination, drf_pagination.LimitOffsetPagination):
    """DRF's limit/offset pagination with a native async path.

    Bad input never errors, as in DRF: an invalid or non-positive ``limit``
    uses the default, an oversized one is capped at ``max_limit``, an invalid
    or negative ``offset`` counts as 0, and an offset past the end returns an
    empty page. The OpenAPI ``limit`` parameter states this.
    """

    default_limit = SettingDefault("PAGE_SIZE")

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return document_size_parameter(
            super().get_schema_operation_parameters(view), self.limit_query_param, self.max_limit
        )

    async def apaginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None

        self.count = await acount_items(queryset)
        self.offset = self.get_offset(request)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        return await aslice_items(queryset, self.offset, self.offset + self.limit)
