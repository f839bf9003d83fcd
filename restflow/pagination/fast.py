"""Page-number pagination that never counts: it fetches one extra row instead."""

from __future__ import annotations

from typing import Any
from urllib import parse

from django.template import loader
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.pagination.pagination import (
    BasePagination,
    SettingDefault,
    aslice_items,
    cut_echo,
    document_size_parameter,
)

__all__ = ["FastPageNumberPagination"]

# Offsets past this do not fit a 64-bit SQL integer, so such a page is
# reported as not found instead of failing in the database driver.
_MAX_OFFSET = 2**62


class FastPageNumberPagination(BasePagination):
    """Page numbers without ``COUNT(*)``.

    Each page fetches ``page_size + 1`` rows: the extra row only shows whether
    a next page exists. The response is ``{"next", "previous", "results"}``
    with no ``count``. A page number that is not a whole number, is below 1,
    or lies past the last row gives a 404 ``not_found`` envelope; an invalid,
    zero or negative ``page_size`` uses the default, and one above
    ``max_page_size`` is capped.
    """

    page_size = SettingDefault("PAGE_SIZE")
    page_query_param = "page"
    page_query_description = _("A page number within the paginated result set.")
    page_size_query_param: str | None = None
    page_size_query_description = _("Number of results to return per page.")
    max_page_size: int | None = None
    invalid_page_message = _("Invalid page {page_number!r}: {message}.")
    template = "rest_framework/pagination/previous_and_next.html"

    def get_page_size(self, request: Request) -> int | None:
        """Return the page size from the query (when enabled) or ``page_size``."""
        if self.page_size_query_param:
            raw = request.query_params.get(self.page_size_query_param)
            try:
                size = int(raw) if raw is not None else 0
            except ValueError:
                size = 0
            if size > 0:
                if self.max_page_size:
                    return min(size, self.max_page_size)
                return size
        return self.page_size  # type: ignore[no-any-return]

    def get_page_number(self, request: Request) -> int:
        """Return the requested page number; raise ``NotFound`` for invalid input."""
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw == "":
            return 1
        try:
            number = int(raw)
        except ValueError:
            raise NotFound(
                self._invalid(raw, "that page number is not a whole number; pages start at 1")
            )
        if number < 1:
            raise NotFound(self._invalid(raw, "that page number is less than 1; pages start at 1"))
        return number

    def _invalid(self, page_number: Any, message: str) -> str:
        return str(self.invalid_page_message).format(
            page_number=cut_echo(page_number), message=message
        )

    def _window(self, request: Request) -> tuple[int, int] | None:
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        self.page_size_used = page_size
        self.page_number = self.get_page_number(request)
        offset = (self.page_number - 1) * page_size
        if offset > _MAX_OFFSET:
            raise NotFound(self._invalid(str(self.page_number), "that page contains no results"))
        return offset, offset + page_size + 1

    def _finish(self, rows: list[Any]) -> list[Any]:
        self.has_next = len(rows) > self.page_size_used
        rows = rows[: self.page_size_used]
        if not rows and self.page_number > 1:
            raise NotFound(self._invalid(str(self.page_number), "that page contains no results"))
        self.display_page_controls = self.template is not None and (
            self.has_next or self.page_number > 1
        )
        return rows

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        window = self._window(request)
        if window is None:
            return None
        return self._finish(list(queryset[window[0] : window[1]]))

    async def apaginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        window = self._window(request)
        if window is None:
            return None
        return self._finish(await aslice_items(queryset, window[0], window[1]))

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        return self._page_link(self.page_number + 1)

    def get_previous_link(self) -> str | None:
        if self.page_number <= 1:
            return None
        return self._page_link(None if self.page_number == 2 else self.page_number - 1)

    def _page_link(self, page: int | None) -> str:
        """Return the request's URL with ``page`` set, or without the page parameter.

        The URLs equal those of DRF's ``replace_query_param`` and
        ``remove_query_param``. The request's URL is split and its query
        parsed once for both links instead of once per link.
        """
        request = self.request
        cached = self.__dict__.get("_link_parts")
        if cached is None or cached[0] is not request:
            parts = parse.urlsplit(force_str(request.build_absolute_uri()))
            cached = (request, parts, parse.parse_qs(parts.query, keep_blank_values=True))
            self.__dict__["_link_parts"] = cached
        _, parts, parsed = cached
        params = dict(parsed)
        if page is None:
            params.pop(self.page_query_param, None)
        else:
            params[force_str(self.page_query_param)] = [force_str(page)]
        query = parse.urlencode(sorted(params.items()), doseq=True)
        return parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_query_description),
                "schema": {"type": "integer", "minimum": 1},
            }
        ]
        if self.page_size_query_param is not None:
            parameters.append(
                {
                    "name": self.page_size_query_param,
                    "required": False,
                    "in": "query",
                    "description": str(self.page_size_query_description),
                    "schema": {"type": "integer", "minimum": 1},
                }
            )
        return document_size_parameter(parameters, self.page_size_query_param, self.max_page_size)

    def get_html_context(self) -> dict[str, Any]:
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}

    def to_html(self) -> str:
        template = loader.get_template(self.template)
        return template.render(self.get_html_context())
