"""Paginators called directly: QuerySets and plain lists, sync and async, no-COUNT paging."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from restflow import pagination
from restflow.pagination.pagination import cut_echo
from restflow.test import AsyncAPIRequestFactory
from tests.viewsapp.models import Gadget

factory = AsyncAPIRequestFactory()


def request_for(query: str = "") -> Request:
    return Request(factory.get(f"/items/?{query}"))


def paginate(paginator: Any, items: Any, query: str, use_async: bool) -> Any:
    request = request_for(query)
    if use_async:
        return async_to_sync(paginator.apaginate_queryset)(items, request)
    return paginator.paginate_queryset(items, request)


def make(cls: Any, **attrs: Any) -> Any:
    return type(cls.__name__, (cls,), attrs)()


ITEMS = list(range(1, 8))


@pytest.mark.parametrize("use_async", [False, True])
def test_page_number_on_list(use_async):
    paginator = make(pagination.PageNumberPagination, page_size=3)
    assert paginate(paginator, ITEMS, "page=3", use_async) == [7]
    response = paginator.get_paginated_response(["x"])
    assert response.data["count"] == 7
    assert response.data["previous"] == "http://testserver/items/?page=2"
    assert response.data["next"] is None
    assert paginator.page.has_previous() and not paginator.page.has_next()
    assert len(paginator.page) == 1


@pytest.mark.parametrize("use_async", [False, True])
def test_limit_offset_on_list(use_async):
    paginator = make(pagination.LimitOffsetPagination, default_limit=2)
    assert paginate(paginator, ITEMS, "offset=5", use_async) == [6, 7]
    assert paginator.get_paginated_response([6, 7]).data["count"] == 7


@pytest.mark.parametrize("use_async", [False, True])
def test_fast_on_list(use_async):
    paginator = make(pagination.FastPageNumberPagination, page_size=3)
    assert paginate(paginator, ITEMS, "page=2", use_async) == [4, 5, 6]
    body = paginator.get_paginated_response([4, 5, 6]).data
    assert list(body) == ["next", "previous", "results"]
    assert body["next"] == "http://testserver/items/?page=3"
    assert body["previous"] == "http://testserver/items/"


@pytest.mark.django_db
@pytest.mark.parametrize("use_async", [False, True])
def test_fast_never_counts(use_async):
    Gadget.objects.bulk_create([Gadget(name=f"g{index}") for index in range(5)])
    paginator = make(pagination.FastPageNumberPagination, page_size=2)
    with CaptureQueriesContext(connection) as queries:
        rows = paginate(paginator, Gadget.objects.order_by("id"), "page=2", use_async)
    assert [row.name for row in rows] == ["g2", "g3"]
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "COUNT" not in sql.upper()
    assert "LIMIT 3" in sql
    assert paginator.has_next is True


@pytest.mark.django_db
@pytest.mark.parametrize("use_async", [False, True])
def test_page_number_counts_once(use_async):
    Gadget.objects.bulk_create([Gadget(name=f"g{index}") for index in range(5)])
    paginator = make(pagination.PageNumberPagination, page_size=2)
    with CaptureQueriesContext(connection) as queries:
        rows = paginate(paginator, Gadget.objects.order_by("id"), "page=last", use_async)
    assert [row.name for row in rows] == ["g4"]
    assert len(queries) == 2
    assert "COUNT" in queries[0]["sql"].upper()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cls",
    [
        pagination.PageNumberPagination,
        pagination.LimitOffsetPagination,
        pagination.FastPageNumberPagination,
        pagination.CursorPagination,
    ],
)
@pytest.mark.parametrize("use_async", [False, True])
def test_no_page_size_means_no_pagination(cls, use_async):
    with CaptureQueriesContext(connection) as queries:
        assert paginate(cls(), Gadget.objects.all(), "", use_async) is None
    assert len(queries) == 0


@pytest.mark.parametrize("use_async", [False, True])
def test_page_size_follows_settings(use_async):
    with override_settings(REST_FRAMEWORK={"PAGE_SIZE": 4}):
        assert paginate(pagination.PageNumberPagination(), ITEMS, "", use_async) == [1, 2, 3, 4]
        assert paginate(pagination.FastPageNumberPagination(), ITEMS, "", use_async) == [
            1,
            2,
            3,
            4,
        ]
        assert paginate(pagination.LimitOffsetPagination(), ITEMS, "", use_async) == [
            1,
            2,
            3,
            4,
        ]
    assert pagination.PageNumberPagination().page_size is None


@pytest.mark.parametrize("use_async", [False, True])
def test_fast_page_past_end_is_not_found(use_async):
    paginator = make(pagination.FastPageNumberPagination, page_size=7)
    with pytest.raises(NotFound, match=r"'2'.*contains no results"):
        paginate(paginator, ITEMS, "page=2", use_async)


def test_fast_schema():
    paginator = make(pagination.FastPageNumberPagination, page_size=3, page_size_query_param="size")
    names = [parameter["name"] for parameter in paginator.get_schema_operation_parameters(None)]
    assert names == ["page", "size"]
    schema = paginator.get_paginated_response_schema({"type": "array"})
    assert set(schema["properties"]) == {"next", "previous", "results"}
    assert "count" not in schema["properties"]


def test_fast_html_controls():
    paginator = make(pagination.FastPageNumberPagination, page_size=3)
    paginator.paginate_queryset(ITEMS, request_for("page=2"))
    assert paginator.display_page_controls is True
    html = paginator.to_html()
    assert "?page=3" in html


def test_async_paginator_page_range():
    paginator = pagination.pagination.AsyncPaginator(count=0, per_page=10)
    assert paginator.num_pages == 1
    paginator = pagination.pagination.AsyncPaginator(count=21, per_page=10)
    assert paginator.num_pages == 3
    assert list(paginator.page_range) == [1, 2, 3]


@pytest.mark.parametrize(
    ("paginator_class", "name", "attributes"),
    [
        (
            pagination.PageNumberPagination,
            "size",
            {"page_size_query_param": "size", "max_page_size": 50},
        ),
        (
            pagination.FastPageNumberPagination,
            "size",
            {"page_size_query_param": "size", "max_page_size": 50},
        ),
        (
            pagination.CursorPagination,
            "size",
            {"page_size_query_param": "size", "max_page_size": 50, "ordering": "id"},
        ),
        (pagination.LimitOffsetPagination, "limit", {"max_limit": 50}),
    ],
)
def test_size_parameter_schema_states_fallback(paginator_class, name, attributes):
    paginator = make(paginator_class, page_size=3, **attributes)
    parameters = {
        parameter["name"]: parameter
        for parameter in paginator.get_schema_operation_parameters(None)
    }
    size = parameters[name]
    assert size["schema"]["minimum"] == 1
    assert size["schema"]["maximum"] == 50
    assert "uses the default page size" in size["description"]
    assert "above 50 is capped at 50" in size["description"]


def test_size_parameter_schema_without_maximum():
    paginator = make(pagination.PageNumberPagination, page_size=3, page_size_query_param="size")
    parameters = {
        parameter["name"]: parameter
        for parameter in paginator.get_schema_operation_parameters(None)
    }
    assert "maximum" not in parameters["size"]["schema"]
    assert parameters["size"]["schema"]["minimum"] == 1
    assert "capped" not in parameters["size"]["description"]
    assert "maximum" not in parameters["page"]["schema"]


def test_cut_echo_limits_length():
    assert cut_echo("abc") == "abc"
    assert cut_echo("a" * 100) == "a" * 100
    assert cut_echo("a" * 101) == "a" * 100 + "…"
