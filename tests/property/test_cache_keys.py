"""Property tests of cache keys: injective, deterministic and valid for memcached and Redis."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.cache import caches
from django.core.cache.backends.base import memcache_key_warnings
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from restflow.caching.backends import get_backend
from restflow.caching.encoding import encode_value
from restflow.caching.key_constructor import DefaultKeyConstructor, KeyConstructor
from restflow.caching.key_fields import ArgsKeyField

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.binary(max_size=20),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, datetime.timezone.utc])),
    st.uuids(),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=8), children, max_size=4),
        st.frozensets(st.one_of(st.integers(), st.text(max_size=5)), max_size=4),
    ),
    max_leaves=12,
)


def _normal(value):
    """Return a comparable form in which values equal to Python but keyed apart stay apart."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", 0.0 if value == 0 else value)
    if isinstance(value, Decimal):
        return ("decimal", value)
    if isinstance(value, datetime.datetime):
        return ("datetime", value.tzinfo is not None, value)
    if isinstance(value, datetime.date):
        return ("date", value)
    if isinstance(value, uuid.UUID):
        return ("uuid", value)
    if isinstance(value, bytes):
        return ("bytes", value)
    if isinstance(value, str):
        return ("str", value)
    if value is None:
        return ("none",)
    if isinstance(value, list):
        return ("list", tuple(_normal(item) for item in value))
    if isinstance(value, tuple):
        return ("tuple", tuple(_normal(item) for item in value))
    if isinstance(value, frozenset):
        return ("set", frozenset(_normal(item) for item in value))
    if isinstance(value, dict):
        return ("dict", frozenset((_normal(k), _normal(v)) for k, v in value.items()))
    raise AssertionError(type(value))


@given(values, values)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_distinct_values_give_distinct_tokens(first, second):
    assume(_normal(first) != _normal(second))
    assert encode_value(first) != encode_value(second)


@given(values)
@settings(max_examples=200)
def test_equal_values_give_equal_tokens(value):
    assert encode_value(value) == encode_value(value)


@given(st.dictionaries(st.text(max_size=6), st.integers(), max_size=6))
def test_dict_insertion_order_is_irrelevant(mapping):
    reordered = dict(reversed(list(mapping.items())))
    assert encode_value(mapping) == encode_value(reordered)


def lookup(user_id, query):
    return None


class SearchKey(KeyConstructor):
    user = ArgsKeyField("user_id", partition=True)
    text = ArgsKeyField("query")

    class Meta:
        namespace = "search"


def _is_valid_key(final: str) -> bool:
    return (
        len(final) <= 250
        and not list(memcache_key_warnings(final))
        and all(33 <= ord(character) < 127 for character in final)
        and " " not in final
    )


@given(values, values)
@settings(max_examples=200, deadline=None)
def test_full_keys_are_valid_for_memcached_and_redis(user, query):
    backend = get_backend("default")
    key = SearchKey().generate_key(lookup, (user, query), {})
    final = caches["default"].make_key(backend.make_key(key))
    assert _is_valid_key(final), final
    # Partition text never contains glob characters that a Redis SCAN pattern would expand.
    for character in "*?[]\\":
        assert character not in key.prefix


@given(values, values)
@settings(max_examples=200, deadline=None)
def test_distinct_arguments_give_distinct_full_keys(first, second):
    assume(_normal(first) != _normal(second))
    constructor = DefaultKeyConstructor()
    assert constructor.generate_key(lookup, (first, 1), {}) != constructor.generate_key(
        lookup, (second, 1), {}
    )


@given(st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=60))
def test_partitions_never_prefix_match_each_other(first, second):
    assume(first != second)
    one = SearchKey().build_scope(lookup, (first, ""), {}).prefix
    two = SearchKey().generate_key(lookup, (second, ""), {}).render("g")
    assert not two.startswith(one + ":")
