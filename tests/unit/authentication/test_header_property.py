"""Arbitrary ``Authorization`` headers and token strings never escape as anything but a 401."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import AuthenticationFailed

from restflow.authentication.errors import TokenError
from restflow.authentication.jwt import decode_token
from restflow.authentication.jwt_authentication import JWTAuthentication
from tests.unit.authentication.conftest import run

pytestmark = pytest.mark.django_db

headers = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda body: b"Bearer " + body, st.binary(max_size=300)),
    st.builds(
        lambda parts: "Bearer " + ".".join(parts),
        st.lists(st.text(alphabet="AZaz09-_=", max_size=60), min_size=1, max_size=4),
    ),
)
settings_ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@settings_
@given(header=headers)
def test_any_header_sync(jwt_settings, make_request, header):
    try:
        result = JWTAuthentication().authenticate(make_request(header))
    except AuthenticationFailed as exc:
        assert exc.status_code == 401
    else:
        assert result is None


@settings_
@given(header=headers)
def test_any_header_async(jwt_settings, make_request, header):
    try:
        result = run(JWTAuthentication().aauthenticate, make_request(header))
    except AuthenticationFailed as exc:
        assert exc.status_code == 401
    else:
        assert result is None


@settings_
@given(raw=st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_decode_any_string(jwt_settings, raw):
    with pytest.raises(TokenError):
        decode_token(raw)
