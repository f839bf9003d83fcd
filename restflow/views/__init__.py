"""Async-first views: AsyncAPIView, generics, mixins, viewsets, ActionConfig and PostFetch."""

from __future__ import annotations

from restflow.views.generics import (
    AsyncCreateAPIView,
    AsyncDestroyAPIView,
    AsyncGenericAPIView,
    AsyncListAPIView,
    AsyncListCreateAPIView,
    AsyncRetrieveAPIView,
    AsyncRetrieveDestroyAPIView,
    AsyncRetrieveUpdateAPIView,
    AsyncRetrieveUpdateDestroyAPIView,
    AsyncUpdateAPIView,
)
from restflow.views.mixins import (
    AsyncCreateModelMixin,
    AsyncDestroyModelMixin,
    AsyncListModelMixin,
    AsyncRetrieveModelMixin,
    AsyncUpdateModelMixin,
    CreateModelMixin,
    DestroyModelMixin,
    ListModelMixin,
    RetrieveModelMixin,
    UpdateModelMixin,
)
from restflow.views.postfetch import PostFetch
from restflow.views.views import APIView, AsyncAPIView
from restflow.views.viewsets import (
    ActionConfig,
    AsyncGenericViewSet,
    AsyncModelViewSet,
    AsyncReadOnlyModelViewSet,
    AsyncViewSet,
    GenericViewSet,
    ModelViewSet,
    ReadOnlyModelViewSet,
    ViewSet,
)

__all__ = [
    "APIView",
    "ActionConfig",
    "AsyncAPIView",
    "AsyncCreateAPIView",
    "AsyncCreateModelMixin",
    "AsyncDestroyAPIView",
    "AsyncDestroyModelMixin",
    "AsyncGenericAPIView",
    "AsyncGenericViewSet",
    "AsyncListAPIView",
    "AsyncListCreateAPIView",
    "AsyncListModelMixin",
    "AsyncModelViewSet",
    "AsyncReadOnlyModelViewSet",
    "AsyncRetrieveAPIView",
    "AsyncRetrieveDestroyAPIView",
    "AsyncRetrieveModelMixin",
    "AsyncRetrieveUpdateAPIView",
    "AsyncRetrieveUpdateDestroyAPIView",
    "AsyncUpdateAPIView",
    "AsyncUpdateModelMixin",
    "AsyncViewSet",
    "CreateModelMixin",
    "DestroyModelMixin",
    "GenericViewSet",
    "ListModelMixin",
    "ModelViewSet",
    "PostFetch",
    "ReadOnlyModelViewSet",
    "RetrieveModelMixin",
    "UpdateModelMixin",
    "ViewSet",
]
