"""URLs of the throttling adoption app: plain DRF views only."""

from django.urls import path

from tests.adoption.views_throttling import CategoryListView, PingView, UploadView, ping_function

urlpatterns = [
    path("api/ping/", PingView.as_view()),
    path("api/ping-function/", ping_function),
    path("api/uploads/", UploadView.as_view()),
    path("api/categories/", CategoryListView.as_view()),
]
