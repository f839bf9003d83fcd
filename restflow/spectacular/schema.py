"""``RestflowAutoSchema``: drf-spectacular's ``AutoSchema`` aware of restflow views and components.

Set ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "restflow.spectacular.RestflowAutoSchema"``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_serializer_context, force_instance
from drf_spectacular.types import OpenApiTypes
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination

import restflow.spectacular.extensions  # noqa: F401  (registers the authentication schemes)
from restflow.spectacular.errors import (
    ERROR_DESCRIPTIONS,
    describe_envelope,
    error_example,
    uses_restflow_handler,
)
from restflow.spectacular.parameters import build_view_filter_parameters, merge_parameters
from restflow.spectacular.streaming import STREAM_ATTRIBUTE, StreamSchema, describe_stream

__all__ = ["RestflowAutoSchema"]

logger = logging.getLogger(__name__)

# Errors that a getter may raise when it runs without a request; anything
# else is a bug in the view and propagates.
_GETTER_ERRORS = (AttributeError, ImproperlyConfigured, TypeError)

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

# Paginator classes whose subclasses share one response shape, so their
# component names use the family instead of the subclass name.
_PAGINATOR_FAMILIES = frozenset(
    {"FastPageNumberPagination", "CursorPagination", "LimitOffsetPagination"}
)


class RestflowAutoSchema(AutoSchema):
    """drf-spectacular ``AutoSchema`` for restflow and plain DRF views.

    On top of drf-spectacular it documents, per operation:

    - request and response serializers from ``action_configs`` and from the
      ``request_serializer_class`` / ``response_serializer_class`` split;
    - the paginated shape of whichever paginator the action uses;
    - the query parameters of the view's restflow FilterSet, also on views
      that are not generic;
    - the error envelope named by ``EXCEPTIONS.ENVELOPE`` for each status
      the operation can return;
    - streamed responses declared with :func:`~restflow.spectacular.streaming_schema`.

    ``@extend_schema`` overrides still win: they subclass this class.
    """

    # --- resolution helpers ---------------------------------------------------

    def restflow_action_config(self) -> Any:
        """Return the view's ``ActionConfig`` for the current action, or None."""
        configs = getattr(self.view, "action_configs", None)
        action = getattr(self.view, "action", None)
        if not configs or not action:
            return None
        return configs.get(action)

    def _config_value(self, name: str) -> Any:
        config = self.restflow_action_config()
        return None if config is None else getattr(config, name, None)

    def _call_getter(self, name: str) -> Any:
        getter = getattr(self.view, name, None)
        if not callable(getter):
            return None
        try:
            return getter()
        except _GETTER_ERRORS:
            logger.warning(
                "%s.%s() failed during schema generation; trying the next source",
                type(self.view).__name__,
                name,
                exc_info=True,
            )
            return None

    def _instantiate(self, serializer: Any) -> Any:
        if isinstance(serializer, type):
            return serializer(context=build_serializer_context(self.view))
        return serializer

    def restflow_serializer_class(self) -> Any:
        """Return ``view.get_serializer_class()``, else the ``serializer_class`` attribute."""
        value = self._call_getter("get_serializer_class")
        return value if value is not None else getattr(self.view, "serializer_class", None)

    def resolved_pagination_class(self) -> Any:
        """Return the paginator class of the current action (None when it does not paginate)."""
        value = self._config_value("pagination_class")
        if value is not None:
            return value
        if callable(getattr(self.view, "get_pagination_class", None)):
            return self._call_getter("get_pagination_class")
        return getattr(self.view, "pagination_class", None)

    def is_detail_path(self) -> bool:
        """Return True when the path carries the view's lookup kwarg (a single object)."""
        kwarg = getattr(self.view, "lookup_url_kwarg", None) or getattr(
            self.view, "lookup_field", None
        )
        if not kwarg:
            return False
        if f"{{{kwarg}}}" in self.path:
            return True
        # drf-spectacular may rename {pk} in the path, so the URL pattern
        # decides: a regex group (?P<pk>...) or a path() converter <int:pk>.
        pattern = re.escape(kwarg)
        return bool(re.search(rf"\(\?P<{pattern}>|<(?:\w+:)?{pattern}>", self.path_regex or ""))

    def restflow_stream_schema(self) -> StreamSchema | None:
        """Return the :class:`StreamSchema` declared on the handler of this operation, if any."""
        action = getattr(self.view, "action", None)
        name = action if action else self.method.lower()
        handler = getattr(self.view, name, None)
        spec = getattr(handler, STREAM_ATTRIBUTE, None)
        return spec if isinstance(spec, StreamSchema) else None

    # --- serializers ----------------------------------------------------------

    def get_request_serializer(self) -> Any:
        for source in (
            self._config_value("request_serializer_class"),
            self._config_value("serializer_class"),
            self._call_getter("get_request_serializer_class"),
        ):
            if source is not None:
                return self._instantiate(source)
        return super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        stream = self.restflow_stream_schema()
        if stream is not None:
            # Used for the operation id and list detection; the body itself
            # comes from _get_stream_response.
            if stream.serializer is None:
                return OpenApiTypes.OBJECT
            return self._instantiate(stream.serializer)
        for source in (
            self._config_value("response_serializer_class"),
            self._config_value("serializer_class"),
            self._call_getter("get_response_serializer_class"),
        ):
            if source is not None:
                return self._instantiate(source)
        return super().get_response_serializers()

    # --- lists and pagination -------------------------------------------------

    def _is_list_view(self, serializer: Any = None) -> bool:
        if super()._is_list_view(serializer):
            return True
        # A custom action that names a paginator in its ActionConfig returns
        # pages, which drf-spectacular cannot tell from its name.
        return (
            self.method == "GET"
            and self._config_value("pagination_class") is not None
            and not self.is_detail_path()
        )

    def should_paginate(self) -> bool:
        """Return True when the operation's success body is a page of its paginator."""
        return (
            self.restflow_stream_schema() is None
            and self.resolved_pagination_class() is not None
            and self._is_list_view()
        )

    def _get_paginator(self) -> Any:
        if self.restflow_stream_schema() is not None:
            return None
        pagination_class = self.resolved_pagination_class()
        return pagination_class() if pagination_class else None

    def get_paginated_name(self, serializer_name: str) -> str:
        # Paginators differ in shape (the count-free one has no count), so the
        # component name carries the paginator unless it is the page-number one
        # whose name drf-spectacular uses.
        paginator = self._get_paginator()
        if paginator is None or isinstance(paginator, DRFPageNumberPagination):
            return super().get_paginated_name(serializer_name)
        kind = type(paginator).__name__
        for base in type(paginator).__mro__:
            if base.__name__ in _PAGINATOR_FAMILIES:
                kind = base.__name__
                break
        return f"{kind.removesuffix('Pagination')}Paginated{serializer_name}List"

    # --- parameters -----------------------------------------------------------

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()
        if self.method != "GET" or self.is_detail_path():
            return parameters
        return merge_parameters(parameters, build_view_filter_parameters(self.view))

    # --- responses ------------------------------------------------------------

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        stream = self.restflow_stream_schema() if direction == "response" else None
        if stream is not None:
            responses = {str(stream.status): self._get_stream_response(stream)}
        else:
            responses = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        if direction == "response" and uses_restflow_handler():
            for status, response in self.get_error_responses().items():
                responses.setdefault(str(status), response)
        return responses

    def _get_stream_response(self, stream: StreamSchema) -> dict[str, Any]:
        serializer = force_instance(stream.serializer)
        if serializer is None:
            item: dict[str, Any] = {"type": "object", "additionalProperties": {}}
        else:
            item = self.resolve_serializer(serializer, "response").ref
        media_type, schema = describe_stream(stream.response_class, item)
        return {
            "content": {media_type: {"schema": schema}},
            "description": stream.description or f"Streamed as {media_type}.",
        }

    def get_error_statuses(self) -> list[int]:
        """Return the error statuses this operation can produce, in ascending order.

        - 400 when it reads a request body or has filter parameters, and 415
          (a body in a media type no parser accepts) when it reads a body;
        - 401 when authentication can fail (an authenticator that rejects
          bad credentials, or a permission that requires a user) and the
          view sends a challenge. Without one, DRF answers 403 instead, as
          it does when the first authenticator is the session one;
        - 403 when a permission other than ``AllowAny`` applies, or on an
          unsafe method of a view with session authentication (CSRF);
        - 404 on a detail path, and on paginated lists whose page or cursor
          can be invalid;
        - 429 when the view throttles;
        - 500 and 503 always;
        - every status in the view's ``openapi_error_statuses`` attribute.

        Override to add or remove statuses.
        """
        statuses = {500, 503}
        if self.method in _BODY_METHODS:
            statuses.update((400, 415))
        elif self._get_filter_parameters():
            statuses.add(400)
        authenticators = self._authenticators()
        permission_classes = [type(permission) for permission in self._permissions()]
        restricted = any(cls is not permissions.AllowAny for cls in permission_classes)
        # A session authenticator only ever fails the CSRF check (a 403),
        # while the others reject bad credentials even under AllowAny.
        sessions = [auth for auth in authenticators if isinstance(auth, SessionAuthentication)]
        if len(sessions) < len(authenticators) or (authenticators and restricted):
            statuses.add(401 if self._challenges() else 403)
        if restricted:
            statuses.add(403)
        if sessions and self.method not in permissions.SAFE_METHODS:
            statuses.add(403)
        if self._has_path_variables() or self._paginator_can_miss():
            statuses.add(404)
        if self._throttles():
            statuses.add(429)
        statuses.update(int(status) for status in getattr(self.view, "openapi_error_statuses", ()))
        return sorted(statuses)

    def get_error_responses(self) -> dict[int, dict[str, Any]]:
        """Return the OpenAPI response object of every status in :meth:`get_error_statuses`."""
        envelope = describe_envelope()
        component = ResolvedComponent(
            name=envelope.component_name,
            type=ResolvedComponent.SCHEMA,
            schema=envelope.schema,
            object=envelope.envelope_class,
        )
        self.registry.register_on_missing(component)
        # An envelope that negotiates is rendered like any other response of
        # the view; one that does not is always sent as its own media type.
        media_types = [envelope.media_type]
        if envelope.negotiate:
            media_types = self.map_renderers("media_type") or media_types
        responses: dict[int, dict[str, Any]] = {}
        for status in self.get_error_statuses():
            media: dict[str, Any] = {"schema": component.ref}
            example = error_example(envelope.style, status)
            if example is not None:
                media["example"] = example
            response: dict[str, Any] = {
                "content": {media_type: dict(media) for media_type in media_types},
                "description": ERROR_DESCRIPTIONS.get(status, f"Error {status}."),
            }
            headers = self._error_headers(status)
            if headers:
                response["headers"] = headers
            responses[status] = response
        return responses

    def _error_headers(self, status: int) -> dict[str, Any]:
        if status == 429:
            return {
                "Retry-After": {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait before the next request.",
                }
            }
        if status == 401 and self._challenges():
            return {
                "WWW-Authenticate": {
                    "schema": {"type": "string"},
                    "description": "The authentication scheme to use.",
                }
            }
        return {}

    # --- view policies, read without a request ---------------------------------

    def _authenticators(self) -> list[Any]:
        return list(self._call_getter("get_authenticators") or [])

    def _challenges(self) -> bool:
        # DRF asks the view, which asks its first authenticator; a view may
        # override get_authenticate_header itself.
        getter = getattr(self.view, "get_authenticate_header", None)
        if not callable(getter):
            return False
        try:
            return bool(getter(None))
        except _GETTER_ERRORS:
            return False

    def _permissions(self) -> list[Any]:
        return list(self._call_getter("get_permissions") or [])

    def _throttles(self) -> list[Any]:
        return list(self._call_getter("get_throttles") or [])

    def _has_path_variables(self) -> bool:
        return "{" in self.path

    def _paginator_can_miss(self) -> bool:
        if not self._is_list_view():
            return False
        paginator = self._get_paginator()
        if paginator is None or isinstance(paginator, LimitOffsetPagination):
            return False
        return bool(
            getattr(paginator, "page_query_param", None)
            or getattr(paginator, "cursor_query_param", None)
        )
