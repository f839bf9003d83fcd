"""URLs of the caching adoption tests."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tests.adoption import views_caching

router = DefaultRouter()
router.register("products", views_caching.ProductViewSet)

urlpatterns = [
    path("api/categories/", views_caching.CategoryListView.as_view()),
    path("api/me/", views_caching.MyProfileView.as_view()),
    path("api/", include(router.urls)),
]
