"""URLs of the view tests; tests select them with ``override_settings(ROOT_URLCONF=...)``."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tests.viewsapp import views

router = DefaultRouter()
router.register("async-gadgets", views.AsyncGadgetViewSet, basename="async-gadget")
router.register("sync-gadgets", views.SyncGadgetViewSet, basename="sync-gadget")
router.register("async-products", views.AsyncProductViewSet, basename="async-product")
router.register("sync-products", views.SyncProductViewSet, basename="sync-product")

GENERICS = {
    "list": views.GadgetList,
    "create": views.GadgetCreate,
    "retrieve": views.GadgetRetrieve,
    "update": views.GadgetUpdate,
    "destroy": views.GadgetDestroy,
    "list-create": views.GadgetListCreate,
    "retrieve-update": views.GadgetRetrieveUpdate,
    "retrieve-destroy": views.GadgetRetrieveDestroy,
    "retrieve-update-destroy": views.GadgetRetrieveUpdateDestroy,
}

urlpatterns = [
    path("api/", include(router.urls)),
    path("echo/", views.Echo.as_view(), name="echo"),
    *[
        path(f"generic/{name}/", view.as_view(), name=f"generic-{name}")
        for name, view in GENERICS.items()
    ],
    *[
        path(f"generic/{name}/<str:pk>/", view.as_view(), name=f"generic-{name}-detail")
        for name, view in GENERICS.items()
    ],
    *[
        path(f"pages/{name}/", view, name=f"pages-{name}")
        for name, view in views.paginated_views().items()
    ],
]
