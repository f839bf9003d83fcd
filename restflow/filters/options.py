"""``FilterOptions``: a FilterSet's ``Meta``, merged over its bases' and validated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from restflow.filters.values import DEFAULT_MAX_LIST_ITEMS, DEFAULT_MAX_VALUE_LENGTH, ValueLimits

__all__ = ["FilterOptions", "build_options"]

OPERATORS = ("AND", "OR", "XOR")
UNKNOWN_PARAMETER_POLICIES = ("ignore", "error")
DISTINCT_POLICIES = ("auto", True, False)


@dataclass(frozen=True)
class FilterOptions:
    """Resolved ``Meta`` options of one FilterSet class (see the filtering guide)."""

    model: Any = None
    fields: Any = ()
    exclude: Any = ()
    extra_kwargs: dict[str, dict[str, Any]] = field(default_factory=dict)
    required_fields: tuple[str, ...] = ()
    order_param: str = "order_by"
    order_fields: tuple[Any, ...] = ()
    default_order_fields: tuple[str, ...] = ()
    order_field_labels: tuple[tuple[str, str], ...] = ()
    override_order_direction: str = "asc"
    order_tiebreak: bool = True
    preprocessors: tuple[Callable[..., Any], ...] = ()
    postprocessors: tuple[Callable[..., Any], ...] = ()
    operator: str = "AND"
    allow_negate: bool = True
    lookup_separator: str = "__"
    related_fields: tuple[str, ...] = ()
    # Database alias whose vendor PostgreSQL-only filters are checked against.
    using: str | None = None
    # "ignore" (default) skips unknown query parameters; "error" rejects them.
    unknown_parameters: str = "ignore"
    # Names accepted besides the filters when unknown_parameters="error".
    known_parameters: tuple[str, ...] = ()
    max_value_length: int = DEFAULT_MAX_VALUE_LENGTH
    max_list_items: int = DEFAULT_MAX_LIST_ITEMS
    # OR groups: off by default; "or.a=1&or.b=2" means (a=1 OR b=2).
    or_groups: bool = False
    or_group_prefix: str = "or"
    max_or_groups: int = 5
    # "auto": .distinct() when a filter crosses a to-many relation.
    distinct: Any = "auto"
    # Text search configuration for SearchField when it sets none.
    search_config: str | None = None

    @property
    def value_limits(self) -> ValueLimits:
        return ValueLimits(self.max_value_length, self.max_list_items)


_TUPLE_OPTIONS = {
    "required_fields",
    "order_fields",
    "default_order_fields",
    "order_field_labels",
    "preprocessors",
    "postprocessors",
    "related_fields",
    "known_parameters",
}


def _fail(owner: str, name: str, value: Any, accepted: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{owner}.Meta.{name} = {value!r} is invalid: expected {accepted}.")


def build_options(owner: str, meta: Any, base: FilterOptions | None) -> FilterOptions:
    """Return the options of class ``owner``: ``meta``'s attributes over ``base``.

    Raise ``ImproperlyConfigured`` naming the option, its value and what it accepts.
    """
    options = base or FilterOptions()
    if meta is None:
        return options
    known = {item.name for item in fields(FilterOptions)}
    changes: dict[str, Any] = {}
    for name in dir(meta):
        if name.startswith("_"):
            continue
        if name not in known:
            raise ImproperlyConfigured(
                f"{owner}.Meta.{name} is not a FilterSet option. "
                f"Options: {', '.join(sorted(known))}."
            )
        value = getattr(meta, name)
        if name in _TUPLE_OPTIONS:
            if isinstance(value, str) or not isinstance(value, (list, tuple)):
                raise _fail(owner, name, value, "a list or tuple")
            value = tuple(tuple(item) if isinstance(item, list) else item for item in value)
        changes[name] = value
    options = replace(options, **changes)
    _validate(owner, options)
    return options


def _validate(owner: str, options: FilterOptions) -> None:
    operator = str(options.operator).upper()
    if operator not in OPERATORS:
        raise ValueError(
            f"{owner}.Meta.operator = {options.operator!r} is invalid: use one of "
            f"{', '.join(OPERATORS)}."
        )
    object.__setattr__(options, "operator", operator)
    if options.fields != "__all__" and not isinstance(options.fields, (list, tuple)):
        raise TypeError(
            f"{owner}.Meta.fields must be a list or tuple of model field names or '__all__', "
            f"not {options.fields!r}."
        )
    if not isinstance(options.exclude, (list, tuple)):
        raise TypeError(f"{owner}.Meta.exclude must be a list or tuple, not {options.exclude!r}.")
    if not isinstance(options.extra_kwargs, dict):
        raise _fail(
            owner, "extra_kwargs", options.extra_kwargs, "a dict of name -> dict of arguments"
        )
    if not isinstance(options.order_param, str):
        raise _fail(
            owner, "order_param", options.order_param, "a parameter name such as 'order_by'"
        )
    if options.override_order_direction not in ("asc", "desc"):
        raise _fail(
            owner, "override_order_direction", options.override_order_direction, "'asc' or 'desc'"
        )
    if options.unknown_parameters not in UNKNOWN_PARAMETER_POLICIES:
        raise _fail(owner, "unknown_parameters", options.unknown_parameters, "'ignore' or 'error'")
    if options.distinct not in DISTINCT_POLICIES:
        raise _fail(owner, "distinct", options.distinct, "'auto', True or False")
    for name in ("max_value_length", "max_list_items", "max_or_groups"):
        value = getattr(options, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _fail(owner, name, value, "a positive integer")
    if not isinstance(options.or_groups, bool):
        raise _fail(owner, "or_groups", options.or_groups, "True or False")
    prefix = options.or_group_prefix
    if not isinstance(prefix, str) or not prefix.isidentifier():
        raise _fail(owner, "or_group_prefix", prefix, "a short identifier such as 'or'")
    for name in ("preprocessors", "postprocessors"):
        for item in getattr(options, name):
            if not callable(item):
                raise _fail(
                    owner, name, item, "a list of callables (filterset, queryset) -> queryset"
                )
