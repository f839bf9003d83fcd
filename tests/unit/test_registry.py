"""Registry: resolution by name, dotted path and class, errors, register(), per-generation get()."""

from __future__ import annotations

import pytest
from django.test import override_settings

from restflow.exceptions.envelopes import ProblemEnvelope, RestflowEnvelope
from restflow.registry import (
    CACHE_BACKENDS,
    DISPATCHERS,
    ENVELOPES,
    JWT_BLACKLIST_STORES,
    REGISTRIES,
    THROTTLE_STORES,
    ComponentError,
    Registry,
)
from restflow.settings import DEFAULTS
from tests.unit.exceptions.custom_envelopes import LoudEnvelope, NotAnEnvelope

ENVELOPE_BASE = "restflow.exceptions.envelopes.BaseEnvelope"


def envelope_registry(**options) -> Registry:
    return Registry(
        "error envelope",
        base=ENVELOPE_BASE,
        setting=("EXCEPTIONS", "ENVELOPE"),
        builtins={"restflow": "restflow.exceptions.envelopes.RestflowEnvelope"},
        **options,
    )


# --- resolve ---------------------------------------------------------------------


def test_resolve_by_name():
    assert ENVELOPES.resolve("restflow") is RestflowEnvelope
    assert ENVELOPES.resolve("problem") is ProblemEnvelope


def test_resolve_by_dotted_path():
    assert ENVELOPES.resolve("restflow.exceptions.envelopes.ProblemEnvelope") is ProblemEnvelope
    assert ENVELOPES.resolve("tests.unit.exceptions.custom_envelopes.LoudEnvelope") is LoudEnvelope


def test_resolve_by_class():
    assert ENVELOPES.resolve(LoudEnvelope) is LoudEnvelope


def test_resolve_configured_setting():
    assert ENVELOPES.resolve() is RestflowEnvelope
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "problem"}}):
        assert ENVELOPES.resolve() is ProblemEnvelope


def test_resolve_wrong_base():
    with pytest.raises(ComponentError) as info:
        ENVELOPES.resolve("tests.unit.exceptions.custom_envelopes.NotAnEnvelope")
    message = str(info.value)
    assert "tests.unit.exceptions.custom_envelopes.NotAnEnvelope is not a subclass of" in message
    assert ENVELOPE_BASE in message


def test_resolve_wrong_base_class():
    with pytest.raises(ComponentError, match="is not a subclass"):
        ENVELOPES.resolve(NotAnEnvelope)


def test_resolve_missing_attribute():
    with pytest.raises(ComponentError) as info:
        ENVELOPES.resolve("restflow.exceptions.envelopes.NoSuchThing")
    error = info.value
    assert error.value == "restflow.exceptions.envelopes.NoSuchThing"
    assert "importing 'restflow.exceptions.envelopes.NoSuchThing' failed" in error.cause
    assert 'RESTFLOW_SETTINGS["EXCEPTIONS"]["ENVELOPE"]' in str(error)
    assert isinstance(error.__cause__, ImportError)


def test_resolve_missing_module():
    with pytest.raises(ComponentError, match=r"importing 'no_such_package\.Envelope' failed"):
        ENVELOPES.resolve("no_such_package.Envelope")


def test_resolve_not_a_class():
    with pytest.raises(ComponentError, match="is not a class"):
        ENVELOPES.resolve("restflow.exceptions.envelopes.format_error")


def test_resolve_unknown_name_lists_names():
    with pytest.raises(ComponentError) as info:
        ENVELOPES.resolve("fancy")
    assert "no component is registered under that name" in info.value.cause
    assert "'problem', 'restflow'" in info.value.hint
    assert "'problem', 'restflow'" in str(info.value)


@pytest.mark.parametrize("spec", [5, "", ["restflow"]])
def test_resolve_wrong_type(spec):
    with pytest.raises(ComponentError, match="expected a registered name"):
        ENVELOPES.resolve(spec)


def test_instance_rejected_without_allow_instances():
    with pytest.raises(ComponentError):
        envelope_registry().resolve(LoudEnvelope())


def test_instance_accepted_with_allow_instances():
    assert envelope_registry(allow_instances=True).resolve(LoudEnvelope()) is LoudEnvelope


def test_instance_of_wrong_class_rejected():
    with pytest.raises(ComponentError, match="is not a subclass"):
        envelope_registry(allow_instances=True).resolve(NotAnEnvelope())


# --- register ---------------------------------------------------------------------------


def test_register_decorator():
    registry = envelope_registry()
    decorated = registry.register("loud")(LoudEnvelope)
    assert decorated is LoudEnvelope
    assert registry.resolve("loud") is LoudEnvelope
    assert registry.names() == ["loud", "restflow"]


def test_register_replaces_builtin():
    registry = envelope_registry()
    registry.register("restflow")(LoudEnvelope)
    assert registry.resolve("restflow") is LoudEnvelope


def test_register_wrong_base_rejected():
    registry = envelope_registry()
    with pytest.raises(ComponentError, match="is not a subclass"):
        registry.register("bad")(NotAnEnvelope)
    assert "bad" not in registry.names()


@pytest.mark.parametrize("name", ["", None, 3])
def test_register_needs_name(name):
    with pytest.raises(ValueError, match="non-empty string name"):
        envelope_registry().register(name)


def test_unregister():
    registry = envelope_registry()
    registry.register("loud")(LoudEnvelope)
    registry.unregister("loud")
    with pytest.raises(ComponentError):
        registry.resolve("loud")


def test_registered_envelope_used_by_handler():
    from rest_framework.exceptions import NotFound

    from restflow.exceptions import exception_handler

    ENVELOPES.register("loud")(LoudEnvelope)
    try:
        with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "loud"}}):
            assert exception_handler(NotFound(), {}).data == {"ERROR": "NOT_FOUND"}
    finally:
        ENVELOPES.unregister("loud")


# --- get: one instance per settings generation ----------------------------------------------


def test_get_builds_once_per_generation():
    registry = envelope_registry()
    first = registry.get()
    assert isinstance(first, RestflowEnvelope)
    assert registry.get() is first


def test_get_rebuilds_after_override():
    registry = envelope_registry()
    before = registry.get()
    with override_settings(
        RESTFLOW_SETTINGS={
            "EXCEPTIONS": {"ENVELOPE": "tests.unit.exceptions.custom_envelopes.LoudEnvelope"}
        }
    ):
        inside = registry.get()
        assert isinstance(inside, LoudEnvelope)
    after = registry.get()
    assert isinstance(after, RestflowEnvelope)
    assert after is not before


def test_get_returns_configured_instance():
    registry = envelope_registry(allow_instances=True)
    instance = LoudEnvelope()
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": instance}}):
        assert registry.get() is instance


def test_register_drops_built_instance():
    registry = envelope_registry()
    before = registry.get()
    registry.register("loud")(LoudEnvelope)
    assert registry.get() is not before


def test_reset_drops_built_instance():
    registry = envelope_registry()
    before = registry.get()
    registry.reset()
    assert registry.get() is not before


def test_get_raises_for_bad_setting():
    registry = envelope_registry()
    fancy = override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "fancy"}})
    with fancy, pytest.raises(ComponentError, match="fancy"):
        registry.get()


# --- the built-in registries ---------------------------------------------------------------


def test_every_registry_listed():
    assert REGISTRIES == (
        ENVELOPES,
        CACHE_BACKENDS,
        DISPATCHERS,
        JWT_BLACKLIST_STORES,
        THROTTLE_STORES,
    )


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda registry: registry.setting_key)
def test_registry_default_is_registered(registry):
    default = DEFAULTS
    for part in registry.setting:
        default = default[part]
    assert default in registry.names()


def test_setting_forms():
    assert ENVELOPES.setting_key == "EXCEPTIONS.ENVELOPE"
    assert ENVELOPES.setting_label == 'RESTFLOW_SETTINGS["EXCEPTIONS"]["ENVELOPE"]'
    assert "error envelope" in repr(ENVELOPES)


BUILTIN_NAMES = [(registry, name) for registry in REGISTRIES for name in registry.names()]


@pytest.mark.parametrize(
    ("registry", "name"),
    BUILTIN_NAMES,
    ids=[f"{registry.setting_key}={name}" for registry, name in BUILTIN_NAMES],
)
def test_builtin_name_resolves(registry, name):
    # Each built-in short name points at a class that exists and subclasses the base.
    cls = registry.resolve(name)
    assert issubclass(cls, registry.base)
