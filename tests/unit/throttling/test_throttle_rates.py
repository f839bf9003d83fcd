"""parse_rate: accepted forms, multiples, and errors that name the rate and the forms."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from restflow.throttling.rates import UNIT_SECONDS, InvalidRateError, Rate, parse_rate


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("100/hour", Rate(100, 3600)),
        ("10/min", Rate(10, 60)),
        ("10/m", Rate(10, 60)),
        ("5/10s", Rate(5, 10)),
        ("5/10 s", Rate(5, 10)),
        ("1000/2days", Rate(1000, 172800)),
        ("3/second", Rate(3, 1)),
        ("7/d", Rate(7, 86400)),
        (" 20/Minute ", Rate(20, 60)),
        ("1/15minutes", Rate(1, 900)),
    ],
)
def test_accepted_forms(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize(
    ("rate", "reason"),
    [
        ("10/monthly", "'monthly' is not a known time unit"),
        ("10/ms", "'ms' is not a known time unit"),
        ("ten/min", "not of the form"),
        ("10", "not of the form"),
        ("10/", "not of the form"),
        ("/min", "not of the form"),
        ("-1/min", "not of the form"),
        ("0/min", "request count must be at least 1"),
        ("5/0s", "period multiple must be at least 1"),
        ("1.5/min", "not of the form"),
        ("\u0663/min", "not of the form"),
        ("5/10\ts", "not of the form"),
    ],
)
def test_rejected_forms(rate, reason):
    with pytest.raises(InvalidRateError) as info:
        parse_rate(rate, source='REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["burst"]')
    message = str(info.value)
    assert reason in message
    assert repr(rate) in message
    assert '["burst"]' in message
    assert "'5/10s'" in message


def test_non_string_rejected():
    with pytest.raises(InvalidRateError, match="expected a string, not int"):
        parse_rate(10)


def test_error_is_improperly_configured():
    assert issubclass(InvalidRateError, ImproperlyConfigured)


def test_str_shows_seconds():
    assert str(parse_rate("2/min")) == "2/60s"


@given(
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=1, max_value=10**4),
    st.sampled_from(sorted(UNIT_SECONDS)),
)
def test_every_valid_rate_parses(count, multiple, unit):
    assert parse_rate(f"{count}/{multiple}{unit}") == Rate(count, multiple * UNIT_SECONDS[unit])


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_invalid_rate(text):
    try:
        rate = parse_rate(text)
    except InvalidRateError as exc:
        assert repr(text) in str(exc)
    else:
        assert rate.num_requests >= 1
        assert rate.duration >= 1
