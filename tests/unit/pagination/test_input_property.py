"""Property tests: any page, page size or cursor string gives a page or a 404, nothing else."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from restflow import pagination
from restflow.test import AsyncAPIRequestFactory
from tests.viewsapp.models import Gadget

factory = AsyncAPIRequestFactory()
ITEMS = list(range(10))
QUERY_TEXT = st.text(max_size=40) | st.integers().map(str)


def request_for(name: str, value: str) -> Request:
    return Request(factory.get(f"/?{name}={quote(value, safe='')}"))


class Fast(pagination.FastPageNumberPagination):
    page_size = 3
    page_size_query_param = "size"
    max_page_size = 5


class Pages(pagination.PageNumberPagination):
    page_size = 3
    page_size_query_param = "size"
    max_page_size = 5


@settings(max_examples=150, deadline=None)
@given(value=QUERY_TEXT, name=st.sampled_from(["page", "size"]))
@pytest.mark.parametrize("cls", [Fast, Pages])
def test_page_parameters(cls, value, name):
    paginator = cls()
    try:
        rows = paginator.paginate_queryset(ITEMS, request_for(name, value))
    except NotFound as exc:
        assert name == "page"
        assert str(exc.detail).startswith("Invalid page ")
        return
    assert 1 <= len(rows) <= 5
    assert set(rows) <= set(ITEMS)


def _base64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class Cursor(pagination.CursorPagination):
    ordering = "-price"
    page_size = 2


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(value=st.text(max_size=80) | st.binary(max_size=60).map(_base64))
def test_cursor_strings(value):
    try:
        rows = Cursor().paginate_queryset(Gadget.objects.all(), request_for("cursor", value))
    except NotFound:
        return
    assert rows == []


POSITION_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
)


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(position=st.lists(POSITION_VALUES, max_size=3), reverse=st.sampled_from(["0", "1"]))
def test_well_formed_cursors_with_any_values(position, reverse):
    import json
    from urllib.parse import urlencode

    Gadget.objects.get_or_create(name="only", price="2.50", rank=1)
    token = _base64(urlencode({"r": reverse, "p": json.dumps(position)}).encode())
    try:
        rows = Cursor().paginate_queryset(Gadget.objects.all(), request_for("cursor", token))
    except NotFound:
        return
    assert len(rows) <= 1
