"""KeyConstructor: key layout, Meta validation, length bounds and inline constructors."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import override_settings

from restflow.caching import (
    ArgsKeyField,
    ConstantKeyField,
    DefaultKeyConstructor,
    InlineKeyConstructor,
    KeyConstructor,
    cache_result,
)
from restflow.caching.backends import get_backend
from restflow.caching.key_constructor import KeyTooLongError


class UserKey(KeyConstructor):
    user = ArgsKeyField("user_id", partition=True)
    schema = ConstantKeyField("v", "1")

    class Meta:
        namespace = "users"


def get_user(user_id, page=1):
    return user_id


def test_key_layout_has_namespace_identifier_partition_and_suffix():
    key = UserKey().generate_key(get_user, (), {"user_id": 42})
    assert key.namespace == "users"
    assert key.identifier.endswith("test_key_constructor.get_user")
    assert key.partition == "user=M(suser_id=i42)"
    assert key.suffix == "schema=M(sv=s1)"
    rendered = key.render("gen")
    assert rendered.startswith("rf:users:")
    assert rendered.endswith(":gen:v1:schema=M(sv=s1)")


def test_partition_values_do_not_prefix_match():
    short = UserKey().generate_key(get_user, (), {"user_id": 42}).render("g")
    long = UserKey().generate_key(get_user, (), {"user_id": 420}).render("g")
    prefix = UserKey().build_scope(get_user, (), {"user_id": 42}).prefix
    assert short.startswith(prefix + ":")
    assert not long.startswith(prefix + ":")


def test_string_and_int_arguments_get_different_keys():
    constructor = DefaultKeyConstructor()
    assert constructor.generate_key(get_user, (1,), {}) != constructor.generate_key(
        get_user, ("1",), {}
    )


def test_self_is_left_out_of_default_keys():
    class Service:
        def total(self, amount):
            return amount

    constructor = DefaultKeyConstructor()
    first = constructor.generate_key(Service.total, (Service(), 3), {})
    second = constructor.generate_key(Service.total, (Service(), 3), {})
    assert first == second


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ({"version": "x"}, "version"),
        ({"version": 0}, "version"),
        ({"namespace": 3}, "namespace"),
        ({"max_key_suffix_length": -1}, "max_key_suffix_length"),
        ({"hash_suffix_on_overflow": "yes"}, "hash_suffix_on_overflow"),
    ],
)
def test_invalid_meta_is_rejected_at_class_creation(meta, message):
    with pytest.raises(TypeError, match=message):
        type("Broken", (KeyConstructor,), {"Meta": type("Meta", (), meta)})


def test_meta_is_inherited():
    class Child(UserKey):
        extra = ArgsKeyField("page")

    child = Child()
    assert child.namespace == "users"
    assert set(child.fields) == {"user", "schema", "extra"}


def test_long_suffix_is_hashed_and_stays_unique():
    constructor = DefaultKeyConstructor()
    first = constructor.generate_key(get_user, ("a" * 500,), {})
    second = constructor.generate_key(get_user, ("a" * 499 + "b",), {})
    assert len(first.suffix) <= 33
    assert first.suffix != second.suffix


@override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"HASH_SUFFIX_ON_OVERFLOW": False}})
def test_long_suffix_without_hashing_raises():
    with pytest.raises(KeyTooLongError, match="HASH_SUFFIX_ON_OVERFLOW"):
        DefaultKeyConstructor().generate_key(get_user, ("a" * 500,), {})


@override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"MAX_KEY_SUFFIX_LENGTH": 10}})
def test_inline_constructors_honour_global_settings():
    inline = InlineKeyConstructor({"user": ArgsKeyField("user_id")})()
    key = inline.generate_key(get_user, ("x" * 20,), {})
    assert key.suffix.startswith("H")


def test_inline_constructors_with_equal_config_are_one_class():
    first = InlineKeyConstructor({"user": ArgsKeyField("user_id")}, namespace="n")
    second = InlineKeyConstructor({"user": ArgsKeyField("user_id")}, namespace="n")
    other = InlineKeyConstructor({"user": ArgsKeyField("page")}, namespace="n")
    assert first is second
    assert first is not other


@pytest.mark.parametrize("prefix_length", [0, 60])
def test_every_part_long_still_fits_memcached(prefix_length):
    class Long(KeyConstructor):
        part = ArgsKeyField("user_id", partition=True)
        rest = ArgsKeyField("page")

        class Meta:
            namespace = "n" * 200
            key_identifier = "i" * 300

    cache_settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "long-keys",
            "KEY_PREFIX": "p" * prefix_length,
        }
    }
    with override_settings(CACHES=cache_settings):
        caches["default"].clear()
        key = Long().generate_key(get_user, ("u" * 300, "q" * 300), {})
        final = caches["default"].make_key(get_backend("default").make_key(key))
        assert len(final) <= 250
        assert " " not in final


def test_constructor_instances_classes_and_dicts_are_accepted():
    @cache_result(UserKey())
    def by_instance(user_id):
        return user_id

    @cache_result({"fields": {"user": ArgsKeyField("user_id")}, "namespace": "inline"})
    def by_dict(user_id):
        return user_id

    assert by_instance.key_constructor.namespace == "users"
    assert by_dict.key_constructor.namespace == "inline"
    with pytest.raises(TypeError, match="key_constructor"):
        cache_result(key_constructor=42)


def test_wipe_reaches_every_wrapper_of_a_constructor():
    class SharedKey(KeyConstructor):
        user = ArgsKeyField("user_id", partition=True)

    calls = []

    @cache_result(SharedKey)
    def first(user_id):
        calls.append("first")
        return 1

    @cache_result(SharedKey)
    def second(user_id):
        calls.append("second")
        return 2

    first(user_id=1)
    second(user_id=1)
    SharedKey.wipe(user_id=1)
    first(user_id=1)
    second(user_id=1)
    assert calls == ["first", "second", "first", "second"]
