"""RestflowAutoSchema follows settings read at generation time: envelope, handler, JWT."""

from __future__ import annotations

import pytest
from django.test import override_settings
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.views import APIView

from restflow.exceptions import RestflowEnvelope
from tests.unit.spectacular import openapi_views
from tests.unit.spectacular.support import SCHEMA_CLASS, build_schema, operation

pytestmark = pytest.mark.django_db


@override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "problem"}})
def test_problem_envelope_media_type_and_schema():
    schema = build_schema(openapi_views.urlpatterns)
    responses = operation(schema, "/api/products/")["responses"]
    assert list(responses["400"]["content"]) == ["application/problem+json"]
    media = responses["400"]["content"]["application/problem+json"]
    assert media["schema"] == {"$ref": "#/components/schemas/ProblemDetails"}
    assert media["example"]["errors"] == [
        {"detail": "This field is required.", "pointer": "#/name"}
    ]
    assert media["example"]["status"] == 400
    problem = schema["components"]["schemas"]["ProblemDetails"]
    assert {"type", "title", "status", "detail", "instance", "code", "errors"} == set(
        problem["required"]
    )
    assert "ErrorEnvelope" not in schema["components"]["schemas"]
    # Success bodies keep the renderers' media types.
    assert "application/json" in responses["200"]["content"]


def test_drf_handler_adds_no_envelope():
    schema = build_schema(
        openapi_views.urlpatterns, EXCEPTION_HANDLER="rest_framework.views.exception_handler"
    )
    codes = set(operation(schema, "/api/products/")["responses"])
    assert codes == {"200"}
    assert "ErrorEnvelope" not in schema["components"]["schemas"]


class DocumentedEnvelope(RestflowEnvelope):
    media_type = "application/vnd.shop.error+json"
    negotiate = False

    def get_openapi_schema(self):
        return {"type": "object", "properties": {"oops": {"type": "string"}}}


class UndocumentedEnvelope(RestflowEnvelope.__mro__[1]):  # BaseEnvelope
    def build(self, error, request=None):
        return {"oops": error.message}


ENVELOPE_PATH = "tests.unit.spectacular.test_schema_settings."


@override_settings(
    RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": ENVELOPE_PATH + "DocumentedEnvelope"}}
)
def test_project_envelope_describes_itself():
    schema = build_schema(openapi_views.urlpatterns)
    content = operation(schema, "/api/products/")["responses"]["404"]["content"]
    assert content == {
        "application/vnd.shop.error+json": {
            "schema": {"$ref": "#/components/schemas/DocumentedEnvelope"}
        }
    }
    assert schema["components"]["schemas"]["DocumentedEnvelope"]["properties"] == {
        "oops": {"type": "string"}
    }


class NegotiatedEnvelope(DocumentedEnvelope):
    negotiate = True


@override_settings(
    RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": ENVELOPE_PATH + "NegotiatedEnvelope"}}
)
def test_negotiating_envelope_uses_view_renderers():
    schema = build_schema(openapi_views.urlpatterns)
    content = operation(schema, "/api/products/")["responses"]["404"]["content"]
    # The viewset renders JSON (the browsable API is left out of schemas).
    assert list(content) == ["application/json"]


@override_settings(
    RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": ENVELOPE_PATH + "UndocumentedEnvelope"}}
)
def test_undocumented_envelope_is_free_form():
    schema = build_schema(openapi_views.urlpatterns)
    assert schema["components"]["schemas"]["UndocumentedEnvelope"] == {
        "type": "object",
        "additionalProperties": {},
    }


@override_settings(RESTFLOW_SETTINGS={"JWT": {"AUTH_HEADER_TYPES": ["JWT"]}})
def test_non_bearer_header_type_is_an_api_key():
    schema = build_schema(openapi_views.urlpatterns)
    scheme = schema["components"]["securitySchemes"]["jwtAuth"]
    assert scheme["type"] == "apiKey"
    assert scheme["in"] == "header"
    assert scheme["name"] == "Authorization"
    assert '"Authorization: JWT <token>"' in scheme["description"]


@override_settings(RESTFLOW_SETTINGS={"JWT": {"AUTH_COOKIE_ENABLED": True}})
def test_cookie_is_an_alternative_scheme():
    schema = build_schema(openapi_views.urlpatterns)
    assert operation(schema, "/api/products/")["security"] == [
        {"jwtAuth": []},
        {"jwtCookieAuth": []},
    ]
    cookie = schema["components"]["securitySchemes"]["jwtCookieAuth"]
    assert cookie == {
        "type": "apiKey",
        "in": "cookie",
        "name": "restflow_access",
        "description": "JWT access token in the cookie set by the token views.",
    }


class OverrideSerializer(serializers.Serializer):
    note = serializers.CharField()


def test_extend_schema_responses_win():
    from django.urls import path

    # extend_schema subclasses the schema class configured when it decorates,
    # so the view is declared under the settings that name RestflowAutoSchema.
    with override_settings(REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": SCHEMA_CLASS}):

        class Overridden(APIView):
            authentication_classes = []
            permission_classes = [permissions.AllowAny]
            throttle_classes = []

            @extend_schema(responses={200: OverrideSerializer, 404: OverrideSerializer})
            def get(self, request):
                raise NotImplementedError

    schema = build_schema([path("api/override/", Overridden.as_view())])
    responses = operation(schema, "/api/override/")["responses"]
    ref = responses["404"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/Override"
    # The statuses the override leaves out still get the envelope.
    assert responses["500"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
