"""HyperlinkedModelSerializer: annotations, DRF-equal output with hyperlinks, async validation."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Category
from django.test import override_settings
from django.urls import path
from rest_framework import generics
from rest_framework import serializers as drf
from rest_framework.test import APIRequestFactory

from restflow.serializers import HyperlinkedModelSerializer

pytestmark = pytest.mark.django_db


class CategoryDetail(generics.RetrieveAPIView):
    queryset = Category.objects.all()


urlpatterns = [path("categories/<int:pk>/", CategoryDetail.as_view(), name="category-detail")]


class DRFCategoryLink(drf.HyperlinkedModelSerializer):
    class Meta:
        model = Category
        fields = ["url", "name", "slug"]


class CategoryLink(HyperlinkedModelSerializer):
    score: int = 0

    class Meta:
        model = Category
        fields = ["url", "name", "slug"]


@override_settings(ROOT_URLCONF=__name__)
def test_hyperlinked_output_matches_drf():
    Category.objects.create(name="Kitchen", slug="kitchen")
    Category.objects.create(name="Garden", slug="garden")
    request = APIRequestFactory().get("/")
    context = {"request": request}
    rows = list(Category.objects.order_by("id"))
    expected = DRFCategoryLink(rows, many=True, context=context).data
    actual = CategoryLink(rows, many=True, context=context).data
    assert [{k: v for k, v in row.items() if k != "score"} for row in actual] == expected
    assert actual[0]["url"].endswith(f"/categories/{rows[0].pk}/")
    assert "score" in actual[0]


@override_settings(ROOT_URLCONF=__name__)
def test_hyperlinked_async_validation_and_save():
    serializer = CategoryLink(data={"name": "Tools", "slug": "tools", "score": "3"})
    assert async_to_sync(serializer.ais_valid)(), serializer.errors
    assert serializer.validated_data.score == 3
    serializer.validated_data.pop("score")
    category = async_to_sync(serializer.asave)()
    assert Category.objects.get(pk=category.pk).slug == "tools"
