"""Tests for validation on the sync and async paths: hooks, messages, nesting, many=True."""

from __future__ import annotations

import threading

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField

from restflow.serializers import Email, Field, Serializer


def run(coroutine_function, *args, **kwargs):
    """Run an async callable from sync test code, keeping DB access on this thread."""
    return async_to_sync(coroutine_function)(*args, **kwargs)


class UserSerializer(Serializer):
    name: str
    age: int
    email: Email
    bio: str | None
    role: str = Field(read_only=True)


def validate_sync(serializer):
    return serializer.is_valid()


def validate_async(serializer):
    return run(serializer.ais_valid)


BOTH_PATHS = pytest.mark.parametrize(
    "validate", [validate_sync, validate_async], ids=["sync", "async"]
)


@BOTH_PATHS
def test_user_example_errors(validate):
    serializer = UserSerializer(data={"name": "a", "age": "x", "email": "nope"})
    assert validate(serializer) is False
    assert set(serializer.errors) == {"age", "email"}
    assert serializer.errors["age"][0] == "A valid integer is required."
    assert serializer.errors["age"][0].code == "invalid"
    assert serializer.errors["email"][0] == "Enter a valid email address."


@BOTH_PATHS
def test_user_example_bio_optional_and_nullable(validate):
    missing = UserSerializer(data={"name": "a", "age": 3, "email": "a@example.com"})
    assert validate(missing) is True
    assert "bio" not in missing.validated_data
    nulled = UserSerializer(data={"name": "a", "age": 3, "email": "a@example.com", "bio": None})
    assert validate(nulled) is True
    assert nulled.validated_data["bio"] is None


@BOTH_PATHS
def test_user_example_read_only_role_ignored(validate):
    serializer = UserSerializer(
        data={"name": "a", "age": "3", "email": "a@example.com", "role": "admin"}
    )
    assert validate(serializer) is True
    assert serializer.validated_data == {"name": "a", "age": 3, "email": "a@example.com"}
    assert serializer.validated_data.age == 3


@BOTH_PATHS
def test_missing_required_fields(validate):
    serializer = UserSerializer(data={})
    assert validate(serializer) is False
    assert set(serializer.errors) == {"name", "age", "email"}
    assert serializer.errors["name"][0].code == "required"


@BOTH_PATHS
def test_non_mapping_input(validate):
    serializer = UserSerializer(data=["not", "a", "dict"])
    assert validate(serializer) is False
    assert serializer.errors == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


class HookedSync(Serializer):
    title: str
    slug: str

    def validate_title(self, value):
        if value == "bad":
            raise serializers.ValidationError("title is bad")
        return value.upper()

    def validate_slug(self, value):
        if value == "skip":
            raise SkipField()
        if value == "django":
            raise DjangoValidationError("django says no")
        return value

    def validate(self, attrs):
        if attrs.get("title") == "SAME" and attrs.get("slug") == "same":
            raise serializers.ValidationError("title and slug must differ")
        return attrs


class HookedAsync(Serializer):
    title: str
    slug: str

    async def validate_title(self, value):
        if value == "bad":
            raise serializers.ValidationError("title is bad")
        return value.upper()

    async def validate_slug(self, value):
        if value == "skip":
            raise SkipField()
        if value == "django":
            raise DjangoValidationError("django says no")
        return value

    async def validate(self, attrs):
        if attrs.get("title") == "SAME" and attrs.get("slug") == "same":
            raise serializers.ValidationError("title and slug must differ")
        return attrs


def test_sync_hooks_on_sync_path():
    good = HookedSync(data={"title": "hi", "slug": "x"})
    assert good.is_valid()
    assert good.validated_data == {"title": "HI", "slug": "x"}
    bad = HookedSync(data={"title": "bad", "slug": "django"})
    assert not bad.is_valid()
    assert bad.errors == {"title": ["title is bad"], "slug": ["django says no"]}
    skipped = HookedSync(data={"title": "a", "slug": "skip"})
    assert skipped.is_valid()
    assert skipped.validated_data == {"title": "A"}
    cross = HookedSync(data={"title": "same", "slug": "same"})
    assert not cross.is_valid()
    assert cross.errors == {"non_field_errors": ["title and slug must differ"]}


@pytest.mark.parametrize("cls", [HookedSync, HookedAsync], ids=["sync-hooks", "async-hooks"])
def test_hooks_on_async_path(cls):
    good = cls(data={"title": "hi", "slug": "x"})
    assert run(good.ais_valid)
    assert good.validated_data == {"title": "HI", "slug": "x"}
    bad = cls(data={"title": "bad", "slug": "django"})
    assert not run(bad.ais_valid)
    assert bad.errors == {"title": ["title is bad"], "slug": ["django says no"]}
    skipped = cls(data={"title": "a", "slug": "skip"})
    assert run(skipped.ais_valid)
    assert skipped.validated_data == {"title": "A"}
    cross = cls(data={"title": "same", "slug": "same"})
    assert not run(cross.ais_valid)
    assert cross.errors == {"non_field_errors": ["title and slug must differ"]}


def test_sync_path_rejects_async_field_hook():
    serializer = HookedAsync(data={"title": "hi", "slug": "x"})
    with pytest.raises(TypeError, match=r"use ato_internal_value\(\)"):
        serializer.is_valid()


def test_sync_path_rejects_async_validate():
    class OnlyAsyncValidate(Serializer):
        title: str

        async def validate(self, attrs):
            return attrs

    with pytest.raises(TypeError, match=r"use arun_validation\(\)"):
        OnlyAsyncValidate(data={"title": "x"}).is_valid()


def test_avalidate_called_when_overridden():
    calls = []

    class WithAvalidate(Serializer):
        title: str

        def validate(self, attrs):
            calls.append("validate")
            return attrs

        async def avalidate(self, attrs):
            calls.append("avalidate")
            if attrs["title"] == "no":
                raise serializers.ValidationError({"title": "rejected by avalidate"})
            return {**attrs, "checked": True}

    serializer = WithAvalidate(data={"title": "yes"})
    assert run(serializer.ais_valid)
    assert serializer.validated_data == {"title": "yes", "checked": True}
    assert calls == ["avalidate"]
    rejected = WithAvalidate(data={"title": "no"})
    assert not run(rejected.ais_valid)
    assert rejected.errors == {"title": ["rejected by avalidate"]}
    assert WithAvalidate(data={"title": "no"}).is_valid()
    assert calls[-1] == "validate"


@BOTH_PATHS
def test_validate_returning_none_asserts(validate):
    class Forgetful(Serializer):
        title: str

        def validate(self, attrs):
            return None

    with pytest.raises(AssertionError, match="returned None"):
        validate(Forgetful(data={"title": "x"}))


def test_raise_exception_on_both_paths():
    with pytest.raises(ValidationError) as sync_info:
        UserSerializer(data={}).is_valid(raise_exception=True)
    with pytest.raises(ValidationError) as async_info:
        run(UserSerializer(data={}).ais_valid, raise_exception=True)
    assert sync_info.value.detail == async_info.value.detail


def test_ais_valid_requires_data():
    with pytest.raises(AssertionError, match="needs data"):
        run(UserSerializer().ais_valid)


def test_ais_valid_result_cached():
    serializer = UserSerializer(data={"name": "a", "age": 1, "email": "a@example.com"})
    assert run(serializer.ais_valid)
    first = serializer.validated_data
    serializer.initial_data = {}
    assert run(serializer.ais_valid)
    assert serializer.validated_data is first


class Line(Serializer):
    sku: str
    qty: int

    async def validate_qty(self, value):
        if value <= 0:
            raise serializers.ValidationError("qty must be positive")
        return value


class Order(Serializer):
    number: int
    lines: list[Line]
    main: Line | None = None


def test_nested_and_many_async_hooks():
    order = Order(
        data={"number": 1, "lines": [{"sku": "a", "qty": 2}], "main": {"sku": "b", "qty": 1}}
    )
    assert run(order.ais_valid), order.errors
    assert order.validated_data.lines[0].qty == 2
    assert order.validated_data.main.sku == "b"


def test_nested_many_errors_keep_paths():
    order = Order(data={"number": "x", "lines": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 0}]})
    assert not run(order.ais_valid)
    assert order.errors["number"] == ["A valid integer is required."]
    lines = order.errors["lines"]
    if isinstance(lines, dict):
        assert lines == {1: {"qty": ["qty must be positive"]}}
    else:
        assert lines == [{}, {"qty": ["qty must be positive"]}]


def test_nested_async_hook_rejected_on_sync_path():
    order = Order(data={"number": 1, "lines": [{"sku": "a", "qty": 2}]})
    with pytest.raises(TypeError, match="async support"):
        order.is_valid()


@BOTH_PATHS
def test_many_true_top_level(validate):
    class Item(Serializer):
        name: str
        size: int = 1

    serializer = Item(data=[{"name": "a"}, {"name": "b", "size": "x"}], many=True)
    assert validate(serializer) is False
    errors = serializer.errors
    flat = list(errors.values()) if isinstance(errors, dict) else [e for e in errors if e]
    assert flat == [{"size": ["A valid integer is required."]}]
    good = Item(data=[{"name": "a"}, {"name": "b", "size": "2"}], many=True)
    assert validate(good) is True
    assert good.validated_data == [{"name": "a", "size": 1}, {"name": "b", "size": 2}]
    assert good.validated_data[1].size == 2


@BOTH_PATHS
def test_many_true_list_checks(validate):
    class Item(Serializer):
        name: str

    not_list = Item(data={"name": "a"}, many=True)
    assert validate(not_list) is False
    assert not_list.errors == {
        "non_field_errors": ['Expected a list of items but got type "dict".']
    }
    empty = Item(data=[], many=True, allow_empty=False)
    assert validate(empty) is False
    assert empty.errors == {"non_field_errors": ["This list may not be empty."]}
    too_long = Item(data=[{"name": "a"}] * 3, many=True, max_length=2)
    assert validate(too_long) is False
    assert "no more than 2" in str(too_long.errors)


def test_pure_sync_hook_runs_on_loop():
    threads = {}

    class Probe(Serializer):
        title: str

        def validate_title(self, value):
            threads["hook"] = threading.get_ident()
            return value

    async def check():
        threads["loop"] = threading.get_ident()
        serializer = Probe(data={"title": "x"})
        return await serializer.ais_valid()

    assert run(check)
    assert threads["hook"] == threads["loop"]
