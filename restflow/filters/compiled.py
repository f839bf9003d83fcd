"""A per-class validation plan that lets ``filter_queryset`` skip per-request field copies.

DRF builds a serializer's fields by deep-copying every declared field on each
instance, which for a FilterSet means re-instantiating every filter, lookup
variant and ``!`` twin on each request, even though a query string names only
a few of them. A :class:`CompiledPlan` copies and binds the fields once per
class and reads the query parameters with those shared fields.

The plan only ever takes the success path. It returns ``None`` whenever a
value is invalid, a parameter is unknown, an OR group is sent, or the
instance was customised in a way the plan cannot see. The FilterSet then
runs its general path from scratch, so error envelopes and hooks behave
exactly as before. A class that overrides a validation hook, declares a
``validate_<name>`` method, or uses a field class defined outside restflow
never gets a plan. A method added to the class or one of its bases later
(a ``validate_<name>`` set by a test, say) makes the class be judged again
on its next request.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty

from restflow.filters.base import Field
from restflow.filters.groups import group_pattern

__all__ = ["CompiledPlan", "get_plan"]

_PLAN_ATTR = "_restflow_compiled_plan"

# Methods and properties the general validation path goes through. A subclass
# that overrides any of them gets the general path, which calls its override.
_HOOKS = (
    "__new__",
    "fields",
    "get_fields",
    "is_valid",
    "run_validation",
    "validate_empty_values",
    "to_internal_value",
    "run_validators",
    "get_validators",
    "_read_only_defaults",
    "validate",
    "validators",
    "validated_data",
    "errors",
    "model_dump",
    "get_options",
    "value_limits",
    "_check_unknown",
    "_split",
    "_combine",
    "_order",
    "_order_requested",
    "_needs_distinct",
)
# Instance attributes that mean the instance no longer matches its class:
# fields already built (and perhaps edited), results already cached,
# validators passed to the constructor.
_INSTANCE_MARKERS = ("fields", "_validated_data", "_validators")


class _PlanRoot:
    """The parent of a plan's shared fields in place of a FilterSet instance.

    Fields read only ``value_limits`` (for the size limits) and ``partial``
    from their root. Both are fixed per class, and a partial instance never
    uses the plan.
    """

    parent = None
    partial = False

    def __init__(self, value_limits: Any) -> None:
        self.value_limits = value_limits


def _is_restflow_field(field: Any) -> bool:
    return type(field).__module__.startswith("restflow.filters.")


def _field_is_plannable(field: Any) -> bool:
    if not isinstance(field, Field) or not _is_restflow_field(field):
        return False
    if field.read_only:
        return False
    default = field.default
    if default is not empty and callable(default) and getattr(default, "requires_context", False):
        return False
    if any(getattr(validator, "requires_context", False) for validator in field.validators):
        return False
    child = getattr(field, "child", None)
    while child is not None:
        module = type(child).__module__
        if not (module.startswith("restflow.filters.") or module.startswith("rest_framework.")):
            return False
        if any(getattr(validator, "requires_context", False) for validator in child.validators):
            return False
        child = getattr(child, "child", None)
    return True


class CompiledPlan:
    """Shared, pre-bound fields of one FilterSet class and the order to read them in."""

    def __init__(self, filterset_class: Any) -> None:
        options = filterset_class._options
        self.stamp: tuple[int, ...] = ()
        self.declared = filterset_class._declared_fields
        root = _PlanRoot(options.value_limits)
        fields: dict[str, Field] = {}
        entries: list[tuple[str, Field, bool, bool]] = []
        for name, declared in filterset_class._declared_fields.items():
            field = copy.deepcopy(declared)
            field.bind(field_name=name, parent=root)
            fields[name] = field
            # A field with no default that is not required drops out when its
            # parameter is absent or blank, with no call at all.
            absent_matters = field.required or field.default is not empty
            # Fields that read one value with the base reader can have the
            # common case (one short text value) read inline.
            scalar = type(field).get_value is Field.get_value
            entries.append((name, field, absent_matters, scalar))
        self.fields = fields
        self.entries = tuple(entries)
        self.accepted = frozenset(fields) | frozenset(options.known_parameters)
        self.unknown_error = options.unknown_parameters == "error"
        self.group_pattern = group_pattern(options.or_group_prefix) if options.or_groups else None
        self.custom_init = filterset_class.__init__ is not _base_class().__init__
        self.max_value_length = options.value_limits.max_value_length

    def validate(self, filterset: Any) -> dict[str, Any] | None:
        """Return the values ``model_dump()`` would, or ``None`` to take the general path.

        On success the instance looks as if ``is_valid()`` had run.
        """
        state = filterset.__dict__
        for marker in _INSTANCE_MARKERS:
            if marker in state:
                return None
        if state.get("partial"):
            return None
        if self.custom_init and any(key.startswith("validate_") for key in state):
            return None
        data = filterset.initial_data
        if not hasattr(data, "keys"):
            return None
        validated: dict[str, Any] = {}
        getlist = getattr(data, "getlist", None)
        if not callable(getlist):
            getlist = None
        max_length = self.max_value_length
        try:
            for name, field, absent_matters, scalar in self.entries:
                primitive: Any
                if name not in data:
                    primitive = empty
                elif scalar and getlist is not None:
                    # The inline form of read_scalar for one text value that
                    # is within the limits. Anything else (repeats, a long
                    # value, a NUL byte) goes to the reader, which reports it.
                    raw = getlist(name)
                    text = raw[0] if len(raw) == 1 else None
                    if type(text) is str and len(text) <= max_length and "\x00" not in text:
                        primitive = text if text.strip() else empty
                    else:
                        primitive = field.get_value(data)
                else:
                    primitive = field.get_value(data)
                if primitive is empty and not absent_matters:
                    continue
                try:
                    value = field.run_validation(primitive)
                except SkipField:
                    continue
                if primitive is empty and not callable(field.default):
                    # The general path reads the default from a fresh copy of
                    # the field, so a list default is never shared.
                    value = copy.deepcopy(value)
                validated[name] = value
        except (ValidationError, DjangoValidationError):
            return None
        pattern = self.group_pattern
        if pattern is not None:
            for key in data:
                if pattern.match(key):
                    return None
        if self.unknown_error:
            extra = filterset.known_parameters
            for key in data:
                if key not in self.accepted and key not in extra:
                    return None
        if pattern is not None:
            filterset._or_groups = []
        filterset._validated_data = validated
        filterset._errors = {}
        return dict(validated)


def _base_class() -> Any:
    from restflow.filters.filterset import FilterSet

    return FilterSet


def _lookup(owner: Any, name: str) -> Any:
    found = getattr(owner, name, None)
    # A classmethod comes back bound to the class it was read from.
    return getattr(found, "__func__", found)


def _build(filterset_class: Any) -> CompiledPlan | None:
    base = _base_class()
    for hook in _HOOKS:
        if _lookup(filterset_class, hook) is not _lookup(base, hook):
            return None
    for name, field in filterset_class._declared_fields.items():
        if name.isidentifier() and getattr(filterset_class, f"validate_{name}", None) is not None:
            return None
        if not _field_is_plannable(field):
            return None
    return CompiledPlan(filterset_class)


class _NoPlan:
    """Records that a class cannot have a plan, with the stamp it was judged at."""

    def __init__(self) -> None:
        self.stamp: tuple[int, ...] = ()
        self.declared: Any = None


def _stamp(filterset_class: Any) -> tuple[int, ...]:
    # A method added to the class or a base after the plan was built (a
    # validate_<name>, a hook override) changes the size of that class's
    # namespace, so the class is judged again. The fields dict is held by
    # the stamp's owner and compared by identity (see get_plan).
    return tuple([len(klass.__dict__) for klass in filterset_class.__mro__])


def get_plan(filterset_class: Any) -> CompiledPlan | None:
    """Return the plan of ``filterset_class`` (built on first use), or ``None`` when it has none."""
    plan = filterset_class.__dict__.get(_PLAN_ATTR)
    if (
        plan is None
        or plan.declared is not filterset_class._declared_fields
        or plan.stamp != _stamp(filterset_class)
    ):
        plan = _build(filterset_class) or _NoPlan()
        plan.declared = filterset_class._declared_fields
        # Set on the class itself, so that a subclass builds its own plan;
        # the stamp is taken after, since setting the attribute changes it.
        setattr(filterset_class, _PLAN_ATTR, plan)
        plan.stamp = _stamp(filterset_class)
    return plan if isinstance(plan, CompiledPlan) else None
