"""URLs of the example project: the catalog API under ``/api/`` and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/", include("catalog.urls")),
    path("admin/", admin.site.urls),
]
