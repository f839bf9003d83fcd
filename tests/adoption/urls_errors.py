"""Routes of the error envelope adoption tests, under /api/ where the middleware applies it."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tests.adoption import views_errors

router = DefaultRouter()
router.register("products", views_errors.ProductViewSet, basename="adoption-product")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/list/", views_errors.ProductList.as_view()),
    path("api/private/", views_errors.Private.as_view()),
    path("api/plain-crash/", views_errors.plain_crash),
    path("api/plain-ok/", views_errors.plain_ok),
]
