"""Envelope descriptions, examples and the handler check."""

from __future__ import annotations

from django.test import override_settings

from restflow.spectacular.errors import (
    PROBLEM_SCHEMA,
    RESTFLOW_ERROR_SCHEMA,
    describe_envelope,
    error_example,
    uses_restflow_handler,
)


def test_default_envelope():
    description = describe_envelope()
    assert description.component_name == "ErrorEnvelope"
    assert description.schema is RESTFLOW_ERROR_SCHEMA
    assert description.media_type == "application/json"
    assert description.style == "restflow"


@override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "problem"}})
def test_problem_envelope():
    description = describe_envelope()
    assert description.component_name == "ProblemDetails"
    assert description.schema is PROBLEM_SCHEMA
    assert description.media_type == "application/problem+json"
    assert description.style == "problem"


def test_restflow_examples_per_status():
    assert error_example("restflow", 404) == {
        "error": {"code": "not_found", "message": "Resource not found.", "details": {}}
    }
    assert error_example("restflow", 429)["error"]["details"] == {"retry_after_seconds": 12}
    # A status without its own example takes the code restflow gives it.
    assert error_example("restflow", 409)["error"] == {
        "code": "conflict",
        "message": "Conflict.",
        "details": {},
    }
    assert error_example("restflow", 418)["error"]["code"] == "bad_request"
    assert error_example("restflow", 599)["error"]["message"] == "Error."


def test_problem_examples():
    throttled = error_example("problem", 429)
    assert throttled["title"] == "Too Many Requests"
    assert throttled["errors"] == []
    assert throttled["details"] == {"retry_after_seconds": 12}
    invalid = error_example("problem", 400)
    assert invalid["code"] == "validation_error"
    assert "details" not in invalid


def test_no_example_for_project_envelopes():
    assert error_example(None, 400) is None


def test_handler_check():
    with override_settings(
        REST_FRAMEWORK={"EXCEPTION_HANDLER": "rest_framework.views.exception_handler"}
    ):
        assert uses_restflow_handler() is False
    with override_settings(
        REST_FRAMEWORK={"EXCEPTION_HANDLER": "restflow.exceptions.exception_handler"}
    ):
        assert uses_restflow_handler() is True
