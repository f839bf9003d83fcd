"""Security schemes for restflow's authentication classes on plain DRF views."""

from __future__ import annotations

from django.urls import path
from rest_framework import permissions
from rest_framework.views import APIView

from restflow.authentication.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from restflow.authentication.jwt_authentication import JWTAuthentication
from tests.unit.spectacular.openapi_views import ProductSummarySerializer
from tests.unit.spectacular.support import build_schema, operation


class Everything(APIView):
    authentication_classes = [
        JWTAuthentication,
        SessionAuthentication,
        BasicAuthentication,
        TokenAuthentication,
    ]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = []
    serializer_class = ProductSummarySerializer

    def get(self, request):
        raise NotImplementedError


class SubclassedJWT(JWTAuthentication):
    pass


class Subclassed(APIView):
    authentication_classes = [SubclassedJWT]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = []
    serializer_class = ProductSummarySerializer

    def get(self, request):
        raise NotImplementedError


def test_each_restflow_authenticator_has_a_scheme():
    schema = build_schema([path("api/all/", Everything.as_view())])
    assert operation(schema, "/api/all/")["security"] == [
        {"jwtAuth": []},
        {"cookieAuth": []},
        {"basicAuth": []},
        {"tokenAuth": []},
    ]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["basicAuth"] == {"type": "http", "scheme": "basic"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert schemes["tokenAuth"]["in"] == "header"


def test_jwt_subclass_matches():
    schema = build_schema([path("api/sub/", Subclassed.as_view())])
    assert operation(schema, "/api/sub/")["security"] == [{"jwtAuth": []}]


class SessionOnly(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.AllowAny]
    throttle_classes = []
    serializer_class = ProductSummarySerializer

    def get(self, request):
        raise NotImplementedError

    def post(self, request):
        raise NotImplementedError


def test_session_csrf_adds_403_to_unsafe_methods():
    schema = build_schema([path("api/session/", SessionOnly.as_view())])
    assert "403" in operation(schema, "/api/session/", "post")["responses"]
    assert "403" not in operation(schema, "/api/session/", "get")["responses"]


class SessionFirst(APIView):
    authentication_classes = [SessionAuthentication, JWTAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = []
    serializer_class = ProductSummarySerializer

    def get(self, request):
        raise NotImplementedError


class JWTFirst(SessionFirst):
    authentication_classes = [JWTAuthentication, SessionAuthentication]


def test_first_authenticator_decides_401():
    schema = build_schema(
        [
            path("api/session-first/", SessionFirst.as_view()),
            path("api/jwt-first/", JWTFirst.as_view()),
        ]
    )
    session_first = operation(schema, "/api/session-first/")["responses"]
    assert "401" not in session_first
    assert "403" in session_first
    jwt_first = operation(schema, "/api/jwt-first/")["responses"]
    assert "WWW-Authenticate" in jwt_first["401"]["headers"]


class OpenJWT(SessionFirst):
    authentication_classes = [JWTAuthentication]
    permission_classes = [permissions.AllowAny]


def test_jwt_can_fail_under_allow_any():
    schema = build_schema([path("api/open-jwt/", OpenJWT.as_view())])
    responses = operation(schema, "/api/open-jwt/")["responses"]
    # A bad token is rejected even where every permission allows anonymous users.
    assert "401" in responses
    assert "403" not in responses
