"""The example catalog API under the example project's settings, through the test client."""

from __future__ import annotations

from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Category, Product, Review
from django.test import AsyncClient, override_settings
from example import settings as example_settings

from tests.example.conftest import obtain_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("example_api")]


def test_product_list_page_two(client, seeded_catalog):
    response = client.get("/api/products/?page=2")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    expected_ids = list(Product.objects.order_by("id").values_list("id", flat=True)[50:100])
    assert [item["id"] for item in body["results"]] == expected_ids
    assert body["next"].endswith("/api/products/?page=3")
    assert body["previous"].endswith("/api/products/")


def test_product_list_page_two_async(seeded_catalog):
    response = async_to_sync(AsyncClient().get)("/api/products/?page=2&page_size=7")

    assert response.status_code == 200
    expected = list(Product.objects.order_by("id").values_list("id", flat=True)[7:14])
    assert [item["id"] for item in response.json()["results"]] == expected


def test_page_size_is_capped(client, seeded_catalog):
    body = client.get("/api/products/?page_size=500").json()

    assert len(body["results"]) == 100


def test_product_list_item_fields(client, seeded_catalog):
    first = Product.objects.select_related("category", "brand").order_by("id").first()
    best_reviews = list(
        first.reviews.order_by("-rating", "-created_at").values_list("id", flat=True)[:3]
    )

    item = client.get("/api/products/").json()["results"][0]

    assert item["name"] == first.name
    assert item["price"] == str(first.price)
    assert item["tags"] == first.tags
    assert item["category_name"] == first.category.name
    assert item["brand_name"] == first.brand.name
    # The lighter list serializer: no description, the top reviews in short.
    assert "description" not in item
    assert [review["id"] for review in item["top_reviews"]] == best_reviews
    assert set(item["top_reviews"][0]) == {"id", "author_name", "rating", "title"}


def test_product_detail(client, seeded_catalog):
    product = Product.objects.order_by("-id").first()

    response = client.get(f"/api/products/{product.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == product.pk
    assert body["slug"] == product.slug
    assert body["description"] == product.description
    assert body["category_detail"]["name"] == product.category.name
    assert sorted(review["id"] for review in body["reviews"]) == sorted(
        product.reviews.values_list("id", flat=True)
    )


def test_product_detail_unknown_id(client, seeded_catalog):
    response = client.get("/api/products/999999/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("page", ["0", "abc", "9", "-1"])
def test_bad_page_is_not_found(client, seeded_catalog, page):
    response = client.get(f"/api/products/?page={page}")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert repr(page) in error["message"]


def test_category_list(client, seeded_catalog):
    response = client.get("/api/categories/")

    assert response.status_code == 200
    names = [item["name"] for item in response.json()]
    assert names == sorted(Category.objects.values_list("name", flat=True))


def test_create_without_token_is_401(client, db):
    response = client.post("/api/products/", {"price": "abc"}, content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_create_reports_every_bad_field(client, demo_auth):
    response = client.post(
        "/api/products/", {"price": "abc"}, content_type="application/json", **demo_auth
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"name", "price", "category", "brand"}
    assert error["details"]["name"] == ["This field is required."]
    assert error["details"]["price"] == ["A valid number is required."]


def test_create_product(client, seeded_catalog, demo_auth):
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

    response = client.post("/api/products/", payload, content_type="application/json", **demo_auth)

    assert response.status_code == 201
    body = response.json()
    assert body["slug"].startswith("enamel-kettle-")
    assert body["in_stock"] is True
    created = Product.objects.get(pk=body["id"])
    assert str(created.price) == "34.50"
    assert created.tags == ["induction"]


def test_update_product(client, seeded_catalog, demo_auth):
    product = Product.objects.order_by("id").first()

    response = client.patch(
        f"/api/products/{product.pk}/",
        {"price": "12.34", "stock": 0},
        content_type="application/json",
        **demo_auth,
    )

    assert response.status_code == 200
    product.refresh_from_db()
    assert product.price == Decimal("12.34")
    assert product.in_stock is False


def test_delete_needs_staff(client, seeded_catalog, demo_auth):
    product = Product.objects.order_by("id").first()
    anonymous = client.delete(f"/api/products/{product.pk}/")
    not_staff = client.delete(f"/api/products/{product.pk}/", **demo_auth)
    staff_pair = obtain_token(client, "admin", is_staff=True)

    staff = client.delete(
        f"/api/products/{product.pk}/", HTTP_AUTHORIZATION=f"Bearer {staff_pair['access']}"
    )

    assert anonymous.status_code == 401
    assert not_staff.status_code == 403
    assert not_staff.json()["error"]["code"] == "permission_denied"
    assert staff.status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not Review.objects.filter(product_id=product.pk).exists()


def test_unknown_api_url_is_enveloped(client, db):
    response = client.get("/api/nowhere/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_problem_envelope_by_setting(client, demo_auth):
    restflow = {**example_settings.RESTFLOW_SETTINGS, "EXCEPTIONS": {"ENVELOPE": "problem"}}
    with override_settings(RESTFLOW_SETTINGS=restflow):
        invalid = client.post(
            "/api/products/", {"price": "abc"}, content_type="application/json", **demo_auth
        )
        unknown = client.get("/api/nowhere/")

    assert invalid.status_code == 400
    assert invalid["Content-Type"].startswith("application/problem+json")
    assert invalid.json()["status"] == 400
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (["t"] * 21, "Ensure this field has no more than 20 elements."),
        (["t" * 41], "Ensure this field has no more than 40 characters."),
    ],
)
def test_create_bounds_tags(client, seeded_catalog, demo_auth, tags, message):
    product = Product.objects.order_by("id").first()
    payload = {
        "name": "Tagged",
        "price": "1.00",
        "category": product.category_id,
        "brand": product.brand_id,
        "tags": tags,
    }

    response = client.post("/api/products/", payload, content_type="application/json", **demo_auth)

    assert response.status_code == 400
    assert message in str(response.json()["error"]["details"]["tags"])
