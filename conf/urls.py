"""URLs of the test suite: each test app contributes its own module under ``tests/``."""

from django.urls import include, path

urlpatterns = [
    path("testapp/", include("tests.testapp.urls")),
]
