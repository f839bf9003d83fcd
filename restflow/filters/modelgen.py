"""Generate filter fields from a model (``Meta.model`` / ``Meta.fields``) and related paths.

A generated field keeps the full ORM path as its ``db_field``, so
``category__name`` filters the category's name. It parses values as the
model column does. A foreign key is validated as the target's primary key
type (integer or UUID), and a decimal with the column's precision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP

from restflow.filters import fields as ff
from restflow.filters.lookups import ALL_FIELDS

__all__ = [
    "DJANGO_FIELD_MAP",
    "RelatedField",
    "build_model_filter",
    "extract_model_fields",
    "resolve_model_path",
]

DJANGO_FIELD_MAP: dict[str, type[ff.Field]] = {
    "CharField": ff.StringField,
    "TextField": ff.StringField,
    "URLField": ff.StringField,
    "SlugField": ff.StringField,
    "EmailField": ff.EmailField,
    "IntegerField": ff.IntegerField,
    "BigIntegerField": ff.IntegerField,
    "SmallIntegerField": ff.IntegerField,
    "PositiveIntegerField": ff.IntegerField,
    "PositiveBigIntegerField": ff.IntegerField,
    "PositiveSmallIntegerField": ff.IntegerField,
    "AutoField": ff.IntegerField,
    "BigAutoField": ff.IntegerField,
    "SmallAutoField": ff.IntegerField,
    "FloatField": ff.FloatField,
    "DecimalField": ff.DecimalField,
    "DateField": ff.DateField,
    "DateTimeField": ff.DateTimeField,
    "TimeField": ff.TimeField,
    "DurationField": ff.DurationField,
    "BooleanField": ff.BooleanField,
    "NullBooleanField": ff.BooleanField,
    "IPAddressField": ff.IPAddressField,
    "GenericIPAddressField": ff.IPAddressField,
    "UUIDField": ff.UUIDField,
}


def _field_class_for(model_field: models.Field) -> type[ff.Field]:
    for klass in type(model_field).__mro__:
        mapped = DJANGO_FIELD_MAP.get(klass.__name__)
        if mapped is not None:
            return mapped
    return ff.StringField


def resolve_model_path(model: type[models.Model], path: str) -> tuple[models.Field, bool]:
    """Return the model field at the end of ``path`` and whether ``path`` crosses a to-many.

    Raise ``FieldDoesNotExist`` naming the model and the part that is missing.
    """
    current = model
    many = False
    parts = path.split(LOOKUP_SEP)
    field: Any = None
    for index, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            raise FieldDoesNotExist(
                f"{current.__name__} has no field {part!r} (in the path {path!r}). Fields: "
                f"{', '.join(sorted(f.name for f in current._meta.get_fields()))}."
            ) from None
        if field.is_relation and (field.many_to_many or field.one_to_many):
            many = True
        if index < len(parts) - 1:
            if not field.is_relation or field.related_model is None:
                raise FieldDoesNotExist(
                    f"{current.__name__}.{part} is not a relation, so {path!r} cannot continue "
                    "past it."
                )
            current = field.related_model
    return field, many


def _value_field_for(model_field: Any, kwargs: dict[str, Any]) -> ff.Field:
    if model_field.is_relation:
        target = model_field.target_field if hasattr(model_field, "target_field") else None
        if target is None and model_field.related_model is not None:
            target = model_field.related_model._meta.pk
        return _value_field_for(target, kwargs)

    if getattr(model_field, "choices", None):
        return ff.ChoiceField(choices=list(model_field.flatchoices), **kwargs)

    internal = model_field.get_internal_type()
    if internal == "ArrayField":
        base = _value_field_for(model_field.base_field, {})  # type: ignore[attr-defined]
        kwargs.setdefault("lookups", [])
        kwargs.setdefault("match_whole", True)
        return ff.ListField(child=base, **kwargs)
    if internal == "JSONField":
        from restflow.filters.postgres import JSONValueField

        return JSONValueField(**kwargs)
    if internal.endswith("RangeField"):
        from restflow.filters.postgres import RangeField

        return RangeField(model_field=model_field, **kwargs)

    field_class = _field_class_for(model_field)
    if field_class is ff.DecimalField:
        kwargs.setdefault("max_digits", model_field.max_digits)  # type: ignore[attr-defined]
        kwargs.setdefault("decimal_places", model_field.decimal_places)  # type: ignore[attr-defined]
    return field_class(**kwargs)


def build_model_filter(
    model: type[models.Model], path: str, extra_kwargs: Mapping[str, Any] | None = None
) -> ff.Field:
    """Return the filter field for the model path ``path`` (``price``, ``category__name``)."""
    return _filter_for(model, path, path, extra_kwargs)


def _concrete_names(model: type[models.Model]) -> list[str]:
    names = []
    for field in model._meta.get_fields():
        # Reverse relations (one_to_many, and m2m declared on the other side) have no column here.
        if field.auto_created and not field.concrete:
            continue
        if getattr(field, "one_to_many", False):
            continue
        names.append(field.name)
    return names


def extract_model_fields(
    model: type[models.Model],
    fields: Any,
    exclude: Iterable[str] | None = None,
    *,
    extra_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
    related_fields: Iterable[str] = (),
    prefix: str = "",
) -> dict[str, ff.Field]:
    """Return ``{name: field}`` for ``fields`` of ``model`` (a list of paths or ``"__all__"``).

    ``exclude`` removes names; ``related_fields`` replaces a foreign key with
    the related model's own fields named ``<fk>__<field>``; ``prefix`` is
    prepended to every name and path. Raise ``TypeError`` for other shapes,
    ``ValueError`` for an abstract model and ``FieldDoesNotExist`` for an
    unknown name.
    """
    if model._meta.abstract:
        raise ValueError(f"{model.__name__} is abstract; filters need a concrete model.")
    if fields == ALL_FIELDS:
        names = _concrete_names(model)
    elif isinstance(fields, (list, tuple)):
        names = list(fields)
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"Meta.fields items must be strings, not {name!r}.")
    else:
        raise TypeError(
            "Meta.fields must be a list or tuple of model field names or '__all__', "
            f"not {fields!r}."
        )
    if exclude is not None and not isinstance(exclude, (list, tuple)):
        raise TypeError(f"Meta.exclude must be a list or tuple, not {exclude!r}.")
    excluded = set(exclude or ())
    extra = dict(extra_kwargs or {})
    related = set(related_fields)
    result: dict[str, ff.Field] = {}
    for name in names:
        if name in excluded:
            continue
        if name in related:
            model_field, _many = resolve_model_path(model, name)
            if not model_field.is_relation or model_field.related_model is None:
                raise TypeError(
                    f"Meta.related_fields names {name!r}, which is not a relation of "
                    f"{model.__name__}."
                )
            nested = extract_model_fields(
                model_field.related_model,
                ALL_FIELDS,
                extra_kwargs={
                    key[len(name) + 2 :]: value
                    for key, value in extra.items()
                    if key.startswith(name + LOOKUP_SEP)
                },
                prefix=f"{prefix}{name}{LOOKUP_SEP}",
            )
            result.update(nested)
            continue
        path = f"{prefix}{name}"
        result[path] = _filter_for(model, name, path, extra.get(name))
    return result


def _filter_for(
    model: type[models.Model], name: str, path: str, extra: Mapping[str, Any] | None
) -> ff.Field:
    # ``name`` is resolved on ``model``; the field filters the full ``path``,
    # which differs when ``model`` is a related model reached through a prefix.
    model_field, _many = resolve_model_path(model, name)
    kwargs: dict[str, Any] = {"db_field": path, "lookups": []}
    kwargs.update(extra or {})
    help_text = getattr(model_field, "help_text", "")
    if help_text and "help_text" not in kwargs:
        kwargs["help_text"] = str(help_text)
    return _value_field_for(model_field, kwargs)


class RelatedField:
    """Placeholder that expands into ``<name>__<field>`` filters of a related model.

    ``fields`` is a list of the related model's field names or ``"__all__"``;
    ``exclude`` removes names; ``extra_kwargs`` is keyed by the related
    field's name. The generated filters use the full path (``category__name``)
    as their ``db_field``. It is never a filter itself.
    """

    def __init__(
        self,
        *,
        model: type[models.Model],
        fields: Any = ALL_FIELDS,
        exclude: Iterable[str] | None = None,
        extra_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.model = model
        self.fields = fields
        self.exclude = list(exclude or [])
        self.extra_kwargs = dict(extra_kwargs or {})
        self.kwargs = kwargs

    def expand(self, name: str) -> dict[str, ff.Field]:
        """Return the filters for ``<name>__<field>`` of the related model."""
        generated = extract_model_fields(
            self.model,
            self.fields,
            self.exclude,
            extra_kwargs={
                key: {**self.kwargs, **value} for key, value in self.extra_kwargs.items()
            },
            prefix=f"{name}{LOOKUP_SEP}",
        )
        if self.kwargs:
            for field_name, field in list(generated.items()):
                related_name = field_name[len(name) + 2 :]
                if related_name not in self.extra_kwargs:
                    generated[field_name] = field.clone(**self.kwargs)
        return generated
