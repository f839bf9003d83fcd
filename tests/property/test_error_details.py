"""Property tests: any validation detail tree becomes JSON-ready details in both envelopes."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import exceptions as drf_exceptions
from rest_framework.exceptions import ErrorDetail

from restflow.exceptions import describe_exception
from restflow.exceptions.envelopes import ProblemEnvelope, RestflowEnvelope

messages = st.text(max_size=20).map(lambda text: ErrorDetail(text, code="invalid"))
field_names = st.text(min_size=1, max_size=10)
# The shapes DRF produces: messages, lists of messages, nested dicts, lists of dicts.
details = st.recursive(
    st.lists(messages, min_size=1, max_size=3),
    lambda children: (
        st.dictionaries(field_names, children, min_size=1, max_size=4)
        | st.lists(st.dictionaries(field_names, children, max_size=3), min_size=1, max_size=3)
    ),
    max_leaves=20,
)


def leaf_messages(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_messages(item, (*path, key))
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        for item in value:
            yield path, str(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_messages(item, (*path, str(index)))


def pointer(path):
    escaped = [part.replace("~", "~0").replace("/", "~1") for part in path]
    return "#/" + "/".join(escaped) if escaped else "#"


@settings(deadline=None)
@given(details)
def test_details_keep_every_message(detail):
    error = describe_exception(drf_exceptions.ValidationError(detail))
    assert error.status == 400
    assert error.code == "validation_error"
    json.dumps(error.details)
    expected = sorted(
        leaf_messages(detail if isinstance(detail, dict) else {"non_field_errors": detail})
    )
    assert sorted(leaf_messages(error.details)) == expected


@settings(deadline=None)
@given(details)
def test_problem_pointers_cover_every_message(detail):
    error = describe_exception(drf_exceptions.ValidationError(detail))
    body = ProblemEnvelope().build(error)
    restflow_body = RestflowEnvelope().build(error)
    json.dumps(body)
    json.dumps(restflow_body)
    assert restflow_body["error"]["details"] == error.details
    expected = sorted((pointer(path), message) for path, message in leaf_messages(error.details))
    assert sorted((item["pointer"], item["detail"]) for item in body["errors"]) == expected
