"""Property test: any unknown URL under an envelope path gets a 404 envelope, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.urls("tests.unit.exceptions.urls")

segments = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(segments, st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD"]))
def test_unknown_url_is_enveloped_404(segment, method):
    # No route starts with /api/zz-, so every such path is unknown.
    path = "/api/zz-" + quote(segment, safe="")
    response = Client().generic(method, path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    if method != "HEAD":
        assert response.json()["error"]["code"] == "not_found"
