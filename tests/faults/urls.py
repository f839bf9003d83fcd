"""URLs of the fault harness's API (see ``tests.faults.views``)."""

from django.urls import path

from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView

# queues sets up the Celery app and the Dramatiq broker, and declares the
# cached functions they invalidate, before the first request.
from tests.faults import queues, views  # noqa: F401

urlpatterns = [
    path("health/", views.health),
    path("api/products/<int:pk>/", views.ProductDetailView.as_view()),
    path("api/prices/<int:pk>/", views.PriceView.as_view()),
    path("api/async-prices/<int:pk>/", views.AsyncPriceView.as_view()),
    path("api/brands/<int:pk>/", views.BrandNameView.as_view()),
    path("api/categories/", views.CategoryListView.as_view()),
    path("api/categories/<int:pk>/", views.CategoryRenameView.as_view()),
    path("api/limited/", views.LimitedView.as_view()),
    path("api/guarded/", views.GuardedView.as_view()),
    path("api/me/", views.MeView.as_view()),
    path("api/slow-query/", views.SlowQueryView.as_view()),
    path("api/stream/", views.StreamView.as_view()),
    path("api/auth/token/", TokenObtainView.as_view()),
    path("api/auth/token/refresh/", TokenRefreshView.as_view()),
    path("api/auth/token/blacklist/", TokenBlacklistView.as_view()),
]
