"""The example catalog API under the example project's settings, through the test client."""

from __future__ import annotations

import pytest
from catalog.models import Category, Product
from django.test import override_settings
from example import settings as example_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("example_api")]


def test_product_list_page_two(client, seeded_catalog):
    response = client.get("/api/products/?page=2")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["count"] == 120
    expected_ids = list(Product.objects.order_by("id").values_list("id", flat=True)[50:100])
    assert [item["id"] for item in body["results"]] == expected_ids
    assert body["next"].endswith("/api/products/?page=3")
    assert body["previous"].endswith("/api/products/")


def test_product_list_item_fields(client, seeded_catalog):
    first = Product.objects.select_related("category", "brand").order_by("id").first()

    item = client.get("/api/products/").json()["results"][0]

    assert item["name"] == first.name
    assert item["price"] == str(first.price)
    assert item["tags"] == first.tags
    assert item["category_name"] == first.category.name
    assert item["brand_name"] == first.brand.name


def test_product_detail(client, seeded_catalog):
    product = Product.objects.order_by("-id").first()

    response = client.get(f"/api/products/{product.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == product.pk
    assert body["slug"] == product.slug
    assert body["stock"] == product.stock
    assert body["in_stock"] == product.in_stock


def test_product_detail_unknown_id(client, seeded_catalog):
    response = client.get("/api/products/999999/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_page_past_the_end(client, seeded_catalog):
    response = client.get("/api/products/?page=9")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_category_list(client, seeded_catalog):
    response = client.get("/api/categories/")

    assert response.status_code == 200
    names = [item["name"] for item in response.json()]
    assert names == sorted(Category.objects.values_list("name", flat=True))


def test_create_reports_every_bad_field(client, db):
    response = client.post("/api/products/", {"price": "abc"}, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"name", "price", "category", "brand"}
    assert error["details"]["name"] == ["This field is required."]
    assert error["details"]["price"] == ["A valid number is required."]


def test_create_product(client, seeded_catalog):
    category = Category.objects.get(name="Kitchen")
    brand = category.products.first().brand
    payload = {
        "name": "Enamel Kettle",
        "price": "34.50",
        "stock": 3,
        "tags": ["induction"],
        "category": category.pk,
        "brand": brand.pk,
    }

    response = client.post("/api/products/", payload, content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["slug"].startswith("enamel-kettle-")
    assert body["in_stock"] is True
    created = Product.objects.get(pk=body["id"])
    assert str(created.price) == "34.50"
    assert created.tags == ["induction"]


def test_unknown_api_url_is_enveloped(client, db):
    response = client.get("/api/nowhere/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_problem_envelope_by_setting(client, db):
    restflow = {**example_settings.RESTFLOW_SETTINGS, "EXCEPTIONS": {"ENVELOPE": "problem"}}
    with override_settings(RESTFLOW_SETTINGS=restflow):
        invalid = client.post("/api/products/", {"price": "abc"}, content_type="application/json")
        unknown = client.get("/api/nowhere/")

    assert invalid.status_code == 400
    assert invalid["Content-Type"].startswith("application/problem+json")
    assert invalid.json()["status"] == 400
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("application/problem+json")
