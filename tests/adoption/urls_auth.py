"""URLs of the JWT adoption app: restflow's token views next to plain DRF views."""

from django.urls import path

from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView
from tests.adoption.views_auth import CategoryListCreateView, ProfileView, whoami

urlpatterns = [
    path("api/auth/token/", TokenObtainView.as_view()),
    path("api/auth/token/refresh/", TokenRefreshView.as_view()),
    path("api/auth/token/blacklist/", TokenBlacklistView.as_view()),
    path("api/profile/", ProfileView.as_view()),
    path("api/whoami/", whoami),
    path("api/categories/", CategoryListCreateView.as_view()),
]
