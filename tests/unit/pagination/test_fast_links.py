"""FastPageNumberPagination's links equal DRF's replace/remove_query_param output."""

from __future__ import annotations

import pytest
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from restflow import pagination
from restflow.test import AsyncAPIRequestFactory

factory = AsyncAPIRequestFactory()


@pytest.mark.parametrize(
    "query",
    [
        "page=2",
        "page=3&b=2&a=1",
        "a=1&a=2&page=4&empty=",
        "q=caf%C3%A9+au+lait&page=5&z=%26%3D",
        "page=2&page=9",
        "",
    ],
)
def test_links_match_drfs_helpers(query):
    paginator = pagination.FastPageNumberPagination()
    paginator.page_size = 2
    request = Request(factory.get(f"/items/?{query}" if query else "/items/"))
    rows = paginator.paginate_queryset(list(range(20)), request)
    assert rows
    url = request.build_absolute_uri()
    number = paginator.page_number
    expected_next = replace_query_param(url, "page", number + 1)
    if number == 1:
        expected_previous = None
    elif number == 2:
        expected_previous = remove_query_param(url, "page")
    else:
        expected_previous = replace_query_param(url, "page", number - 1)
    assert paginator.get_next_link() == expected_next
    assert paginator.get_previous_link() == expected_previous
    # Asked again (as the browsable API does), the links stay the same.
    assert paginator.get_html_context() == {
        "previous_url": expected_previous,
        "next_url": expected_next,
    }


def test_reused_paginator_follows_new_request():
    paginator = pagination.FastPageNumberPagination()
    paginator.page_size = 2
    paginator.paginate_queryset(list(range(20)), Request(factory.get("/a/?page=2")))
    assert paginator.get_next_link() == "http://testserver/a/?page=3"
    paginator.paginate_queryset(list(range(20)), Request(factory.get("/b/?page=3&x=1")))
    assert paginator.get_next_link() == "http://testserver/b/?page=4&x=1"
    assert paginator.get_previous_link() == "http://testserver/b/?page=2&x=1"
