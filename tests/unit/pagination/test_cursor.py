"""CursorPagination: unique ordering, paging over NULLs, the seek condition, sync and async."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Product
from django.db.models import Q
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from restflow.pagination import CursorPagination
from restflow.pagination.cursor import OrderingKey
from restflow.test import AsyncAPIRequestFactory
from tests.viewsapp.models import Gadget
from tests.viewsapp.support import make_catalog

pytestmark = pytest.mark.django_db

factory = AsyncAPIRequestFactory()

PRICES = [None, "3.00", "1.00", None, "3.00", "2.00", "3.00", None, "1.00", "5.00"]


@pytest.fixture
def gadgets():
    return [
        Gadget.objects.create(
            name=f"g{index}", price=None if price is None else Decimal(price), rank=index
        )
        for index, price in enumerate(PRICES)
    ]


def paginator_class(ordering, size=3):
    return type("Pages", (CursorPagination,), {"ordering": ordering, "page_size": size})


def fetch(paginator_cls, url, use_async):
    request = Request(factory.get(url))
    paginator = paginator_cls()
    queryset = Gadget.objects.all()
    if use_async:
        rows = async_to_sync(paginator.apaginate_queryset)(queryset, request)
    else:
        rows = paginator.paginate_queryset(queryset, request)
    return [row.name for row in rows], paginator.get_next_link(), paginator.get_previous_link()


def local(link):
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def walk_forward(paginator_cls, use_async):
    pages, url = [], "/"
    while True:
        names, next_link, _ = fetch(paginator_cls, url, use_async)
        pages.append(names)
        if next_link is None:
            return pages
        url = local(next_link)


def expected_order(gadgets, descending):
    def key(gadget):
        missing = gadget.price is None
        if descending:
            # NULLs first, then price and id both descending.
            return (not missing, -(gadget.price or 0), -gadget.pk)
        return (missing, gadget.price or 0, gadget.pk)

    return [gadget.name for gadget in sorted(gadgets, key=key)]


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize("ordering", ["price", "-price"])
def test_pages_cover_every_row_once(gadgets, ordering, use_async):
    pages = walk_forward(paginator_class(ordering), use_async)
    flat = [name for page in pages for name in page]
    assert flat == expected_order(gadgets, ordering.startswith("-"))
    assert [len(page) for page in pages] == [3, 3, 3, 1]


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize("ordering", ["price", "-price", ("-rank",), ("price", "-rank")])
def test_previous_links_return_same_pages(gadgets, ordering, use_async):
    paginator_cls = paginator_class(ordering)
    forward, urls, url = [], [], "/"
    while url is not None:
        names, next_link, _ = fetch(paginator_cls, url, use_async)
        forward.append(names)
        urls.append(url)
        url = local(next_link) if next_link else None

    # Walk back from the last page with previous links.
    names, _, previous_link = fetch(paginator_cls, urls[-1], use_async)
    backward = [names]
    while previous_link is not None:
        names, _, previous_link = fetch(paginator_cls, local(previous_link), use_async)
        backward.append(names)
    assert list(reversed(backward)) == forward


def test_first_page_has_no_previous(gadgets):
    _, next_link, previous_link = fetch(paginator_class("price"), "/", False)
    assert previous_link is None
    assert next_link is not None


def test_pk_tiebreak_is_appended():
    request = Request(factory.get("/"))
    keys = paginator_class("-price")().get_ordering_keys(request, Gadget.objects.all(), None)
    assert keys == [OrderingKey("price", True, True), OrderingKey("id", True, False)]
    keys = paginator_class(("rank", "pk"))().get_ordering_keys(request, Gadget.objects.all(), None)
    assert keys == [OrderingKey("rank", False, True), OrderingKey("id", False, False)]


def test_seek_condition_is_index_friendly():
    paginator = paginator_class("-price")()
    keys = [OrderingKey("price", True, False), OrderingKey("id", True, False)]
    condition = paginator.build_seek_condition(keys, ["12.50", 7], reverse=False)
    assert condition == Q(price__lte="12.50") & (Q(price__lt="12.50") | Q(id__lt=7))


def test_seek_condition_reversed_flips_direction():
    paginator = paginator_class("-price")()
    keys = [OrderingKey("price", True, False), OrderingKey("id", True, False)]
    condition = paginator.build_seek_condition(keys, ["12.50", 7], reverse=True)
    assert condition == Q(price__gte="12.50") & (Q(price__gt="12.50") | Q(id__gt=7))


def test_seek_condition_after_null_ascending():
    paginator = paginator_class("price")()
    keys = [OrderingKey("price", False, True), OrderingKey("id", False, False)]
    # NULL sorts last ascending: only later NULL rows with a higher id follow.
    condition = paginator.build_seek_condition(keys, [None, 4], reverse=False)
    assert condition == Q(price__isnull=True) & Q(id__gt=4)


def test_sql_uses_nested_seek():
    make_catalog(products=6)
    paginator_cls = type("Pages", (CursorPagination,), {"ordering": "-price", "page_size": 2})
    paginator = paginator_cls()
    first = paginator.paginate_queryset(Product.objects.all(), Request(factory.get("/")))
    assert [product.price for product in first] == [Decimal(15), Decimal(14)]

    request = Request(factory.get(local(paginator.get_next_link())))
    planned = paginator_cls()._plan(Product.objects.all(), request, None)
    where = str(planned.query).split("WHERE", 1)[1]
    price, pk = '"catalog_product"."price"', '"catalog_product"."id"'
    assert where.strip().startswith(f"({price} <= ")
    assert f"AND ({price} < " in where
    assert f"OR {pk} < " in where
    assert "ORDER BY " + f"{price} DESC, {pk} DESC" in where


def fetch_list(paginator_cls, rows, url, use_async):
    request = Request(factory.get(url))
    paginator = paginator_cls()
    if use_async:
        page = async_to_sync(paginator.apaginate_queryset)(rows, request)
    else:
        page = paginator.paginate_queryset(rows, request)
    return page, paginator.get_next_link(), paginator.get_previous_link()


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize("ordering", ["price", "-price"])
def test_lists_page_like_querysets(gadgets, ordering, use_async):
    rows = [
        {"id": gadget.pk, "name": gadget.name, "price": gadget.price}
        for gadget in reversed(gadgets)
    ]
    paginator_cls = paginator_class(ordering)
    pages, url = [], "/"
    while url:
        page, next_link, _ = fetch_list(paginator_cls, rows, url, use_async)
        pages.append([row["name"] for row in page])
        url = local(next_link) if next_link else None
    assert [name for page in pages for name in page] == expected_order(
        gadgets, ordering.startswith("-")
    )

    # Back from the last page with previous links.
    url = "/"
    for _ in range(len(pages) - 1):
        _, next_link, _ = fetch_list(paginator_cls, rows, url, use_async)
        url = local(next_link)
    page, _, previous_link = fetch_list(paginator_cls, rows, url, use_async)
    backward = [[row["name"] for row in page]]
    while previous_link:
        page, _, previous_link = fetch_list(paginator_cls, rows, local(previous_link), use_async)
        backward.append([row["name"] for row in page])
    assert list(reversed(backward)) == pages


@pytest.mark.parametrize("use_async", [False, True])
def test_list_of_model_instances(gadgets, use_async):
    page, next_link, _ = fetch_list(paginator_class("rank"), list(gadgets), "/", use_async)
    assert [gadget.rank for gadget in page] == [0, 1, 2]
    page, _, _ = fetch_list(paginator_class("rank"), list(gadgets), local(next_link), use_async)
    assert [gadget.rank for gadget in page] == [3, 4, 5]


@pytest.mark.parametrize("position", ['["cheap",1]', '["1.00"]', "[true,1]", "[[1],1]"])
def test_list_cursor_of_wrong_type_is_not_found(gadgets, position):
    import base64

    rows = [{"id": gadget.pk, "price": gadget.price} for gadget in gadgets]
    token = base64.b64encode(f"r=0&p={position}".encode()).decode()
    with pytest.raises(NotFound):
        fetch_list(paginator_class("price"), rows, f"/?cursor={token}", False)


@pytest.mark.parametrize("position", ["[null,1e999]", "[NaN,1]", '["1.00",Infinity]'])
@pytest.mark.parametrize("use_async", [False, True])
def test_non_finite_cursor_values_are_not_found(gadgets, position, use_async):
    import base64

    token = base64.b64encode(f"r=0&p={position}".encode()).decode()
    with pytest.raises(NotFound):
        fetch(paginator_class("-price"), f"/?cursor={token}", use_async)
