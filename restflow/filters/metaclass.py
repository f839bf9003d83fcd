"""``FilterMetaClass``: collect a FilterSet's fields and expand lookups, negations and ordering.

Everything that can be checked without a request is checked here, when the
class is created: lookup names, PostgreSQL-only features on another
database, method names, option values and name clashes.
"""

from __future__ import annotations

import sys
import typing
from typing import Any, ClassVar, get_origin

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models.constants import LOOKUP_SEP
from rest_framework.fields import empty
from rest_framework.serializers import SerializerMetaclass

from restflow.filters import postgres_support
from restflow.filters.annotations import build_filter_field
from restflow.filters.fields import Field, ListField
from restflow.filters.lookups import validate_lookup_name
from restflow.filters.modelgen import RelatedField, extract_model_fields, resolve_model_path
from restflow.filters.options import FilterOptions, build_options
from restflow.filters.ordering import OrderField
from restflow.helpers import RESERVED_SERIALIZER_ATTRS

__all__ = ["FilterMetaClass"]


def _evaluate(annotation: Any, attrs: dict[str, Any], owner: str, name: str) -> Any:
    if not isinstance(annotation, str):
        return annotation
    module = sys.modules.get(attrs.get("__module__", ""))
    namespace = dict(vars(module)) if module else {}
    namespace.setdefault("typing", typing)
    try:
        return eval(annotation, namespace, dict(attrs))
    except Exception as exc:
        raise ImproperlyConfigured(
            f"{owner}.{name}: cannot evaluate the annotation {annotation!r} ({exc}). Import the "
            "type at module level so the FilterSet can resolve it."
        ) from exc


def _is_classvar(annotation: Any) -> bool:
    return annotation is ClassVar or get_origin(annotation) is ClassVar


class FilterMetaClass(SerializerMetaclass):
    """Build ``_declared_fields`` from annotations, field instances and ``Meta``."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        base_options: FilterOptions | None = None
        inherited: dict[str, Field] = {}
        # Inherited names that came from Meta.fields, which a subclass's own
        # Meta may regenerate; any other inherited field is kept as declared.
        inherited_generated: set[str] = set()
        order_name: str | None = None
        order_field: OrderField | None = None
        for base in reversed(bases):
            if hasattr(base, "_base_fields"):
                inherited.update(base._base_fields)
                inherited_generated.update(getattr(base, "_generated_names", ()))
                base_order: Any = getattr(base, "_order_field", None)
                if base_order is not None:
                    order_name, order_field = getattr(base, "_order_field_name", None), base_order
        for base in bases:
            if hasattr(base, "_options"):
                base_options = base._options
                break

        own_meta = attrs.get("Meta")
        options = build_options(name, own_meta, base_options)

        explicit: dict[str, Field] = {}
        related: dict[str, RelatedField] = {}
        explicit_order: list[tuple[str, OrderField]] = []
        annotations = dict(attrs.get("__annotations__", {}))
        for key, value in list(attrs.items()):
            if isinstance(value, OrderField):
                explicit_order.append((key, attrs.pop(key)))
            elif isinstance(value, RelatedField):
                related[key] = attrs.pop(key)
            elif isinstance(value, Field) and not (type(value) is Field and key in annotations):
                if type(value) is Field:
                    raise ImproperlyConfigured(
                        f"{name}.{key}: a bare Field() needs a type annotation "
                        f"(`{key}: int = Field(...)`), or use a typed class such as StringField."
                    )
                explicit[key] = attrs.pop(key)
        if len(explicit_order) > 1:
            raise ValueError(
                f"{name} declares {len(explicit_order)} OrderFields "
                f"({', '.join(key for key, _field in explicit_order)}); a FilterSet has one "
                "ordering parameter."
            )

        annotated: dict[str, Field] = {}
        for key, raw in annotations.items():
            if key.startswith("_") or key in explicit or key in related:
                continue
            annotation = _evaluate(raw, attrs, name, key)
            if _is_classvar(annotation):
                continue
            if key in RESERVED_SERIALIZER_ATTRS:
                raise ValueError(
                    f"{name}.{key}: {key!r} is an attribute DRF serializers use, so it cannot be "
                    "a filter name. Rename it and set db_field or filter_by to the model path."
                )
            kwargs: dict[str, Any] = {}
            default = attrs.pop(key, empty)
            if isinstance(default, Field):
                kwargs.update(default._kwargs)  # type: ignore[attr-defined]
            elif default is not empty:
                kwargs["default"] = default
            kwargs.update(options.extra_kwargs.get(key, {}))
            try:
                annotated[key] = build_filter_field(annotation, field_name=key, **kwargs)
            except AssertionError as exc:
                raise AssertionError(f"{name}: {exc}") from None

        generated: dict[str, Field] = {}
        if own_meta is not None and options.model is not None and options.fields:
            try:
                model_fields = extract_model_fields(
                    options.model,
                    options.fields,
                    options.exclude,
                    extra_kwargs=options.extra_kwargs,
                    related_fields=options.related_fields,
                )
            except FieldDoesNotExist as exc:
                # The message of resolve_model_path names the model, the
                # missing part and the whole path.
                raise ImproperlyConfigured(
                    f"{name}.Meta.fields (model {options.model.__name__}): {exc} Fix or remove "
                    "the path in Meta.fields or Meta.related_fields. For a value computed "
                    "with annotate(), declare a filter with method= instead."
                ) from exc
            generated = {
                key: field
                for key, field in model_fields.items()
                if key not in explicit
                and key not in annotated
                and (key not in inherited or key in inherited_generated)
            }
        elif own_meta is not None and options.model is not None and options.model._meta.abstract:
            raise ValueError(f"{name}.Meta.model {options.model.__name__} is abstract.")

        expanded_related: dict[str, Field] = {}
        for key, placeholder in related.items():
            for sub_name, field in placeholder.expand(key).items():
                if sub_name not in explicit and sub_name not in annotated:
                    expanded_related[sub_name] = field

        own: dict[str, Field] = {}
        for source in (annotated, explicit, generated, expanded_related):
            for key, field in source.items():
                own.setdefault(key, field)
        base_fields = {key: field for key, field in inherited.items() if key not in own}
        base_fields.update(own)

        for key in options.required_fields:
            if key not in base_fields:
                raise ImproperlyConfigured(
                    f"{name}.Meta.required_fields names {key!r}, which is not a filter. "
                    f"Filters: {', '.join(base_fields)}."
                )
            base_fields[key] = _copy_with(base_fields[key], required=True)

        if explicit_order:
            order_name, order_field = explicit_order[0]
        elif own_meta is not None and options.order_fields:
            order_name = options.order_param
            order_kwargs: dict[str, Any] = {}
            if options.default_order_fields:
                order_kwargs["default"] = list(options.default_order_fields)
            order_field = OrderField(
                fields=options.order_fields,
                labels=options.order_field_labels or None,
                override_order_direction=options.override_order_direction,
                tiebreak=options.order_tiebreak,
                **order_kwargs,
            )
        if order_name is not None and not order_name:
            raise ImproperlyConfigured(
                f"{name}: the ordering parameter has an empty name; set Meta.order_param."
            )

        declared = _expand(name, base_fields, options)
        if order_name is not None and order_field is not None:
            if order_name in declared:
                raise ImproperlyConfigured(
                    f"{name}: the ordering parameter {order_name!r} clashes with a filter of the "
                    "same name. Set Meta.order_param to another name."
                )
            declared[order_name] = order_field

        cls = super().__new__(mcs, name, bases, attrs)
        cls._options = options
        cls._base_fields = base_fields
        cls._generated_names = frozenset(
            key
            for key in base_fields
            if key in generated or (key in inherited_generated and key not in own)
        )
        cls._order_field_name = order_name
        cls._order_field = order_field
        cls._declared_fields = declared

        for key, field in declared.items():
            if isinstance(field.method, str) and not callable(getattr(cls, field.method, None)):
                raise ImproperlyConfigured(
                    f"{name}.{key}: method={field.method!r} names no method of {name}. Define "
                    f"`def {field.method}(self, queryset, value)` on the class or pass a callable."
                )
        postgres_support.check_postgres_requirements(name, declared, options)
        return cls


def _copy_with(field: Field, **overrides: Any) -> Field:
    clone = field.clone(**overrides)
    for attr in Field._FILTER_STATE:
        if hasattr(field, attr):
            setattr(clone, attr, getattr(field, attr))
    return clone


def _model_field_for(options: FilterOptions, field: Field) -> Any:
    if options.model is None or not field.db_field:
        return None
    try:
        model_field, _many = resolve_model_path(options.model, field.db_field)
    except FieldDoesNotExist:
        return None
    return model_field


def _check_model_path(owner: str, key: str, field: Field, options: FilterOptions) -> None:
    # A path that names no model field would fail on every request with a
    # FieldError (a 500), so it fails here instead.
    path = field.get_filter_path()
    model = options.model
    if model is None or not path:
        return
    current = model
    for index, part in enumerate(path.split(LOOKUP_SEP)):
        if part == "pk" and current is not None:
            return
        try:
            model_field = current._meta.get_field(part)
        except FieldDoesNotExist:
            if index > 0:
                return  # the rest are lookups or JSON keys, checked with the lookups
            names = sorted(f.name for f in current._meta.get_fields())
            raise ImproperlyConfigured(
                f"{owner}.{key} filters on {path!r}, but {current.__name__} has no field "
                f"{part!r}. Fields: {', '.join(names)}. For a value computed with annotate(), "
                "filter with method= instead of a model path."
            ) from None
        if not model_field.is_relation or model_field.related_model is None:
            return
        current = model_field.related_model


def _expand(owner: str, base_fields: dict[str, Field], options: FilterOptions) -> dict[str, Field]:
    declared: dict[str, Field] = {}

    def add(key: str, field: Field) -> None:
        if key in declared:
            raise ImproperlyConfigured(
                f"{owner}: the parameter {key!r} is generated twice (a lookup variant clashes "
                "with a declared filter). Rename the filter or the lookup alias."
            )
        declared[key] = field

    for key, original in base_fields.items():
        # Work on a copy so that subclasses expand inherited fields afresh.
        field = _copy_with(original)
        field.ensure_db_field(key)
        _check_model_path(owner, key, field, options)
        if isinstance(field, ListField) and "match_whole" not in field._kwargs:  # type: ignore[attr-defined]
            column = _model_field_for(options, field)
            # A list filter on an ArrayField column compares whole arrays.
            field.match_whole = column is not None and column.get_internal_type() == "ArrayField"
        if field.allow_negate is None:
            field.allow_negate = options.allow_negate and field.method is None
        add(key, field)
        if field.allow_negate:
            add(f"{key}!", field.build_negation())
        separator = field.lookup_separator or options.lookup_separator
        specs = field.get_lookup_specs()
        model_field = _model_field_for(options, field) if specs else None
        for spec in specs:
            postgres_support.check_lookup_vendor(owner, key, field, spec, options)
            validate_lookup_name(
                spec.lookup, where=f"{owner}.{key} (lookup {spec.alias!r})", model_field=model_field
            )
            variant = field.build_variant(spec)
            variant.variant_of = key
            variant_name = f"{key}{separator}{spec.alias}"
            add(variant_name, variant)
            if field.allow_negate:
                add(f"{variant_name}!", variant.build_negation())
    return declared
