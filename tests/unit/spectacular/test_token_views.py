"""restflow's token views: real response bodies and their 401 failures in the schema."""

from __future__ import annotations

from django.urls import path
from rest_framework import permissions
from rest_framework.views import APIView

from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView
from tests.unit.spectacular.openapi_views import ProductSummarySerializer
from tests.unit.spectacular.support import build_schema, operation

PATTERNS = [
    path("api/auth/token/", TokenObtainView.as_view()),
    path("api/auth/token/refresh/", TokenRefreshView.as_view()),
    path("api/auth/token/blacklist/", TokenBlacklistView.as_view()),
]


def error_codes(op):
    return sorted(code for code in op["responses"] if code >= "4")


def test_obtain_returns_pair():
    schema = build_schema(PATTERNS)
    obtain = operation(schema, "/api/auth/token/", "post")
    body = obtain["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/TokenObtain"}
    pair = obtain["responses"]["200"]["content"]["application/json"]["schema"]
    assert pair == {"$ref": "#/components/schemas/TokenPair"}
    assert schema["components"]["schemas"]["TokenPair"]["required"] == ["access", "refresh"]
    assert error_codes(obtain) == ["400", "401", "415", "500", "503"]


def test_refresh_pair_has_optional_refresh():
    schema = build_schema(PATTERNS)
    refresh = operation(schema, "/api/auth/token/refresh/", "post")
    pair = refresh["responses"]["200"]["content"]["application/json"]["schema"]
    assert pair == {"$ref": "#/components/schemas/RefreshedTokenPair"}
    assert schema["components"]["schemas"]["RefreshedTokenPair"]["required"] == ["access"]
    assert error_codes(refresh) == ["400", "401", "403", "415", "500", "503"]


def test_blacklist_has_no_body():
    schema = build_schema(PATTERNS)
    blacklist = operation(schema, "/api/auth/token/blacklist/", "post")
    assert blacklist["responses"]["204"] == {"description": "No response body"}
    assert "200" not in blacklist["responses"]
    assert error_codes(blacklist) == ["400", "401", "403", "415", "500", "503"]


def test_original_views_are_unchanged():
    build_schema(PATTERNS)
    for view in (TokenObtainView, TokenRefreshView, TokenBlacklistView):
        assert not hasattr(view, "openapi_error_statuses")
        assert not hasattr(view.post, "kwargs")


class Conflict(APIView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []
    serializer_class = ProductSummarySerializer
    openapi_error_statuses = (409,)

    def put(self, request):
        raise NotImplementedError


def test_view_declares_extra_statuses():
    schema = build_schema([path("api/conflict/", Conflict.as_view())])
    responses = operation(schema, "/api/conflict/", "put")["responses"]
    assert responses["409"]["description"] == (
        "The request conflicts with the current state of the resource."
    )
    assert responses["409"]["content"]["application/json"]["example"]["error"]["code"] == (
        "conflict"
    )
    assert responses["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
