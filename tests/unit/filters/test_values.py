from __future__ import annotations

import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty

from restflow.filters.values import ValueLimits, get_raw_values, read_list, read_scalar, short_repr

LIMITS = ValueLimits(max_value_length=20, max_list_items=3)


def test_absent_key_is_empty():
    assert get_raw_values(QueryDict("a=1"), "b") is empty
    assert read_scalar(QueryDict("a=1"), "b", LIMITS) is empty
    assert read_list(QueryDict("a=1"), "b", LIMITS) is empty


def test_scalar_reads_one_value():
    assert read_scalar(QueryDict("a=1"), "a", LIMITS) == "1"


def test_blank_scalar_counts_as_absent():
    assert read_scalar(QueryDict("a="), "a", LIMITS) is empty
    assert read_scalar(QueryDict("a=%20%20"), "a", LIMITS) is empty


def test_repeated_scalar_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        read_scalar(QueryDict("a=1&a=2"), "a", LIMITS)
    assert "2 were sent" in str(excinfo.value.detail[0])


def test_long_value_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        read_scalar(QueryDict("a=" + "x" * 21), "a", LIMITS)
    assert "maximum is 20" in str(excinfo.value.detail[0])


def test_nul_byte_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        read_scalar(QueryDict("a=x%00y"), "a", LIMITS)
    assert "NUL" in str(excinfo.value.detail[0])


def test_list_combines_repeats_and_commas_and_trims():
    assert read_list(QueryDict("t=a, b&t=c&t=,"), "t", ValueLimits()) == ["a", "b", "c"]


def test_empty_list_parameter_reads_as_empty_list():
    assert read_list(QueryDict("t="), "t", LIMITS) == []


def test_list_past_item_limit_is_rejected():
    with pytest.raises(ValidationError):
        read_list(QueryDict("t=a,b,c,d"), "t", LIMITS)
    with pytest.raises(ValidationError):
        read_list(QueryDict("&".join(["t=a"] * 4)), "t", LIMITS)


def test_list_without_separator_keeps_commas():
    assert read_list(QueryDict("t=a,b"), "t", LIMITS, separator=None) == ["a,b"]


def test_plain_dict_values():
    assert read_scalar({"a": 5}, "a", LIMITS) == 5
    assert read_list({"t": ["a", "b,c"]}, "t", LIMITS) == ["a", "b", "c"]


def test_short_repr_cuts_long_values():
    text = short_repr("x" * 500)
    assert len(text) < 50
    assert text.startswith("'xxx")
