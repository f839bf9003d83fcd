"""URLs of the response-caching tests (``override_settings(ROOT_URLCONF=...)``)."""

from django.urls import path

from tests.cacheapp import views

urlpatterns = [
    path("api/whoami/", views.WhoAmIView.as_view()),
    path("api/products/<int:pk>/", views.ProductDetailView.as_view()),
    path("api/async-products/<int:pk>/", views.AsyncProductView.as_view()),
    path("api/behaviour/", views.BehaviourView.as_view()),
    path("api/path-keyed/", views.PathKeyedView.as_view()),
    path("api/categories/", views.category_list),
    path("api/plain-async/", views.plain_async_view),
    path("api/route-products/", views.uncached_product_list),
]
