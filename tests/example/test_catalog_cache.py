"""Response caching of the example catalog: decorators, the route rule and invalidation."""

from __future__ import annotations

import pytest
from catalog.models import Brand, Category, Product
from catalog.views import ProductViewSet
from django.db import transaction

pytestmark = [
    # Real commits: invalidation runs once the saving transaction commits.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_catalog", "example_api"),
]


class Rollback(Exception):
    pass


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def example_cache_kind(request) -> str:
    """Each test on the local-memory cache, and on Redis as the example uses with REDIS_URL."""
    return request.param


def cache_status(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["X-Cache-Status"]


def test_product_detail_miss_then_hit(client):
    url = f"/api/products/{Product.objects.order_by('id').first().pk}/"

    assert [cache_status(client, url), cache_status(client, url)] == ["MISS", "HIT"]


def test_update_through_api_invalidates_detail(client, demo_auth):
    product = Product.objects.order_by("id").first()
    url = f"/api/products/{product.pk}/"
    client.get(url)

    update = client.patch(url, {"price": "77.70"}, content_type="application/json", **demo_auth)
    after = client.get(url)

    assert update.status_code == 200
    assert after["X-Cache-Status"] == "MISS"
    assert after.json()["price"] == "77.70"
    assert client.get(url)["X-Cache-Status"] == "HIT"


def test_rolled_back_update_keeps_entry(client):
    product = Product.objects.order_by("id").first()
    url = f"/api/products/{product.pk}/"
    cached_price = client.get(url).json()["price"]

    with pytest.raises(Rollback), transaction.atomic():
        product.price = "1.01"
        product.save()
        raise Rollback

    after = client.get(url)
    assert after["X-Cache-Status"] == "HIT"
    assert after.json()["price"] == cached_price
    # The same save committed does invalidate, so the HIT above is the rollback's doing.
    product.refresh_from_db()
    product.save()
    assert cache_status(client, url) == "MISS"


def test_review_save_invalidates_its_product(client):
    product = Product.objects.order_by("id").first()
    other = Product.objects.order_by("id")[1]
    url, other_url = f"/api/products/{product.pk}/", f"/api/products/{other.pk}/"
    client.get(url)
    client.get(other_url)

    review = product.reviews.first()
    review.title = "Changed my mind"
    review.save()

    assert cache_status(client, url) == "MISS"
    assert cache_status(client, other_url) == "HIT"


def test_category_save_invalidates_details(client):
    product = Product.objects.select_related("category").order_by("id").first()
    url = f"/api/products/{product.pk}/"
    client.get(url)

    product.category.name = "Renamed Category"
    product.category.save()

    response = client.get(url)
    assert response["X-Cache-Status"] == "MISS"
    assert response.json()["category_detail"]["name"] == "Renamed Category"


def test_delete_by_prefix(client):
    first, second = Product.objects.order_by("id")[:2]
    client.get(f"/api/products/{first.pk}/")
    client.get(f"/api/products/{second.pk}/")

    ProductViewSet.retrieve.delete_by_prefix(pk=first.pk)

    assert cache_status(client, f"/api/products/{first.pk}/") == "MISS"
    assert cache_status(client, f"/api/products/{second.pk}/") == "HIT"


def test_category_list_invalidated_by_category_save(client):
    assert cache_status(client, "/api/categories/") == "MISS"
    assert cache_status(client, "/api/categories/") == "HIT"

    Category.objects.create(name="Gift Cards", slug="gift-cards")

    response = client.get("/api/categories/")
    assert response["X-Cache-Status"] == "MISS"
    assert "Gift Cards" in [item["name"] for item in response.json()]


def test_brand_list_cached_by_route_rule(client):
    assert cache_status(client, "/api/brands/") == "MISS"
    assert cache_status(client, "/api/brands/") == "HIT"

    brand = Brand.objects.order_by("name").first()
    brand.name = "Aardvark Audio"
    brand.save()

    response = client.get("/api/brands/")
    assert response["X-Cache-Status"] == "MISS"
    assert response.json()[0]["name"] == "Aardvark Audio"
