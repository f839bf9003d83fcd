"""Tests for the public surface of restflow.serializers and restflow.helpers."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    "module_name",
    [
        "restflow.helpers",
        "restflow.serializers",
        "restflow.serializers.fields",
        "restflow.serializers.serializers",
        "restflow.serializers.validated_data",
        "restflow.serializers.inline",
        "restflow.serializers.fast",
    ],
)
def test_all_is_unique_and_resolves(module_name):
    # Ruff (RUF022) keeps __all__ in isort order; this checks the contents.
    module = importlib.import_module(module_name)
    assert len(module.__all__) == len(set(module.__all__))
    for name in module.__all__:
        assert hasattr(module, name), f"{module_name}.{name} is listed in __all__ but missing"


def test_package_exports_spec_names():
    import restflow.serializers as package

    expected = {
        "Serializer",
        "ModelSerializer",
        "HyperlinkedModelSerializer",
        "InlineSerializer",
        "Field",
        "DecimalField",
        "SerializerFieldMap",
        "get_field_from_type",
        "Email",
        "IPAddress",
        "NotRequired",
        "ValidatedData",
    }
    assert expected <= set(package.__all__)
