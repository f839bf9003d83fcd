"""Build a drf-spectacular schema, validate it and fail on any generator warning."""

from __future__ import annotations

from typing import Any

from django.test import override_settings
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

SCHEMA_CLASS = "restflow.spectacular.RestflowAutoSchema"
HANDLER = "restflow.exceptions.exception_handler"


def build_schema(patterns: Any, **rest_framework: Any) -> dict[str, Any]:
    """Return the validated schema of ``patterns``; fail on drf-spectacular warnings or errors.

    ``rest_framework`` entries go into ``REST_FRAMEWORK`` on top of the
    restflow schema class and exception handler.
    """
    settings = {"DEFAULT_SCHEMA_CLASS": SCHEMA_CLASS, "EXCEPTION_HANDLER": HANDLER}
    settings.update(rest_framework)
    with override_settings(REST_FRAMEWORK=settings):
        schema = SchemaGenerator(patterns=patterns).get_schema(public=True)
        validate_schema(schema)
    warnings = dict(GENERATOR_STATS._warn_cache)
    errors = dict(GENERATOR_STATS._error_cache)
    assert warnings == {}, warnings
    assert errors == {}, errors
    return schema


def operation(schema: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    """Return one operation of ``schema``."""
    return schema["paths"][path][method]  # type: ignore[no-any-return]


def parameter_names(op: dict[str, Any]) -> list[str]:
    """Return the names of an operation's parameters, in schema order."""
    return [parameter["name"] for parameter in op.get("parameters", [])]


def response_ref(op: dict[str, Any], status: str, media_type: str = "application/json") -> str:
    """Return the ``$ref`` of one response body."""
    return op["responses"][status]["content"][media_type]["schema"]["$ref"]  # type: ignore[no-any-return]
