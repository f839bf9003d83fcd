"""The public names of restflow.views, permissions, pagination and test."""

from __future__ import annotations

import importlib

import pytest

EXPECTED = {
    "restflow.views": {
        "APIView",
        "AsyncAPIView",
        "AsyncGenericAPIView",
        "AsyncListAPIView",
        "AsyncCreateAPIView",
        "AsyncRetrieveAPIView",
        "AsyncUpdateAPIView",
        "AsyncDestroyAPIView",
        "AsyncListCreateAPIView",
        "AsyncRetrieveUpdateAPIView",
        "AsyncRetrieveDestroyAPIView",
        "AsyncRetrieveUpdateDestroyAPIView",
        "CreateModelMixin",
        "ListModelMixin",
        "RetrieveModelMixin",
        "UpdateModelMixin",
        "DestroyModelMixin",
        "AsyncCreateModelMixin",
        "AsyncListModelMixin",
        "AsyncRetrieveModelMixin",
        "AsyncUpdateModelMixin",
        "AsyncDestroyModelMixin",
        "PostFetch",
        "ActionConfig",
        "ViewSet",
        "GenericViewSet",
        "ReadOnlyModelViewSet",
        "ModelViewSet",
        "AsyncViewSet",
        "AsyncGenericViewSet",
        "AsyncReadOnlyModelViewSet",
        "AsyncModelViewSet",
    },
    "restflow.permissions": {
        "BasePermission",
        "AllowAny",
        "IsAuthenticated",
        "IsAuthenticatedOrReadOnly",
        "IsAdminUser",
        "DjangoModelPermissions",
        "DjangoModelPermissionsOrAnonReadOnly",
        "DjangoObjectPermissions",
        "AND",
        "OR",
        "NOT",
        "SAFE_METHODS",
        "has_permission",
        "has_object_permission",
    },
    "restflow.pagination": {
        "BasePagination",
        "PageNumberPagination",
        "LimitOffsetPagination",
        "CursorPagination",
        "FastPageNumberPagination",
    },
    "restflow.test": {
        "AsyncAPIClient",
        "AsyncAPIRequestFactory",
        "force_authenticate",
        "AsyncAPISimpleTestCase",
        "AsyncAPITestCase",
        "AsyncAPITransactionTestCase",
        "AsyncAPILiveServerTestCase",
    },
}

SUBMODULE_NAMES = {
    "restflow.views.views": {
        "APIViewHelpersMixin",
        "perform_post_fetches",
        "aperform_post_fetches",
    },
    "restflow.views.mixins": {"asave_serializer"},
    "restflow.views.viewsets": {
        "ActionConfigResolutionMixin",
        "ViewSetMixin",
        "AsyncViewSetMixin",
    },
    "restflow.pagination.pagination": {"AsyncPage", "AsyncPaginator"},
}


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's order for __all__: CONSTANTS, then Classes, then functions.
    if name.isupper():
        return (0, name)
    return (1 if name[0].isupper() else 2, name)


@pytest.mark.parametrize("module_name", list(EXPECTED))
def test_all_is_exact_and_sorted(module_name):
    module = importlib.import_module(module_name)
    assert set(module.__all__) == EXPECTED[module_name]
    assert list(module.__all__) == sorted(module.__all__, key=_isort_key)
    for name in module.__all__:
        assert getattr(module, name) is not None


@pytest.mark.parametrize("module_name", list(SUBMODULE_NAMES))
def test_submodule_names(module_name):
    module = importlib.import_module(module_name)
    for name in SUBMODULE_NAMES[module_name]:
        assert name in module.__all__
        assert hasattr(module, name)
