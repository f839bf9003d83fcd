"""Property tests: any incoming request id header is either echoed exactly or replaced."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from restflow.middleware import REQUEST_ID_MAX_LENGTH, is_valid_request_id

pytestmark = pytest.mark.urls("tests.unit.exceptions.urls")

UUID_HEX = re.compile(r"[0-9a-f]{32}")
SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]*")

# Header values a client can send: printable Latin-1 without line breaks.
header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
    min_size=1,
    max_size=200,
)


@given(st.text(max_size=300))
def test_validity_matches_rule(value):
    expected = 0 < len(value) <= REQUEST_ID_MAX_LENGTH and SAFE.fullmatch(value) is not None
    assert is_valid_request_id(value) == expected


@settings(max_examples=150, deadline=None)
@given(header_values)
def test_header_echoed_or_replaced(value):
    response = Client().get("/api/plain/ok/", headers={"X-Request-ID": value})
    echoed = response["X-Request-ID"]
    if is_valid_request_id(value):
        assert echoed == value
    else:
        assert UUID_HEX.fullmatch(echoed)
    assert response.json() == {"request_id": echoed}
