"""storage_key: readable when safe, hashed when long or unsafe, never rejected by a cache."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from restflow.throttling.stores.base import KEY_PREFIX, ThrottleUsage, storage_key


def test_plain_key_kept_readable():
    assert storage_key("throttle_anon_10.0.0.1") == KEY_PREFIX + "k:throttle_anon_10.0.0.1"


def test_ipv6_key_kept_readable():
    assert storage_key("throttle_anon_::1") == KEY_PREFIX + "k:throttle_anon_::1"


def test_whitespace_key_hashed():
    key = storage_key("throttle_anon_1.2.3.4, 5.6.7.8")
    assert key.startswith(KEY_PREFIX + "h:")
    assert " " not in key


def test_trailing_newline_hashed():
    key = storage_key("client\n")
    assert key.startswith(KEY_PREFIX + "h:")


def test_long_key_hashed():
    key = storage_key("x" * 5000)
    assert len(key) == len(KEY_PREFIX) + len("h:") + 64


@given(st.text())
def test_any_key_is_safe_for_memcached(key):
    result = storage_key(key)
    assert len(result) <= 250
    assert all(0x21 <= ord(char) <= 0x7E for char in result)
    assert storage_key(key) == result


@given(st.text(), st.text())
def test_distinct_keys_stay_distinct(first, second):
    if first != second:
        assert storage_key(first) != storage_key(second)


def test_readable_key_cannot_forge_a_hash():
    hashed = storage_key("a key with spaces")
    forged = hashed[len(KEY_PREFIX) :]
    assert storage_key(forged) != hashed


def test_usage_remaining():
    assert ThrottleUsage(True, 3, 5, 0.0).remaining == 2
    assert ThrottleUsage(False, 7, 5, 1.0).remaining == 0
