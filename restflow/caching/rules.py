"""``InvalidationRule``: which model changes invalidate which cached function's entries."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from restflow.caching.constants import MISSING_VALUE
from restflow.caching.key_fields import resolve_attr_path

__all__ = ["InvalidationRule"]


def _callable_name(value: Any) -> str:
    if isinstance(value, str):
        return value
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"


@dataclass(eq=False)
class InvalidationRule:
    """Invalidate a cached function's entries when instances of ``model`` change.

    ``model`` is a model class or an ``"app_label.ModelName"`` label.
    ``field_mapping`` maps the function's argument names to dotted paths on
    the instance (``{"product_id": "pk"}``); ``{}`` wipes every entry of the
    function. ``watch_fields`` limits saves of existing rows to those that
    change one of these fields (old values are snapshotted when the row is
    loaded, or read before the save). ``invalidate_when`` maps attribute
    names (``"!name"`` negates) to required values. ``invalidator`` replaces
    the default work with ``invalidator(wrapper, instance, **extras)``.
    ``rewarm`` recomputes the entry instead of deleting it. ``dispatcher``
    names the task runner (``None``: ``CACHE_SETTINGS.DEFAULT_DISPATCHER``).
    """

    model: Any
    rewarm: bool = False
    field_mapping: Mapping[str, str] | None = None
    require_args: bool | Sequence[str] = True
    trigger_on_create: bool = False
    watch_fields: Sequence[str] | None = None
    invalidate_when: Mapping[str, Any] = field(default_factory=dict)
    invalidator: Callable[..., Any] | str | None = None
    dispatcher: Any = None
    dispatcher_config: Mapping[str, Any] = field(default_factory=dict)
    batch: bool = False
    raise_exception: bool | None = None

    def __post_init__(self) -> None:
        if self.invalidator is not None and self.field_mapping:
            raise ValueError(
                "InvalidationRule got both invalidator and field_mapping; the invalidator "
                "receives the instance and does its own mapping, so pass one of them."
            )
        if self.invalidator is not None and not (
            callable(self.invalidator) or isinstance(self.invalidator, str)
        ):
            raise TypeError(
                f"invalidator={self.invalidator!r} is neither callable nor a dotted path."
            )
        if self.field_mapping is not None and not (
            isinstance(self.field_mapping, Mapping)
            and all(
                isinstance(k, str) and isinstance(v, str) for k, v in self.field_mapping.items()
            )
        ):
            raise TypeError(
                f"field_mapping={self.field_mapping!r} is invalid; use a dict of argument name "
                "-> dotted attribute path, e.g. {'product_id': 'pk'}."
            )
        if isinstance(self.watch_fields, str):
            raise TypeError(
                f"watch_fields={self.watch_fields!r} is a string; use a list such as "
                f"[{self.watch_fields!r}]."
            )
        if not (isinstance(self.model, (str, type))):
            raise TypeError(
                f"model={self.model!r} is invalid; use a model class or a label such as "
                "'catalog.Product'."
            )
        self.wrapper: Any = None
        self.rule_id = ""
        self._invalidator: Callable[..., Any] | None = None
        self._dispatchers: dict[int, Any] = {}
        self._lock = threading.Lock()

    # --- identity -------------------------------------------------------------------

    @property
    def model_label(self) -> str:
        if isinstance(self.model, str):
            return self.model
        return str(self.model._meta.label)

    def content(self) -> str:
        """Return the text a rule id is derived from (everything that changes its effect)."""
        mapping = sorted((self.field_mapping or {}).items())
        when = sorted((key, repr(value)) for key, value in self.invalidate_when.items())
        watch = sorted(self.watch_fields or ())
        invalidator = _callable_name(self.invalidator) if self.invalidator is not None else ""
        return repr(
            (
                self.model_label.lower(),
                self.field_mapping is None,
                mapping,
                self.rewarm,
                self.require_args
                if isinstance(self.require_args, bool)
                else sorted(self.require_args),
                self.trigger_on_create,
                watch,
                when,
                invalidator,
            )
        )

    def bind(self, wrapper: Any) -> None:
        """Attach the rule to the wrapper it invalidates and derive its stable id.

        The id is a digest of the wrapped function's identifier and the
        rule's content, so every process that imports the same code gets the
        same id, whatever order the rules were registered in.
        """
        if self.wrapper is not None and self.wrapper is not wrapper:
            raise ValueError(
                f"This InvalidationRule(model={self.model_label!r}) is already attached to "
                f"{self.wrapper.identifier}; create one rule object per cached function."
            )
        self.wrapper = wrapper
        text = f"{getattr(wrapper, 'rule_scope', wrapper.identifier)}|{self.content()}"
        self.rule_id = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]

    # --- evaluation --------------------------------------------------------------------

    def resolve_invalidator(self) -> Callable[..., Any] | None:
        """Return the invalidator callable, importing a dotted path on first use."""
        if self.invalidator is None:
            return None
        if self._invalidator is None:
            if isinstance(self.invalidator, str):
                if "." not in self.invalidator:
                    raise ValueError(
                        f"invalidator={self.invalidator!r} is not a dotted path; use "
                        "'package.module.function'."
                    )
                self._invalidator = import_string(self.invalidator)
            else:
                self._invalidator = self.invalidator
        return self._invalidator

    def conditions_hold(self, instance: Any) -> bool:
        """Return True when every ``invalidate_when`` entry holds for ``instance``."""
        for key, expected in self.invalidate_when.items():
            negate = key.startswith("!")
            name = key[1:] if negate else key
            value = resolve_attr_path(instance, name)
            if value == MISSING_VALUE:
                return False
            matches = value is None if expected is None else value == expected
            if matches == negate:
                return False
        return True

    def build_kwargs(self, instance: Any) -> dict[str, Any] | None:
        """Return the wrapper arguments mapped from ``instance``, or ``None`` to skip.

        ``require_args`` decides which mapped values must not be ``None``.
        """
        kwargs: dict[str, Any] = {}
        for argument, path in (self.field_mapping or {}).items():
            value = resolve_attr_path(instance, path)
            kwargs[argument] = None if value == MISSING_VALUE else value
        if self.require_args is True:
            required: Sequence[str] = list(kwargs)
        elif self.require_args is False:
            required = []
        else:
            required = list(self.require_args)
        if any(kwargs.get(name) is None for name in required):
            return None
        return kwargs

    def get_dispatcher(self) -> Any:
        """Return this rule's dispatcher, built once per settings generation."""
        from restflow.caching.dispatchers import resolve
        from restflow.settings import restflow_settings

        generation = restflow_settings.generation
        dispatcher = self._dispatchers.get(generation)
        if dispatcher is None:
            with self._lock:
                spec = self.dispatcher or restflow_settings.CACHE_SETTINGS.DEFAULT_DISPATCHER
                dispatcher = resolve(spec, dict(self.dispatcher_config))
                self._dispatchers = {generation: dispatcher}
        return dispatcher
