"""Tests for restflow.helpers: markers, sync/async bridges and the annotation resolver."""

from __future__ import annotations

import asyncio
import datetime
import gc
import warnings
from typing import Annotated, Any, Literal, Optional, Union

import pytest
from rest_framework import serializers
from typing_extensions import NotRequired

from restflow import helpers
from restflow.helpers import (
    RESERVED_SERIALIZER_ATTRS,
    BlankableString,
    Email,
    IPAddress,
    UnsupportedAnnotationError,
    getattr_multi_source,
    maybe_await,
    require_sync,
    resolve_field_from_type,
    run_sync,
    sort_dict,
)

TYPE_MAP: dict[Any, Any] = {
    int: serializers.IntegerField,
    str: serializers.CharField,
    bool: serializers.BooleanField,
    datetime.date: serializers.DateField,
    Email: serializers.EmailField,
}


class Child(serializers.Serializer):
    value = serializers.IntegerField()


def is_serializer(data_type: Any) -> bool:
    return isinstance(data_type, type) and issubclass(data_type, serializers.BaseSerializer)


def nested(data_type: Any, kwargs: dict[str, Any]) -> Any:
    return data_type(**kwargs)


def resolve(data_type: Any, **kwargs: Any) -> Any:
    options: dict[str, Any] = {
        "type_map": TYPE_MAP,
        "list_field_class": serializers.ListField,
        "choice_field_class": serializers.ChoiceField,
        "nested_predicate": is_serializer,
        "nested_factory": nested,
        "allow_null_on_optional": True,
    }
    options.update(kwargs)
    return resolve_field_from_type(data_type, **options)


def test_markers_are_str_newtypes():
    for marker in (Email, IPAddress, BlankableString):
        assert marker.__supertype__ is str
        assert marker("x") == "x"
        assert type(marker("x")) is str


def test_reserved_attrs_list():
    expected = {"data", "errors", "validated_data", "instance", "initial_data", "fields", "context"}
    assert expected == set(RESERVED_SERIALIZER_ATTRS)
    assert isinstance(RESERVED_SERIALIZER_ATTRS, frozenset)


def test_sort_dict_orders_by_key_and_copies():
    original = {"b": 1, "c": 2, "a": 3}
    result = sort_dict(original)
    assert list(result) == ["a", "b", "c"]
    assert list(original) == ["b", "c", "a"]
    assert result is not original


class Source:
    def __init__(self, **attrs: Any) -> None:
        self.__dict__.update(attrs)


def test_getattr_multi_source_first_set_value():
    first = Source()
    second = Source(limit=5)
    third = Source(limit=9)
    assert getattr_multi_source([first, second, third], "limit") == 5


def test_getattr_multi_source_skips_falsy_objects():
    assert getattr_multi_source([None, 0, Source(limit=1)], "limit") == 1


def test_getattr_multi_source_wraps_single_object():
    assert getattr_multi_source(Source(limit=3), "limit") == 3
    assert getattr_multi_source(Source(), "limit", default="none") == "none"


def test_getattr_multi_source_custom_default_is_skipped():
    sentinel = object()
    assert getattr_multi_source([Source(x=sentinel), Source(x=2)], "x", sentinel) == 2


def test_maybe_await_both_kinds():
    async def make() -> int:
        return 7

    async def main() -> tuple[Any, Any]:
        return await maybe_await(make()), await maybe_await(8)

    assert asyncio.run(main()) == (7, 8)


def test_require_sync_passes_plain_values():
    value = {"a": 1}
    assert require_sync(value, "ais_valid") is value


def test_require_sync_closes_and_names_twin():
    async def hook() -> int:
        return 1

    coroutine = hook()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=r"use ais_valid\(\) for async support"):
            require_sync(coroutine, "ais_valid()")
        gc.collect()
    assert coroutine.cr_frame is None


def test_run_sync_drives_awaitables():
    async def hook() -> str:
        return "done"

    assert run_sync(hook()) == "done"
    assert run_sync(3) == 3


def test_resolve_plain_types():
    assert isinstance(resolve(int), serializers.IntegerField)
    assert isinstance(resolve(Email), serializers.EmailField)
    field = resolve(str, max_length=5)
    assert isinstance(field, serializers.CharField)
    assert field.max_length == 5


def test_resolve_optional_sets_null_and_not_required():
    # The old spellings are what users write, so they are tested on purpose.
    for annotation in (Optional[int], Union[int, None], int | None):  # noqa: UP007, UP045
        field = resolve(annotation)
        assert isinstance(field, serializers.IntegerField)
        assert field.allow_null is True
        assert field.required is False


def test_resolve_optional_explicit_kwargs_win():
    field = resolve(int | None, required=True)
    assert field.required is True
    assert field.allow_null is True


def test_resolve_optional_without_flag_keeps_nullability():
    field = resolve(int | None, allow_null_on_optional=False)
    assert field.allow_null is False
    assert field.required is True


def test_resolve_not_required():
    field = resolve(NotRequired[int])
    assert field.required is False
    assert field.allow_null is False


def test_resolve_annotated_ignores_metadata():
    field = resolve(Annotated[int, "meta"])
    assert isinstance(field, serializers.IntegerField)


def test_resolve_literal_choices():
    field = resolve(Literal["a", "b"], required=False)
    assert isinstance(field, serializers.ChoiceField)
    assert list(field.choices) == ["a", "b"]
    assert field.required is False


def test_resolve_literal_without_choice_class():
    with pytest.raises(AssertionError, match="Literal"):
        resolve(Literal["a"], choice_field_class=None)


def test_resolve_ambiguous_union():
    with pytest.raises(AssertionError, match="multiple non-None members is ambiguous"):
        resolve(int | str)
    with pytest.raises(AssertionError, match="ambiguous"):
        resolve(Union[int, str, None])  # noqa: UP007


def test_resolve_list_child_gets_no_outer_kwargs():
    field = resolve(list[int], required=False)
    assert isinstance(field, serializers.ListField)
    assert isinstance(field.child, serializers.IntegerField)
    assert field.required is False
    assert field.child.required is True


def test_resolve_bare_list_defaults_to_str():
    field = resolve(list)
    assert isinstance(field.child, serializers.CharField)


def test_resolve_list_of_optional():
    field = resolve(list[int | None])
    assert field.child.allow_null is True
    assert field.child.required is False


def test_resolve_list_hook_sees_kwargs():
    seen: list[tuple[Any, ...]] = []

    def hook(kwargs: dict[str, Any], name: str | None, child_type: Any) -> None:
        seen.append((name, child_type))
        kwargs["help_text"] = f"{name} list"

    field = resolve(list[int], list_field_hook=hook, field_name="ids")
    assert seen == [("ids", int)]
    assert field.help_text == "ids list"


def test_resolve_nested_and_list_of_nested():
    single = resolve(Child, required=False)
    assert isinstance(single, Child)
    assert single.required is False
    many = resolve(list[Child])
    assert isinstance(many, serializers.ListSerializer)
    assert isinstance(many.child, Child)


def test_resolve_optional_nested():
    field = resolve(Child | None)
    assert isinstance(field, Child)
    assert field.allow_null is True


@pytest.mark.parametrize("annotation", [set, tuple, float, object, dict[str, int], set[int]])
def test_resolve_unsupported_names_field_and_type(annotation: Any):
    with pytest.raises(UnsupportedAnnotationError) as info:
        resolve(annotation, field_name="price", error_message="annotation must be a supported type")
    message = str(info.value)
    assert "`price`" in message
    assert "annotation must be a supported type, not " in message
    assert helpers.type_name(annotation) in message
    assert "Accepted: " in message
    assert isinstance(info.value, AssertionError)
    assert isinstance(info.value, TypeError)


def test_type_name_forms():
    assert helpers.type_name(int) == "int"
    assert helpers.type_name(datetime.date) == "datetime.date"
    assert helpers.type_name(Email) == "Email (NewType of str)"
    assert helpers.type_name(list[int]) == "list[int]"


class TestInProcessCacheCalls:
    """``acache_call`` skips the worker-thread hop only for caches that do no I/O."""

    def test_locmem_and_proxy_in_process(self):
        from django.core.cache import cache, caches

        assert helpers.cache_is_in_process(caches["default"])
        assert helpers.cache_is_in_process(cache)

    def test_network_cache_not_in_process(self):
        from django.core.cache.backends.redis import RedisCache

        remote = RedisCache("redis://127.0.0.1:1/0", {})
        assert not helpers.cache_is_in_process(remote)

    def test_native_async_subclass_not_in_process(self):
        from django.core.cache.backends.locmem import LocMemCache

        class Native(LocMemCache):
            async def aget(self, key, default=None, version=None):
                return "from aget"

        assert not helpers.cache_is_in_process(Native("native-async", {}))

    def test_locmem_calls_run_on_loop_thread(self):
        import threading

        from django.core.cache.backends.locmem import LocMemCache

        threads: list[str] = []

        class Recording(LocMemCache):
            def get(self, key, default=None, version=None):
                threads.append(threading.current_thread().name)
                return super().get(key, default, version)

        local = Recording("recording-thread", {})

        async def scenario():
            await helpers.acache_call(local, "set", "k", 41)
            return await helpers.acache_call(local, "get", "k")

        assert asyncio.run(scenario()) == 41
        assert threads == [threading.current_thread().name]

    def test_other_caches_run_async_twin(self):
        from django.core.cache.backends.locmem import LocMemCache

        class Native(LocMemCache):
            async def aget(self, key, default=None, version=None):
                return "from aget"

        assert asyncio.run(helpers.acache_call(Native("twin", {}), "get", "k")) == "from aget"
