"""Serializer, pagination and PostFetch helpers shared by every restflow view."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.response import Response

from restflow.pagination.pagination import SettingDefault
from restflow.views.postfetch import PostFetch, perform_post_fetches

__all__ = ["APIViewHelpersMixin", "LazyPolicyMixin"]

_DIRECTIONS = ("request", "response", None)


class LazyPolicyMixin:
    """DRF policy attributes that read ``REST_FRAMEWORK`` on every access.

    DRF's ``APIView`` copies these defaults into class attributes when it is
    imported, so ``override_settings(REST_FRAMEWORK=...)`` never reaches a
    view. Here a view that sets none of them follows the current settings.
    """

    renderer_classes = SettingDefault("DEFAULT_RENDERER_CLASSES")
    parser_classes = SettingDefault("DEFAULT_PARSER_CLASSES")
    authentication_classes = SettingDefault("DEFAULT_AUTHENTICATION_CLASSES")
    throttle_classes = SettingDefault("DEFAULT_THROTTLE_CLASSES")
    permission_classes = SettingDefault("DEFAULT_PERMISSION_CLASSES")
    content_negotiation_class = SettingDefault("DEFAULT_CONTENT_NEGOTIATION_CLASS")
    metadata_class = SettingDefault("DEFAULT_METADATA_CLASS")
    versioning_class = SettingDefault("DEFAULT_VERSIONING_CLASS")
    filter_backends = SettingDefault("DEFAULT_FILTER_BACKENDS")
    pagination_class = SettingDefault("DEFAULT_PAGINATION_CLASS")


class APIViewHelpersMixin(LazyPolicyMixin):
    """Serializer and response helpers with a request/response serializer split.

    ``request_serializer_class`` validates input and ``response_serializer_class``
    renders output; each falls back to ``serializer_class``. ``pagination_class``
    follows ``DEFAULT_PAGINATION_CLASS`` unless the view sets it (``None`` turns
    pagination off). ``post_fetches`` run on every page or object a helper
    serializes, with or without a paginator.
    """

    serializer_class: Any = None
    request_serializer_class: Any = None
    response_serializer_class: Any = None
    post_fetches: Sequence[PostFetch] = ()

    # --- serializers ------------------------------------------------------

    def get_serializer_context(self) -> dict[str, Any]:
        """Return the context given to every serializer; override to add entries."""
        return {
            "request": getattr(self, "request", None),
            "format": getattr(self, "format_kwarg", None),
            "view": self,
        }

    def get_context(self) -> dict[str, Any]:
        """Return :meth:`get_serializer_context` (kept as the shorter name)."""
        return self.get_serializer_context()

    def get_serializer_class(self) -> Any:
        return self.serializer_class

    def get_request_serializer_class(self) -> Any:
        """Return the serializer class that validates request data."""
        return self.request_serializer_class or self.get_serializer_class()

    def get_response_serializer_class(self) -> Any:
        """Return the serializer class that renders response data."""
        return self.response_serializer_class or self.get_serializer_class()

    def resolve_serializer_class(
        self, serializer_class: Any = None, direction: str | None = None
    ) -> Any:
        """Return ``serializer_class`` or the class configured for ``direction``.

        Raises ``ImproperlyConfigured`` when neither gives a class.
        """
        if direction not in _DIRECTIONS:
            raise ValueError(f"direction must be 'request', 'response' or None, not {direction!r}.")
        if serializer_class is None:
            if direction == "request":
                serializer_class = self.get_request_serializer_class()
            elif direction == "response":
                serializer_class = self.get_response_serializer_class()
            else:
                serializer_class = self.get_serializer_class()
        if serializer_class is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} requires `serializer_class` or a `serializer_class=` "
                "keyword argument."
            )
        return serializer_class

    def get_serializer(
        self,
        *args: Any,
        serializer_class: Any = None,
        direction: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Return a serializer for ``direction`` with the view's context."""
        cls = self.resolve_serializer_class(serializer_class, direction)
        kwargs.setdefault("context", self.get_serializer_context())
        return cls(*args, **kwargs)

    def validated_serializer(
        self, *, data: Any = None, serializer_class: Any = None, **kwargs: Any
    ) -> Any:
        """Return a request serializer on ``data`` (default ``request.data``), validated.

        Raises DRF ``ValidationError`` (a 400 envelope) when the data is invalid.
        """
        if data is None:
            data = self.request.data  # type: ignore[attr-defined]
        serializer = self.get_serializer(
            data=data, serializer_class=serializer_class, direction="request", **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer

    # --- post fetches -----------------------------------------------------

    def get_post_fetches(self) -> Sequence[PostFetch]:
        """Return the PostFetches run on serialized objects; override per action."""
        return tuple(self.post_fetches)

    def _post_fetches(self, post_fetches: Iterable[PostFetch] | None) -> Sequence[PostFetch]:
        return self.get_post_fetches() if post_fetches is None else tuple(post_fetches)

    # --- responses --------------------------------------------------------

    def serialize(
        self,
        instance: Any,
        *,
        many: bool = False,
        serializer_class: Any = None,
        post_fetches: Iterable[PostFetch] | None = None,
    ) -> Any:
        """Return the serialized data of ``instance`` after running the PostFetches."""
        fetches = self._post_fetches(post_fetches)
        if many:
            instance = perform_post_fetches(instance, fetches) if fetches else instance
        elif fetches and instance is not None:
            perform_post_fetches([instance], fetches)
        serializer = self.get_serializer(
            instance, many=many, serializer_class=serializer_class, direction="response"
        )
        return serializer.data

    def serialized_response(
        self,
        instance: Any,
        *,
        many: bool = False,
        status: int = 200,
        serializer_class: Any = None,
        post_fetches: Iterable[PostFetch] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Return a Response with ``instance`` serialized in the response direction."""
        data = self.serialize(
            instance, many=many, serializer_class=serializer_class, post_fetches=post_fetches
        )
        return Response(data, status=status, headers=dict(headers) if headers else None)

    # --- pagination -------------------------------------------------------

    def get_pagination_class(self) -> Any:
        """Return the paginator class; ``None`` turns pagination off."""
        return self.pagination_class

    @property
    def paginator(self) -> Any:
        """The paginator instance, built once per view instance."""
        if not hasattr(self, "_paginator"):
            pagination_class = self.get_pagination_class()
            self._paginator = None if pagination_class is None else pagination_class()
        return self._paginator

    def _paginator_for(self, pagination_class: Any) -> Any:
        if pagination_class is None:
            return self.paginator
        return pagination_class()

    def paginated_response(
        self,
        queryset: Any,
        *,
        serializer_class: Any = None,
        pagination_class: Any = None,
        post_fetches: Iterable[PostFetch] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Return a paginated Response for ``queryset``, or the whole list without a paginator."""
        paginator = self._paginator_for(pagination_class)
        page = None
        if paginator is not None:
            page = paginator.paginate_queryset(queryset, self.request, view=self)  # type: ignore[attr-defined]
        if page is None:
            data = self.serialize(
                queryset, many=True, serializer_class=serializer_class, post_fetches=post_fetches
            )
            return Response(data, headers=dict(headers) if headers else None)
        data = self.serialize(
            page, many=True, serializer_class=serializer_class, post_fetches=post_fetches
        )
        response = paginator.get_paginated_response(data)
        for name, value in (headers or {}).items():
            response[name] = value
        return response  # type: ignore[no-any-return]
