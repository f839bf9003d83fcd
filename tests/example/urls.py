"""The example project's API routes without its admin, which the test settings do not install."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("api/", include("catalog.urls")),
]
