"""URLs of the filter adoption views."""

from django.urls import path

from tests.adoption.views_filters import (
    DjangoFilterProductView,
    ProductByFlagsView,
    ProductListView,
)

urlpatterns = [
    path("api/products/", ProductListView.as_view()),
    path("api/products/flags/", ProductByFlagsView.as_view()),
    path("api/products/django-filter/", DjangoFilterProductView.as_view()),
]
