"""Envelope components on their own: shapes, pointers, media types, request ids."""

from __future__ import annotations

import json

from django.test import RequestFactory, override_settings

from restflow.exceptions import ErrorInfo
from restflow.exceptions.envelopes import ProblemEnvelope, RestflowEnvelope
from restflow.logging import reset_request_id, set_request_id

VALIDATION = ErrorInfo(
    400,
    "validation_error",
    "Request validation failed.",
    {"a/b": ["Slash."], "c~d": ["Tilde."], "items": [{}, {"name": ["Required."]}]},
)


def test_restflow_shape_without_request_id():
    body = RestflowEnvelope().build(ErrorInfo(404, "not_found", "Gone."))
    assert body == {"error": {"code": "not_found", "message": "Gone.", "details": {}}}


def test_restflow_request_id_from_context():
    token = set_request_id("from-context")
    try:
        body = RestflowEnvelope().build(ErrorInfo(404, "not_found", "Gone."))
    finally:
        reset_request_id(token)
    assert body["error"]["request_id"] == "from-context"


def test_request_attribute_wins_over_context():
    request = RequestFactory().get("/api/x/")
    request.request_id = "from-request"
    token = set_request_id("from-context")
    try:
        body = ProblemEnvelope().build(ErrorInfo(404, "not_found", "Gone."), request)
    finally:
        reset_request_id(token)
    assert body["request_id"] == "from-request"
    assert body["instance"] == "/api/x/"


def test_problem_pointers_escaped():
    errors = ProblemEnvelope().build(VALIDATION)["errors"]
    assert {"detail": "Slash.", "pointer": "#/a~1b"} in errors
    assert {"detail": "Tilde.", "pointer": "#/c~0d"} in errors
    assert {"detail": "Required.", "pointer": "#/items/1/name"} in errors
    assert len(errors) == 3


def test_problem_without_request():
    body = ProblemEnvelope().build(ErrorInfo(429, "throttled", "Slow down.", {"wait": 3}))
    assert body["instance"] is None
    assert body["title"] == "Too Many Requests"
    assert body["errors"] == []
    assert body["details"] == {"wait": 3}
    assert "request_id" not in body


def test_problem_unknown_status_title():
    body = ProblemEnvelope().build(ErrorInfo(599, "network_gone", "Gone."))
    assert body["title"] == "Network gone"


@override_settings(
    RESTFLOW_SETTINGS={"EXCEPTIONS": {"PROBLEM_TYPE_BASE_URI": "https://e.example/"}}
)
def test_problem_type_from_base_uri():
    body = ProblemEnvelope().build(ErrorInfo(409, "out_of_stock", "None left."))
    assert body["type"] == "https://e.example/out_of_stock"
    assert body["title"] == "Conflict"


def test_http_response_media_types():
    error = ErrorInfo(429, "throttled", "Slow down.", headers={"Retry-After": "3"})
    problem = ProblemEnvelope().http_response(error)
    plain = RestflowEnvelope().http_response(error)
    assert problem["Content-Type"] == "application/problem+json"
    assert plain["Content-Type"] == "application/json"
    assert problem["Retry-After"] == plain["Retry-After"] == "3"
    assert json.loads(problem.content)["status"] == 429
    assert problem.status_code == plain.status_code == 429
