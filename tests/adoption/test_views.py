"""Zero-code adoption: restflow permissions and paginators named in DRF's defaults.

DRF copies ``DEFAULT_PERMISSION_CLASSES`` and ``DEFAULT_PAGINATION_CLASS``
into ``APIView`` and ``GenericAPIView`` class attributes when its modules are
first imported, so ``override_settings`` cannot switch them on for plain DRF
views. A project names them in settings.py before DRF is imported. This file
does the same: it runs its tests again in a new process whose settings
module sets the defaults from the start.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from catalog.models import Brand, Category, Product
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.support.fresh_process import is_inner, run_inner_tests

INNER = is_inner("RESTFLOW_ADOPTION_VIEWS")
SETTINGS_MODULE = """
from conf.settings import *  # noqa: F403

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["restflow.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "restflow.pagination.FastPageNumberPagination",
    "PAGE_SIZE": 2,
}
ROOT_URLCONF = "tests.adoption.urls_views"
"""


@pytest.mark.skipif(INNER, reason="this is the outer run that starts the inner one")
def test_adoption_in_fresh_process(tmp_path):
    # Every inner test ran; only this launcher skipped itself.
    run_inner_tests(
        __file__, tmp_path, SETTINGS_MODULE, "RESTFLOW_ADOPTION_VIEWS", 9, skipped=1, timeout=300
    )


inner = pytest.mark.skipif(not INNER, reason="runs only in the fresh process with the defaults")


@pytest.fixture
def products():
    category = Category.objects.create(name="Chairs", slug="chairs")
    brand = Brand.objects.create(name="Birch", slug="birch")
    made = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    return [
        Product.objects.create(
            name=f"chair {index}",
            slug=f"chair-{index}",
            price=Decimal("10.00") + index,
            created_at=made,
            category=category,
            brand=brand,
        )
        for index in range(5)
    ]


def error_code(response):
    return response.json()["error"]["code"]


@inner
def test_defaults_are_restflow_classes():
    from rest_framework.generics import GenericAPIView
    from rest_framework.views import APIView

    from restflow.pagination import FastPageNumberPagination
    from restflow.permissions import IsAuthenticatedOrReadOnly

    assert APIView.permission_classes == [IsAuthenticatedOrReadOnly]
    assert GenericAPIView.pagination_class is FastPageNumberPagination


@inner
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/products/", "/plain/products/"])
def test_fast_pagination_on_plain_views(path, products):
    client = APIClient()
    first = client.get(path).json()
    assert list(first) == ["next", "previous", "results"]
    assert [item["name"] for item in first["results"]] == ["chair 0", "chair 1"]
    assert first["next"].endswith("?page=2")
    last = client.get(path, {"page": 3}).json()
    assert [item["name"] for item in last["results"]] == ["chair 4"]
    assert last["next"] is None


@inner
@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "-1", "abc", "4"])
def test_bad_page_on_plain_views(page, products):
    response = APIClient().get("/api/products/", {"page": page})
    assert response.status_code == 404
    assert error_code(response) == "not_found"


@inner
@pytest.mark.django_db
def test_permissions_on_plain_viewset(products):
    client = APIClient()
    payload = {
        "name": "stool",
        "slug": "stool",
        "price": "5.00",
        "created_at": "2026-01-02T00:00:00Z",
        "category": products[0].category_id,
        "brand": products[0].brand_id,
    }
    anonymous = client.post("/api/products/", payload, format="json")
    assert anonymous.status_code == 401
    assert error_code(anonymous) == "not_authenticated"
    assert client.get(f"/api/products/{products[0].pk}/").status_code == 200

    User.objects.create_user("buyer", password="pw")
    client.login(username="buyer", password="pw")
    created = client.post("/api/products/", payload, format="json")
    assert created.status_code == 201
    assert client.delete(f"/api/products/{created.json()['id']}/").status_code == 204


@inner
@pytest.mark.django_db
def test_permissions_on_function_view():
    client = APIClient()
    assert client.get("/plain/ping/").json() == {"method": "GET", "user": None}
    assert client.post("/plain/ping/").status_code == 401
    User.objects.create_user("pinger", password="pw")
    client.login(username="pinger", password="pw")
    assert client.post("/plain/ping/").json() == {"method": "POST", "user": "pinger"}
