"""Views that raise each kind of exception, for the envelope and middleware tests.

``RAISERS`` maps a short name to a callable that raises one exception.
A sync DRF view, a plain sync Django view and a plain async Django view
all serve the same table, so every mapping is tested on each path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar

from django.core import exceptions as django_exceptions
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.views.decorators.csrf import csrf_protect
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.authentication import BasicAuthentication
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from restflow.exceptions import APIException, ErrorCode
from restflow.middleware import RestflowMiddleware
from restflow.views import AsyncAPIView


class ItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)


class OrderSerializer(serializers.Serializer):
    customer = serializers.CharField()
    items = ItemSerializer(many=True)
    shipping = ItemSerializer()

    def validate(self, attrs):
        raise serializers.ValidationError("Orders are closed.")


class OutOfStock(APIException):
    status_code = 409
    code = ErrorCode.CONFLICT
    default_detail = "The product is out of stock."


class Teapot(drf_exceptions.APIException):
    status_code = 418
    default_detail = "I refuse to brew coffee."
    default_code = "teapot"


def _raise(factory: Callable[[], BaseException]) -> Callable[[], None]:
    # A new exception per request: DRF mutates the instance it handles
    # (auth_header, a 401 downgraded to 403).
    def raiser() -> None:
        raise factory()

    return raiser


def _invalid_order() -> None:
    serializer = OrderSerializer(
        data={"items": [{"name": "pen", "quantity": 2}, {"quantity": 0}], "shipping": {}}
    )
    serializer.is_valid(raise_exception=True)


def _closed_order() -> None:
    serializer = OrderSerializer(
        data={
            "customer": "ada",
            "items": [{"name": "pen", "quantity": 1}],
            "shipping": {"name": "box", "quantity": 1},
        }
    )
    serializer.is_valid(raise_exception=True)


def _crash() -> None:
    raise RuntimeError("secret connection string postgres://user:pw@db")


RAISERS: dict[str, Callable[[], None]] = {
    "drf-validation": _invalid_order,
    "drf-validation-hook": _closed_order,
    "drf-validation-list": _raise(lambda: drf_exceptions.ValidationError(["first", "second"])),
    "drf-not-authenticated": _raise(lambda: drf_exceptions.NotAuthenticated()),
    "drf-authentication-failed": _raise(lambda: drf_exceptions.AuthenticationFailed()),
    "drf-token-blacklisted": _raise(
        lambda: drf_exceptions.AuthenticationFailed(
            "Token is blacklisted.", code="token_blacklisted"
        )
    ),
    "drf-permission-denied": _raise(lambda: drf_exceptions.PermissionDenied()),
    "drf-not-found": _raise(lambda: drf_exceptions.NotFound()),
    "drf-method-not-allowed": _raise(lambda: drf_exceptions.MethodNotAllowed("PATCH")),
    "drf-not-acceptable": _raise(lambda: drf_exceptions.NotAcceptable()),
    "drf-unsupported-media-type": _raise(lambda: drf_exceptions.UnsupportedMediaType("text/csv")),
    "drf-parse-error": _raise(lambda: drf_exceptions.ParseError()),
    "drf-throttled": _raise(lambda: drf_exceptions.Throttled(wait=7.2)),
    "drf-throttled-no-wait": _raise(lambda: drf_exceptions.Throttled()),
    "drf-custom": _raise(lambda: Teapot()),
    "drf-generic": _raise(lambda: drf_exceptions.APIException()),
    "restflow-conflict": _raise(lambda: OutOfStock(details={"product": 7})),
    "restflow-override": _raise(
        lambda: APIException("Upstream timed out.", code="upstream_timeout", status_code=504)
    ),
    "django-404": _raise(lambda: Http404("No Product matches the given query.")),
    "django-does-not-exist": _raise(lambda: django_exceptions.ObjectDoesNotExist()),
    "django-permission-denied": _raise(lambda: django_exceptions.PermissionDenied()),
    "django-validation": _raise(
        lambda: django_exceptions.ValidationError({"email": ["Enter a valid email address."]})
    ),
    "django-validation-message": _raise(lambda: django_exceptions.ValidationError("Bad dates.")),
    "django-suspicious": _raise(lambda: django_exceptions.SuspiciousOperation("bad host header")),
    "django-bad-request": _raise(lambda: django_exceptions.BadRequest("nope")),
    "django-too-big": _raise(lambda: django_exceptions.RequestDataTooBig("too big")),
    "django-too-many-fields": _raise(lambda: django_exceptions.TooManyFieldsSent("too many")),
    "db-operational": _raise(lambda: OperationalError("could not connect to server")),
    "db-interface": _raise(lambda: InterfaceError("connection already closed")),
    "crash": _crash,
}


# Fixed policies, so the project's REST_FRAMEWORK defaults cannot change the outcome.
@api_view(["GET", "POST"])
@authentication_classes([BasicAuthentication])
@permission_classes([AllowAny])
@throttle_classes([])
def drf_raise(request: Request, name: str) -> Response:
    RAISERS[name]()
    return Response({"ok": True})


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def drf_raise_no_auth_header(request: Request, name: str) -> Response:
    RAISERS[name]()
    return Response({"ok": True})


def plain_raise(request: HttpRequest, name: str) -> HttpResponse:
    RAISERS[name]()
    return JsonResponse({"ok": True})


async def async_raise(request: HttpRequest, name: str) -> HttpResponse:
    RAISERS[name]()
    return JsonResponse({"ok": True})


def plain_ok(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"request_id": getattr(request, "request_id", None)})


async def async_ok(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"request_id": getattr(request, "request_id", None)})


def plain_teapot(request: HttpRequest) -> HttpResponse:
    return HttpResponse("short and stout", status=418, content_type="text/plain")


def plain_not_found(request: HttpRequest) -> HttpResponse:
    return HttpResponse("gone on purpose", status=404, content_type="text/plain")


@csrf_protect
def plain_form(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def drf_ok(request: Request) -> Response:
    return Response({"request_id": request.request_id})


def plain_context(request: HttpRequest) -> HttpResponse:
    from restflow.logging import get_request_id

    logging.getLogger("restflow.tests").warning("inside the view")
    return JsonResponse({"context_request_id": get_request_id()})


async def async_context(request: HttpRequest) -> HttpResponse:
    from restflow.logging import get_request_id

    logging.getLogger("restflow.tests").warning("inside the async view")
    return JsonResponse({"context_request_id": get_request_id()})


class RaiseInMiddleware:
    """Test middleware that crashes for paths ending in ``/middleware-crash/``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.endswith("/middleware-crash/"):
            raise RuntimeError("middleware crashed")
        return self.get_response(request)


@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def drf_create_then_fail(request: Request) -> Response:
    from catalog.models import Category

    Category.objects.create(name="Rolled back", slug="rolled-back")
    raise serializers.ValidationError({"slug": ["Taken after all."]})


_COUNTER = {"calls": 0}


def plain_counter(request: HttpRequest, token: str) -> HttpResponse:
    _COUNTER["calls"] += 1
    return JsonResponse({"calls": _COUNTER["calls"]})


async def async_counter(request: HttpRequest, token: str) -> HttpResponse:
    _COUNTER["calls"] += 1
    return JsonResponse({"calls": _COUNTER["calls"]})


class RecordingMiddleware(RestflowMiddleware):
    """RestflowMiddleware that records the thread each of its paths ran on."""

    seen: ClassVar[list[tuple[str, threading.Thread]]] = []

    def get_view_response(self, request: HttpRequest) -> HttpResponseBase:
        self.seen.append(("sync", threading.current_thread()))
        return super().get_view_response(request)

    async def aget_view_response(self, request: HttpRequest) -> HttpResponseBase:
        self.seen.append(("async", threading.current_thread()))
        return await super().aget_view_response(request)


class AsyncRaiseView(AsyncAPIView):
    """restflow's async DRF view raising the named exception, with fixed policies."""

    authentication_classes = [BasicAuthentication]
    permission_classes = [AllowAny]
    throttle_classes: ClassVar[list[Any]] = []

    async def get(self, request: Request, name: str) -> Response:
        RAISERS[name]()
        return Response({"ok": True})


def _logged_chunks(label: str) -> Iterator[bytes]:
    for index in range(2):
        logging.getLogger("restflow.tests").warning("%s chunk %d", label, index)
        yield f"{label}-{index};".encode()


async def _alogged_chunks(label: str) -> AsyncIterator[bytes]:
    for chunk in _logged_chunks(label):
        yield chunk


def plain_stream(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(_logged_chunks("sync"))


async def async_stream(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(_alogged_chunks("async"))
