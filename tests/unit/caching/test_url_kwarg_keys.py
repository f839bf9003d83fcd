"""URL kwargs key as text, so a rule mapping a model's pk reaches regex and converter routes."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from django.test import Client, override_settings
from django.urls import path, re_path
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.caching import InvalidationRule, cache_response
from restflow.caching.key_fields import ViewKwargsKeyField, url_kwarg_text

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: Counter[str] = Counter()


class ProductPriceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)


class ProductRetrieveView(generics.RetrieveAPIView):
    serializer_class = ProductPriceSerializer
    authentication_classes: list = []
    permission_classes: list = []

    def get_queryset(self):
        from catalog.models import Product

        return Product.objects.all()

    @cache_response(
        invalidates_on=[InvalidationRule(model="catalog.Product", field_mapping={"pk": "pk"})],
        set_cache_headers=True,
    )
    def get(self, request, *args, **kwargs):
        CALLS["retrieve"] += 1
        return super().get(request, *args, **kwargs)


class ProductAPIView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @cache_response(
        invalidates_on=[InvalidationRule(model="catalog.Product", field_mapping={"pk": "pk"})],
        set_cache_headers=True,
    )
    def get(self, request, pk):
        from catalog.models import Product

        CALLS["apiview"] += 1
        product = Product.objects.get(pk=pk)
        return Response({"id": product.pk, "price": str(product.price)})


urlpatterns = [
    re_path(r"^re/retrieve/(?P<pk>[^/.]+)/$", ProductRetrieveView.as_view()),
    path("int/retrieve/<int:pk>/", ProductRetrieveView.as_view()),
    re_path(r"^re/apiview/(?P<pk>[^/.]+)/$", ProductAPIView.as_view()),
    path("int/apiview/<int:pk>/", ProductAPIView.as_view()),
]


@pytest.fixture(autouse=True)
def _urls():
    CALLS.clear()
    with override_settings(ROOT_URLCONF=__name__):
        yield


@pytest.mark.parametrize(
    ("prefix", "counter"),
    [
        ("re/retrieve", "retrieve"),
        ("int/retrieve", "retrieve"),
        ("re/apiview", "apiview"),
        ("int/apiview", "apiview"),
    ],
)
def test_product_save_invalidates_every_route(make_product, prefix, counter):
    from decimal import Decimal

    product = make_product(price=Decimal("10.00"))
    client = Client()
    url = f"/{prefix}/{product.pk}/"

    first = client.get(url)
    second = client.get(url)
    assert (first.status_code, first["X-Cache-Status"]) == (200, "MISS")
    assert (second["X-Cache-Status"], second.json()["price"]) == ("HIT", "10.00")
    assert CALLS[counter] == 1

    product.price = Decimal("12.50")
    product.save()

    third = client.get(url)
    assert third["X-Cache-Status"] == "MISS"
    assert third.json()["price"] == "12.50"
    assert CALLS[counter] == 2


def test_view_kwargs_key_as_text():
    field = ViewKwargsKeyField("*")

    def view(self, request, pk, slug=None):
        raise AssertionError("never called")

    ident = uuid.uuid4()
    as_int = field.get_key_payload(view, (None, None), {"pk": 5})
    as_text = field.get_key_payload(view, (None, None), {"pk": "5"})
    assert as_int == {"pk": "5", "slug": None}
    assert as_text == as_int
    assert field.get_key_payload(view, (None, None), {"pk": ident})["pk"] == str(ident)
    assert url_kwarg_text(None) is None


def test_response_key_uuid_equals_text():
    from restflow.caching.response_cache import CachedResponseWrapper

    ident = uuid.uuid4()

    def get(self, request, token):
        raise AssertionError("never called")

    wrapped = cache_response()(get)
    assert isinstance(wrapped, CachedResponseWrapper)
    assert wrapped.build_key((), {"token": ident}) == wrapped.build_key((), {"token": str(ident)})
    assert wrapped.build_key((), {"token": ident}) != wrapped.build_key((), {"token": "other"})
