"""Routes of the catalog API with restflow on: the unchanged app plus restflow's token views."""

from django.urls import include, path

from restflow.authentication.views import TokenObtainView, TokenRefreshView

urlpatterns = [
    path("api/auth/token/", TokenObtainView.as_view(), name="token-obtain"),
    path("api/auth/token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
    path("", include("tests.adoption.app.urls")),
]
