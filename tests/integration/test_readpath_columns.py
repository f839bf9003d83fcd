"""The column read path of async list views, and retrieve, which keeps instances.

Each case renders the same request twice, once with ``fetch_columns`` on
and once off, and checks that the bytes match. The SQL shows which path
ran, because the column path never selects ``description``, a column that
no serializer field names.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Product
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.test.utils import CaptureQueriesContext
from rest_framework import pagination as drf_pagination
from rest_framework import permissions as drf_permissions
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from restflow import permissions
from restflow.pagination import (
    CursorPagination,
    FastPageNumberPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)
from restflow.serializers import ModelSerializer
from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncListAPIView, AsyncRetrieveAPIView, PostFetch
from tests.viewsapp.support import make_catalog

pytestmark = pytest.mark.django_db

factory = AsyncAPIRequestFactory()
FIELDS = ["id", "name", "slug", "price", "stock", "in_stock", "rating", "created_at", "category"]


class ProductRead(ModelSerializer):
    class Meta:
        model = Product
        fields = FIELDS


class Fast(FastPageNumberPagination):
    page_size = 2


class Numbers(PageNumberPagination):
    page_size = 2


class DRFNumbers(drf_pagination.PageNumberPagination):
    page_size = 2


class Cursor(CursorPagination):
    ordering = "id"
    page_size = 2


class Base:
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = [permissions.AllowAny]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    serializer_class = ProductRead


def list_view(**attrs: Any) -> type:
    return type("Listing", (Base, AsyncListAPIView), {"queryset": Product.objects.all(), **attrs})


def detail_view(**attrs: Any) -> type:
    attrs.setdefault("queryset", Product.objects.all())
    return type("Detail", (Base, AsyncRetrieveAPIView), attrs)


def fetch(view_class: type, path: str = "/", accept: str = "application/json", **kwargs: Any):
    request = factory.get(path, HTTP_ACCEPT=accept)
    with CaptureQueriesContext(connection) as queries:
        response = async_to_sync(view_class.as_view())(request, **kwargs)
        response.render()
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    return response, sql


def both(view_class: type, path: str = "/", **kwargs: Any) -> tuple[Any, bool]:
    """Return the column-path response and whether the column path ran; bytes must match."""
    on, sql = fetch(view_class, path, **kwargs)
    off_class = type("Off", (view_class,), {"fetch_columns": False})
    off, off_sql = fetch(off_class, path, **kwargs)
    assert not off_sql or '"description"' in off_sql
    assert on.status_code == off.status_code
    assert on.content == off.content
    return on, '"description"' not in sql


@pytest.fixture
def catalog():
    return make_catalog(5)


@pytest.mark.parametrize(
    ("pagination_class", "path"),
    [
        (None, "/"),
        (Fast, "/?page=2"),
        (Numbers, "/?page=2"),
        (DRFNumbers, "/?page=3"),
        (LimitOffsetPagination, "/?limit=2&offset=1"),
    ],
    ids=["none", "fast", "numbers", "drf-numbers", "limit-offset"],
)
def test_list_reads_columns_with_slicing_paginators(catalog, pagination_class, path):
    response, columns = both(list_view(pagination_class=pagination_class), path)
    assert response.status_code == 200
    assert columns


def test_list_data_matches_the_database(catalog):
    response, columns = both(list_view(pagination_class=Fast), "/?page=1")
    assert columns
    first = catalog[0]
    row = response.data["results"][0]
    assert row == {
        "id": first.id,
        "name": first.name,
        "slug": first.slug,
        "price": f"{first.price:.2f}",
        "stock": first.stock,
        "in_stock": first.in_stock,
        "rating": first.rating,
        "created_at": first.created_at.isoformat().replace("+00:00", "Z"),
        "category": first.category_id,
    }


def test_cursor_pagination_keeps_instances(catalog):
    _, columns = both(list_view(pagination_class=Cursor))
    assert not columns


def test_get_queryset_override_with_annotations_and_joins(catalog):
    class Annotated(list_view(pagination_class=Fast)):
        def get_queryset(self):
            return (
                Product.objects.select_related("brand")
                .annotate(twice=F("stock") * 2, tag=Value("x"))
                .filter(stock__gte=1)
                .order_by("-twice")
            )

    response, columns = both(Annotated, "/?page=1")
    assert columns
    assert [row["stock"] for row in response.data["results"]] == [4, 3]


class LoudQuerySet(QuerySet):
    def iterator(self, chunk_size=None):  # pragma: no cover - never reached by these views
        return super().iterator(chunk_size)


@pytest.mark.parametrize(
    "queryset",
    [
        Product.objects.prefetch_related("reviews"),
        Product.objects.order_by("id").distinct(),
        LoudQuerySet(model=Product),
        Product.objects.all()[:3],
        # SQLite refuses ORDER BY inside a compound statement's parts.
        Product.objects.filter(stock__lt=2)
        .order_by()
        .union(Product.objects.filter(stock__gte=3).order_by()),
    ],
    ids=["prefetch", "distinct", "custom-queryset", "sliced", "union"],
)
def test_querysets_that_need_instances_keep_them(catalog, queryset):
    view = list_view(pagination_class=None, get_queryset=lambda self: queryset.all())
    response, columns = both(view)
    # A failed query fetches nothing, which would pass for the instance path.
    assert response.status_code == 200, response.content[:300]
    assert not columns


def test_post_fetches_and_the_browsable_api_keep_instances(catalog):
    fetches = [PostFetch(Product.objects.all(), "same", ["id"], id="id")]
    _, columns = both(list_view(pagination_class=Fast, post_fetches=fetches), "/?page=1")
    assert not columns
    response, sql = fetch(list_view(pagination_class=Fast), "/?page=1", accept="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content
    assert '"description"' in sql


def test_opt_out_keeps_instances(catalog):
    _, sql = fetch(list_view(pagination_class=Fast, fetch_columns=False), "/?page=1")
    assert '"description"' in sql


def test_retrieve_renders_instance_through_plan(catalog):
    target = catalog[2]
    response, columns = both(detail_view(), pk=target.pk)
    assert response.status_code == 200
    assert not columns
    assert response.data == dict(ProductRead(target).data)
    assert response.data["id"] == target.pk


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_retrieve_misses_answer_like_the_instance_path(catalog, pk):
    response, _ = both(detail_view(), pk=pk)
    assert response.status_code == 404


class SeesObjects(drf_permissions.BasePermission):
    seen: list[Any] = []

    def has_object_permission(self, request, view, obj):
        SeesObjects.seen.append(obj)
        return obj.stock != 2


class SeesObjectsAsync(permissions.BasePermission):
    seen: list[Any] = []

    async def ahas_object_permission(self, request, view, obj):
        SeesObjectsAsync.seen.append(obj)
        return obj.stock != 2


@pytest.mark.parametrize("permission", [SeesObjects, SeesObjectsAsync])
def test_object_permissions_get_real_instances(catalog, permission):
    permission.seen = []
    view = detail_view(permission_classes=[permissions.AllowAny, permission])
    allowed, columns = both(view, pk=catalog[1].pk)
    assert allowed.status_code == 200
    assert not columns
    assert permission.seen and all(isinstance(obj, Product) for obj in permission.seen)
    denied, _ = both(view, pk=catalog[2].pk)
    assert denied.status_code == 403


def test_retrieve_with_post_fetches_keeps_instances(catalog):
    fetches = [PostFetch(Product.objects.all(), "same", ["id"], id="id")]
    _, columns = both(detail_view(post_fetches=fetches), pk=catalog[0].pk)
    assert not columns


def test_retrieve_queryset_that_needs_instances_still_checks_objects(catalog):
    SeesObjects.seen = []
    view = detail_view(
        queryset=Product.objects.prefetch_related("reviews"),
        permission_classes=[SeesObjects],
    )
    response, columns = both(view, pk=catalog[2].pk)
    assert response.status_code == 403
    assert not columns


def test_retrieve_loads_deferred_columns_off_loop(catalog):
    target = catalog[1]
    view = detail_view(queryset=Product.objects.only("id"))
    response, _ = fetch(view, pk=target.pk)
    reference, _ = fetch(detail_view(), pk=target.pk)
    assert response.status_code == 200
    assert response.data["name"] == target.name
    assert response.content == reference.content


def test_custom_list_serializer_class_still_runs(catalog):
    from restflow.serializers import ListSerializer

    class Shouting(ListSerializer):
        def to_representation(self, data):
            rows = super().to_representation(data)
            return [{"id": row["id"], "name": row["name"].upper()} for row in rows]

    class ShoutingRead(ModelSerializer):
        class Meta:
            model = Product
            fields = ["id", "name"]
            list_serializer_class = Shouting

    view = list_view(pagination_class=None, serializer_class=ShoutingRead)
    response, columns = both(view)
    assert not columns
    assert response.data[0]["name"] == catalog[0].name.upper()
