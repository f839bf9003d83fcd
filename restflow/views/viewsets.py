"""Viewsets, sync and async, with per-action overrides through ``ActionConfig``."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.decorators import classonlymethod
from django.views.decorators.csrf import csrf_exempt
from rest_framework import generics as drf_generics
from rest_framework import viewsets as drf_viewsets
from rest_framework.decorators import MethodMapper
from rest_framework.request import Request

from restflow.views.generics import AsyncGenericAPIView
from restflow.views.helpers import APIViewHelpersMixin
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

__all__ = [
    "ActionConfig",
    "ActionConfigResolutionMixin",
    "AsyncGenericViewSet",
    "AsyncModelViewSet",
    "AsyncReadOnlyModelViewSet",
    "AsyncViewSet",
    "AsyncViewSetMixin",
    "GenericViewSet",
    "ModelViewSet",
    "ReadOnlyModelViewSet",
    "ViewSet",
    "ViewSetMixin",
]

_STANDARD_ACTIONS = ("list", "create", "retrieve", "update", "partial_update", "destroy")


@dataclass(frozen=True)
class ActionConfig:
    """Overrides for one viewset action; a field left as None keeps the view's value.

    ``queryset`` may be a QuerySet or Manager (cloned with ``.all()`` on each
    request) or a callable taking the view. ``post_fetches`` replaces the
    view's ``post_fetches`` for the action.
    """

    serializer_class: Any = None
    request_serializer_class: Any = None
    response_serializer_class: Any = None
    permission_classes: Sequence[Any] | None = None
    throttle_classes: Sequence[Any] | None = None
    parser_classes: Sequence[Any] | None = None
    renderer_classes: Sequence[Any] | None = None
    pagination_class: Any = None
    queryset: Any = None
    post_fetches: Sequence[PostFetch] | None = None

    def __post_init__(self) -> None:
        for name in (
            "permission_classes",
            "throttle_classes",
            "parser_classes",
            "renderer_classes",
            "post_fetches",
        ):
            value = getattr(self, name)
            if value is not None and not isinstance(value, (list, tuple)):
                raise TypeError(
                    f"ActionConfig.{name} must be a list or tuple, not {value!r}; "
                    f"write {name}=[{getattr(value, '__name__', repr(value))}]."
                )


def _known_actions(cls: type) -> set[str]:
    known = {name for name in _STANDARD_ACTIONS if callable(getattr(cls, name, None))}
    known.add("metadata")
    # Scan the class dicts rather than call DRF's get_extra_actions(), whose
    # getmembers() would evaluate every attribute, settings descriptors included.
    for klass in cls.__mro__:
        for name, member in vars(klass).items():
            if isinstance(getattr(member, "mapping", None), MethodMapper):
                known.add(name)
    return known


def _validate_action_configs(cls: type) -> None:
    configs = cls.__dict__.get("action_configs")
    if configs is None:
        return
    label = f"{cls.__module__}.{cls.__qualname__}.action_configs"
    if not isinstance(configs, Mapping):
        raise ImproperlyConfigured(
            f"{label} must be a dict of action name -> ActionConfig, not {configs!r}."
        )
    known = _known_actions(cls)
    for name, config in configs.items():
        if name not in known:
            close = difflib.get_close_matches(str(name), sorted(known), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ImproperlyConfigured(
                f"{label} names the unknown action {name!r}.{hint} Actions of this viewset: "
                f"{', '.join(sorted(known))}."
            )
        if not isinstance(config, ActionConfig):
            raise ImproperlyConfigured(
                f"{label}[{name!r}] must be an ActionConfig, not {config!r}; "
                f"write ActionConfig(serializer_class=...)."
            )


class ActionConfigResolutionMixin:
    """Resolve serializers, policies, pagination and queryset through ``action_configs``.

    The entry for ``self.action`` wins over class attributes and ``@action``
    keyword arguments. Unknown action names fail when the class is created.
    """

    action_configs: Mapping[str, ActionConfig] = {}
    # None when the request method maps to no action, as in DRF.
    action: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _validate_action_configs(cls)

    def get_action_config(self) -> ActionConfig | None:
        """Return the ActionConfig of the current action, if any."""
        return self.action_configs.get(getattr(self, "action", None) or "")

    def _configured(self, name: str) -> Any:
        config = self.get_action_config()
        return None if config is None else getattr(config, name)

    def get_serializer_class(self) -> Any:
        value = self._configured("serializer_class")
        return value if value is not None else super().get_serializer_class()  # type: ignore[misc]

    def get_request_serializer_class(self) -> Any:
        value = self._configured("request_serializer_class")
        if value is not None:
            return value
        return super().get_request_serializer_class()  # type: ignore[misc]

    def get_response_serializer_class(self) -> Any:
        value = self._configured("response_serializer_class")
        if value is not None:
            return value
        return super().get_response_serializer_class()  # type: ignore[misc]

    def get_permissions(self) -> list[Any]:
        value = self._configured("permission_classes")
        if value is not None:
            return [permission() for permission in value]
        return super().get_permissions()  # type: ignore[misc, no-any-return]

    def get_throttles(self) -> list[Any]:
        value = self._configured("throttle_classes")
        if value is not None:
            return [throttle() for throttle in value]
        return super().get_throttles()  # type: ignore[misc, no-any-return]

    def get_parsers(self) -> list[Any]:
        value = self._configured("parser_classes")
        if value is not None:
            return [parser() for parser in value]
        return super().get_parsers()  # type: ignore[misc, no-any-return]

    def get_renderers(self) -> list[Any]:
        value = self._configured("renderer_classes")
        if value is not None:
            return [renderer() for renderer in value]
        return super().get_renderers()  # type: ignore[misc, no-any-return]

    def get_pagination_class(self) -> Any:
        value = self._configured("pagination_class")
        return value if value is not None else super().get_pagination_class()  # type: ignore[misc]

    def get_post_fetches(self) -> Sequence[PostFetch]:
        value = self._configured("post_fetches")
        return tuple(value) if value is not None else super().get_post_fetches()  # type: ignore[misc]

    def get_queryset(self) -> Any:
        value = self._configured("queryset")
        if value is None:
            return super().get_queryset()  # type: ignore[misc]
        if hasattr(value, "all"):
            return value.all()
        if callable(value):
            return value(self)
        return value

    get_queryset.restflow_stock = True  # type: ignore[attr-defined]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # DRF sets ``self.action`` after building the Request, but building it
        # reads the parsers, which ActionConfig may override per action.
        method = (request.method or "").lower()
        action_map = getattr(self, "action_map", {})
        self.action = "metadata" if method == "options" else action_map.get(method)  # type: ignore[assignment]
        return super().initialize_request(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class ViewSetMixin(ActionConfigResolutionMixin, drf_viewsets.ViewSetMixin):
    """DRF's ``ViewSetMixin`` with ``action_configs``."""


class AsyncViewSetMixin(ViewSetMixin):
    """A ViewSetMixin whose ``as_view`` returns an ``async`` view function."""

    @classonlymethod
    def as_view(  # type: ignore[override]
        cls, actions: Mapping[str, str] | None = None, **initkwargs: Any
    ) -> Callable[..., Any]:
        """Return an async view for ``actions``, e.g. ``{"get": "list", "post": "create"}``.

        Raises ``TypeError`` for missing actions, a keyword naming an HTTP
        method or an unknown attribute, or both ``name`` and ``suffix``.
        """
        view_class: Any = cls
        # Routers pass these as initkwargs; they must exist on the class.
        view_class.name = None
        view_class.description = None
        view_class.suffix = None
        view_class.detail = None
        view_class.basename = None

        if not actions:
            raise TypeError(
                f"{cls.__name__}.as_view() requires the `actions` argument, for example "
                "`.as_view({'get': 'list', 'post': 'create'})`."
            )
        for key in initkwargs:
            if key in view_class.http_method_names:
                raise TypeError(
                    f"{cls.__name__}.as_view() received the HTTP method name {key!r} as a "
                    "keyword argument; map methods to actions in `actions` instead."
                )
            if not hasattr(cls, key):
                raise TypeError(
                    f"{cls.__name__}.as_view() received {key!r}, which is not an attribute "
                    "of the class."
                )
        if "name" in initkwargs and "suffix" in initkwargs:
            raise TypeError(
                f"{cls.__name__}.as_view() received both `name` and `suffix`; pass only one."
            )

        requested = dict(actions)
        bound_actions = dict(requested)
        if "get" in bound_actions and "head" not in bound_actions:
            bound_actions["head"] = bound_actions["get"]

        async def view(request: Any, *args: Any, **kwargs: Any) -> Any:
            self = view_class(**initkwargs)
            self.action_map = bound_actions
            for method, action in bound_actions.items():
                setattr(self, method, getattr(self, action))
            self.request = request
            self.args = args
            self.kwargs = kwargs
            return await self.dispatch(request, *args, **kwargs)

        update_wrapper(view, cls, updated=())
        update_wrapper(view, view_class.dispatch, assigned=())
        view.cls = cls  # type: ignore[attr-defined]
        view.initkwargs = initkwargs  # type: ignore[attr-defined]
        view.actions = requested  # type: ignore[attr-defined]
        # Exempt from LoginRequiredMiddleware (Django 5.1+): DRF permissions decide.
        view.login_required = False  # type: ignore[attr-defined]
        return csrf_exempt(view)


class ViewSet(ViewSetMixin, APIView):  # type: ignore[misc]
    """A sync viewset with no actions of its own."""


class GenericViewSet(ViewSetMixin, APIViewHelpersMixin, drf_generics.GenericAPIView):  # type: ignore[misc]
    """A sync generic viewset: add mixins for the actions."""


class ReadOnlyModelViewSet(  # type: ignore[misc]
    RetrieveModelMixin, ListModelMixin, GenericViewSet
):
    """Sync ``list`` and ``retrieve``."""


class ModelViewSet(  # type: ignore[misc]
    CreateModelMixin,
    RetrieveModelMixin,
    UpdateModelMixin,
    DestroyModelMixin,
    ListModelMixin,
    GenericViewSet,
):
    """Sync ``list``, ``create``, ``retrieve``, ``update``, ``partial_update``, ``destroy``."""


class AsyncViewSet(AsyncViewSetMixin, AsyncAPIView):  # type: ignore[misc]
    """An async viewset with no actions of its own."""


class AsyncGenericViewSet(AsyncViewSetMixin, AsyncGenericAPIView):  # type: ignore[misc]
    """An async generic viewset: add async mixins for the actions."""


class AsyncReadOnlyModelViewSet(  # type: ignore[misc]
    AsyncRetrieveModelMixin, AsyncListModelMixin, AsyncGenericViewSet
):
    """Async ``list`` and ``retrieve``."""


class AsyncModelViewSet(  # type: ignore[misc]
    AsyncCreateModelMixin,
    AsyncRetrieveModelMixin,
    AsyncUpdateModelMixin,
    AsyncDestroyModelMixin,
    AsyncListModelMixin,
    AsyncGenericViewSet,
):
    """Async ``list``, ``create``, ``retrieve``, ``update``, ``partial_update``, ``destroy``."""
