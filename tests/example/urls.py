"""The example project's API routes without its admin and docs, which the test settings lack."""

from __future__ import annotations

from django.urls import include, path

from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView

urlpatterns = [
    path("api/auth/token/", TokenObtainView.as_view()),
    path("api/auth/token/refresh/", TokenRefreshView.as_view()),
    path("api/auth/token/blacklist/", TokenBlacklistView.as_view()),
    path("api/", include("catalog.urls")),
]
