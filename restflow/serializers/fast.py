"""The fast read path: ``ModelSerializer.to_representation`` without DRF's per-row overhead.

DRF looks up, for every row and every field, the field's source through a
generic attribute walker that inspects callables, then calls the field's
``to_representation``. For a model serializer most of that is known once
the fields are bound: which model field a source names, that its value is
never a callable, and that a ``str`` needs no conversion by ``CharField``.
A *plan* records that per field, and one generated row function applies
it. Any value the plan did not expect (a wrong type, an exception, an
object that is not a model instance) takes DRF's own path for that field
or row, so the output is DRF's output.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import operator
import threading
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

__all__ = ["RowPlan", "build_plan", "represent_generic"]

# Field kinds. Each has a code template below.
GENERIC = "generic"
STR = "str"
INT = "int"
FLOAT = "float"
BOOL = "bool"
DATETIME_ISO = "datetime_iso"
DECIMAL_STR = "decimal_str"
CALL = "call"
PK = "pk"
METHOD = "method"
NESTED = "nested"

_EXACT_TYPE = {STR: "str", INT: "int", FLOAT: "float"}


def represent_generic(ret: dict[str, Any], field: serializers.Field, instance: Any) -> None:
    """Add ``field``'s value for ``instance`` to ``ret`` exactly as DRF's Serializer does."""
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return
    name = str(field.field_name)
    check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    if check_for_none is None:
        ret[name] = None
    else:
        ret[name] = field.to_representation(attribute)


class _ModelInfo:
    """Field names of one model, split by how a source naming them can be read."""

    def __init__(self, model: type[models.Model]) -> None:
        opts = model._meta
        self.values: set[str] = set()
        self.forward: dict[str, Any] = {}
        self.relations: set[str] = set()
        for field in opts.get_fields():
            name = str(field.name)
            if field.is_relation:
                if field.concrete and (field.many_to_one or field.one_to_one):
                    self.forward[name] = field
                    self.relations.add(name)
                elif field.concrete and field.many_to_many:
                    self.relations.add(name)
                elif not field.concrete and hasattr(field, "get_accessor_name"):
                    accessor = field.get_accessor_name()
                    if isinstance(accessor, str):
                        self.relations.add(accessor)
            elif field.concrete:
                self.values.add(name)


_model_info_cache: dict[type, _ModelInfo] = {}
_model_info_lock = threading.Lock()


def _model_info(model: type[models.Model]) -> _ModelInfo:
    info = _model_info_cache.get(model)
    if info is None:
        with _model_info_lock:
            info = _model_info_cache.setdefault(model, _ModelInfo(model))
    return info


def _value_path(model: type[models.Model], source_attrs: list[str]) -> bool:
    # True when the source walks forward relations and ends on a plain model
    # field, so each step is a data attribute and never a callable.
    current = model
    for index, attr in enumerate(source_attrs):
        info = _model_info(current)
        last = index == len(source_attrs) - 1
        if last:
            return attr in info.values
        relation = info.forward.get(attr)
        if relation is None:
            return False
        current = relation.related_model
    return False


def _inherits(field: Any, base: type, *names: str) -> bool:
    cls = type(field)
    return isinstance(field, base) and all(getattr(cls, n) is getattr(base, n) for n in names)


def _datetime_timezone(field: serializers.DateTimeField) -> tuple[bool, Any]:
    if not _inherits(
        field,
        serializers.DateTimeField,
        "to_representation",
        "enforce_timezone",
        "default_timezone",
    ):
        return False, None
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output_format is None or not isinstance(output_format, str):
        return False, None
    if output_format.lower() != ISO_8601:
        return False, None
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    return zone is not None, zone


def _decimal_options(field: serializers.DecimalField) -> tuple[Any, ...] | None:
    # The exponent and context DRF's quantize() builds per call, built once.
    # Only the plain string output qualifies: localize and normalize_output
    # take DRF's path.
    if not _inherits(field, serializers.DecimalField, "to_representation", "quantize"):
        return None
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not coerce or field.localize or getattr(field, "normalize_output", False):
        return None
    if field.decimal_places is None:
        return None
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    return decimal.Decimal(".1") ** field.decimal_places, field.rounding, context


def _big_integer_as_int(field: serializers.Field) -> bool:
    # DRF 3.16+ has BigIntegerField, which may render as a string.
    big_integer = getattr(serializers, "BigIntegerField", None)
    if big_integer is None or not _inherits(field, big_integer, "to_representation"):
        return False
    return not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)


def _classify(
    serializer: serializers.Serializer,
    field: serializers.Field,
    model: type[models.Model],
    for_list: bool,
) -> tuple[str, Callable[[Any], Any] | None, Any]:
    source_attrs = list(field.source_attrs)
    info = _model_info(model)
    get_attribute = type(field).get_attribute

    if isinstance(field, serializers.SerializerMethodField):
        if get_attribute is drf_fields.Field.get_attribute and not source_attrs:
            return METHOD, None, getattr(serializer, field.method_name)
        return GENERIC, None, None

    if isinstance(field, relations.ManyRelatedField):
        return GENERIC, None, None

    if isinstance(field, relations.PrimaryKeyRelatedField):
        if (
            _inherits(field, relations.PrimaryKeyRelatedField, "to_representation", "get_attribute")
            and field.use_pk_only_optimization()
            and len(source_attrs) == 1
            and source_attrs[0] in info.forward
        ):
            attname = info.forward[source_attrs[0]].attname
            return PK, operator.attrgetter(attname), field.pk_field
        return GENERIC, None, None

    if isinstance(field, serializers.BaseSerializer):
        if (
            get_attribute is drf_fields.Field.get_attribute
            and len(source_attrs) == 1
            and source_attrs[0] in info.relations
        ):
            return NESTED, operator.attrgetter(source_attrs[0]), None
        return GENERIC, None, None

    if (
        isinstance(field, relations.RelatedField)
        or get_attribute is not drf_fields.Field.get_attribute
    ):
        return GENERIC, None, None
    if not source_attrs or not _value_path(model, source_attrs):
        return GENERIC, None, None

    getter = operator.attrgetter(".".join(source_attrs))
    if _inherits(field, serializers.CharField, "to_representation"):
        return STR, getter, None
    if _inherits(field, serializers.BooleanField, "to_representation"):
        return BOOL, getter, None
    if _inherits(field, serializers.IntegerField, "to_representation"):
        return INT, getter, None
    if for_list and _big_integer_as_int(field):
        return INT, getter, None
    if _inherits(field, serializers.FloatField, "to_representation"):
        return FLOAT, getter, None
    if for_list and isinstance(field, serializers.DecimalField):
        options = _decimal_options(field)
        if options is not None:
            return DECIMAL_STR, getter, options
    if for_list and isinstance(field, serializers.DateTimeField):
        usable, zone = _datetime_timezone(field)
        if usable:
            return DATETIME_ISO, getter, zone
    return CALL, getter, None


def _fetch(i: int, body: list[str]) -> None:
    body += [
        "        try:",
        f"            v = g{i}(inst)",
        "        except Exception:",
        f"            generic(ret, f{i}, inst)",
        "        else:",
        "            if v is None:",
        f"                ret[n{i}] = None",
    ]


def _code_for(kind: str, i: int) -> list[str]:
    body: list[str] = []
    if kind == GENERIC:
        return [f"        generic(ret, f{i}, inst)"]
    if kind == METHOD:
        return [f"        ret[n{i}] = x{i}(inst)"]
    _fetch(i, body)
    if kind in _EXACT_TYPE:
        body += [
            f"            elif type(v) is {_EXACT_TYPE[kind]}:",
            f"                ret[n{i}] = v",
            "            else:",
            f"                generic(ret, f{i}, inst)",
        ]
    elif kind == BOOL:
        body += [
            "            elif v is True or v is False:",
            f"                ret[n{i}] = v",
            "            else:",
            f"                generic(ret, f{i}, inst)",
        ]
    elif kind == DATETIME_ISO:
        body += [
            "            elif type(v) is datetime_type and type(v.tzinfo) in fixed_aware:",
            "                try:",
            f"                    s = v.astimezone(x{i}).isoformat()",
            "                except Exception:",
            f"                    generic(ret, f{i}, inst)",
            "                else:",
            f"                    ret[n{i}] = s[:-6] + 'Z' if s.endswith('+00:00') else s",
            "            else:",
            f"                generic(ret, f{i}, inst)",
        ]
    elif kind == DECIMAL_STR:
        body += [
            "            elif type(v) is decimal_type:",
            "                try:",
            f"                    q = v.quantize(x{i}[0], rounding=x{i}[1], context=x{i}[2])",
            "                except Exception:",
            f"                    generic(ret, f{i}, inst)",
            "                else:",
            f"                    ret[n{i}] = format(q, 'f')",
            "            else:",
            f"                generic(ret, f{i}, inst)",
        ]
    elif kind == CALL:
        body += [
            "            elif callable(v):",
            f"                generic(ret, f{i}, inst)",
            "            else:",
            f"                ret[n{i}] = f{i}.to_representation(v)",
        ]
    elif kind == PK:
        body += [
            f"            elif x{i} is None:",
            f"                ret[n{i}] = v",
            "            else:",
            f"                ret[n{i}] = x{i}.to_representation(v)",
        ]
    elif kind == NESTED:
        body += [
            "            else:",
            f"                ret[n{i}] = f{i}.to_representation(v)",
        ]
    else:  # pragma: no cover - the kinds above are exhaustive
        raise ValueError(f"unknown field kind {kind!r}")
    return body


@functools.lru_cache(maxsize=512)
def _row_factory(kinds: tuple[str, ...]) -> Callable[..., Callable[[Any], dict[str, Any]]]:
    # The generated source contains only generated identifiers and the kind
    # templates above; names, getters and fields are passed in as values.
    lines = ["def make(model, fallback, generic, names, getters, fields, extras):"]
    for i in range(len(kinds)):
        lines.append(
            f"    n{i} = names[{i}]; g{i} = getters[{i}]; f{i} = fields[{i}]; x{i} = extras[{i}]"
        )
    lines += [
        "    def row(inst):",
        "        if type(inst) is not model and not isinstance(inst, model):",
        "            return fallback(inst)",
        "        ret = {}",
    ]
    for i, kind in enumerate(kinds):
        lines += _code_for(kind, i)
    lines += ["        return ret", "    return row"]
    namespace: dict[str, Any] = {
        "datetime_type": datetime.datetime,
        "decimal_type": decimal.Decimal,
        # tzinfo classes whose utcoffset() is never None, so a datetime
        # carrying one is aware; other tzinfo classes take DRF's path.
        "fixed_aware": frozenset({datetime.timezone, zoneinfo.ZoneInfo}),
    }
    exec(compile("\n".join(lines), f"<restflow fast path {len(kinds)} fields>", "exec"), namespace)
    return namespace["make"]


class RowPlan:
    """How to represent one model instance with one bound serializer."""

    def __init__(
        self, serializer: serializers.Serializer, model: type[models.Model], for_list: bool
    ):
        readable = [field for field in serializer.fields.values() if not field.write_only]
        self.kinds: list[str] = []
        names: list[str] = []
        getters: list[Any] = []
        bound_fields: list[Any] = []
        extras: list[Any] = []
        for field in readable:
            kind, getter, extra = _classify(serializer, field, model, for_list)
            self.kinds.append(kind)
            names.append(str(field.field_name))
            getters.append(getter)
            bound_fields.append(field)
            extras.append(extra)
        fallback = functools.partial(serializers.Serializer.to_representation, serializer)
        make = _row_factory(tuple(self.kinds))
        self.row: Callable[[Any], dict[str, Any]] = make(
            model, fallback, represent_generic, names, getters, bound_fields, extras
        )

    def many(self, iterable: Iterable[Any]) -> list[dict[str, Any]]:
        """Return the representation of every instance in ``iterable``."""
        row = self.row
        return [row(instance) for instance in iterable]


def build_plan(serializer: serializers.Serializer, *, for_list: bool) -> RowPlan | None:
    """Return a plan for ``serializer``, or None when it has no ``Meta.model``."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if not (isinstance(model, type) and issubclass(model, models.Model)):
        return None
    return RowPlan(serializer, model, for_list)
