"""Routes of the plain DRF catalog API, all under /api/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tests.adoption.app import views

router = DefaultRouter()
router.register("products", views.ProductViewSet, basename="product")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/search/products/", views.ProductSearchView.as_view(), name="product-search"),
    path("api/categories/", views.CategoryListView.as_view(), name="category-list"),
    path("api/admin/brands/", views.BrandAdminView.as_view(), name="brand-admin"),
    path("api/brand-requests/", views.BrandRequestView.as_view(), name="brand-request"),
    path("api/me/", views.me, name="me"),
    path("api/price-summary/", views.price_summary, name="price-summary"),
]
