"""Fingerprint key fields, key hashing settings and the public names of restflow.caching."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework import serializers

import restflow.caching
from restflow.caching import DjangoModelKeyField, DrfSerializerKeyField, KeyConstructor
from restflow.caching.hashing import hash_string


def _payload(field):
    return field.get_cache_key_part(lambda: None, (), {})


class NameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=10)


class LongerNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=20)


class NestedSerializer(serializers.Serializer):
    inner = NameSerializer(many=True)


def test_serializer_fingerprint_changes_with_field_options():
    assert _payload(DrfSerializerKeyField(NameSerializer)) == _payload(
        DrfSerializerKeyField(NameSerializer)
    )
    assert _payload(DrfSerializerKeyField(NameSerializer)) != _payload(
        DrfSerializerKeyField(LongerNameSerializer)
    )
    assert _payload(DrfSerializerKeyField(NestedSerializer)).startswith("H")


def test_serializer_that_needs_arguments_is_reported():
    class NeedsArgument(serializers.Serializer):
        def __init__(self, required):
            super().__init__()

    with pytest.raises(ValueError, match="NeedsArgument"):
        _payload(DrfSerializerKeyField(NeedsArgument))


def test_model_fingerprint_differs_per_model():
    from catalog.models import Brand, Category

    assert _payload(DjangoModelKeyField(Category)) != _payload(DjangoModelKeyField(Brand))
    with pytest.raises(ValueError, match="model class"):
        DjangoModelKeyField("catalog.Category")


def test_hash_algorithm_setting_is_read_at_call_time():
    assert len(hash_string("x")) == 64
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"KEY_HASH_ALGORITHM": "md5"}}):
        assert len(hash_string("x")) == 32
    unknown = {"CACHE_SETTINGS": {"KEY_HASH_ALGORITHM": "nope"}}
    with (
        override_settings(RESTFLOW_SETTINGS=unknown),
        pytest.raises(ValueError, match="KEY_HASH_ALGORITHM"),
    ):
        hash_string("x")
    with override_settings(
        RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"KEY_HASH_ALGORITHM": lambda text: "custom"}}
    ):
        assert hash_string("x") == "custom"


def test_delete_previous_versions_needs_a_namespace():
    class NoNamespace(KeyConstructor):
        class Meta:
            version = 2

    with pytest.raises(ValueError, match="namespace"):
        NoNamespace.delete_previous_versions()


def test_delete_previous_versions_on_local_memory_returns_none():
    class Named(KeyConstructor):
        class Meta:
            namespace = "named"
            version = 3

    assert Named.delete_previous_versions() is None


def test_public_names_are_complete_and_importable():
    names = restflow.caching.__all__
    assert len(names) == len(set(names))
    assert set(names) == set(restflow.caching._LOCATIONS)
    for name in names:
        assert getattr(restflow.caching, name) is not None


def test_celery_task_is_exported_under_its_name():
    from restflow.tasks import task_run_cache_rules

    assert task_run_cache_rules.name == "restflow.caching.tasks.task_run_cache_rules"
