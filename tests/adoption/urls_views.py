"""URLs of the plain DRF views used by the views/permissions/pagination adoption tests."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tests.adoption import views_views

router = DefaultRouter()
router.register("products", views_views.ProductViewSet, basename="product")

urlpatterns = [
    path("api/", include(router.urls)),
    path("plain/products/", views_views.ProductList.as_view()),
    path("plain/ping/", views_views.ping),
]
