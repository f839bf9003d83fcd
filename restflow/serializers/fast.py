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

from django.core.signals import setting_changed
from django.db import models
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

__all__ = [
    "ClassPlan",
    "RowPlan",
    "build_plan",
    "class_plan",
    "clear_class_plans",
    "represent_generic",
]

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
        self.names: list[str] = []
        self.fields: list[Any] = []
        self.extras: list[Any] = []
        getters: list[Any] = []
        names, bound_fields, extras = self.names, self.fields, self.extras
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


# --- plans built once per serializer class ------------------------------------

# Kinds whose conversion needs nothing from a bound serializer: no context,
# no request, no user code. A class whose fields are all of these kinds can
# share one plan, built on a template instance, across requests.
_CONTEXT_FREE = frozenset({STR, INT, FLOAT, BOOL, DATETIME_ISO, DECIMAL_STR, CALL, PK})

# Hooks that decide which fields a serializer instance has. A user override
# may read the context or the constructor's arguments (dynamic fields), so
# such a class keeps building its fields per instance.
_FIELD_HOOKS = (
    "__init__",
    "to_representation",
    "get_fields",
    "get_field_names",
    "get_default_field_names",
    "build_field",
    "build_standard_field",
    "build_relational_field",
    "build_nested_field",
    "build_property_field",
    "build_url_field",
    "build_unknown_field",
    "get_extra_kwargs",
    "include_extra_kwargs",
    "fields",
    "_readable_fields",
    "data",
)

# Model hooks that could make an instance's attribute differ from its column value.
_MODEL_HOOKS = ("__init__", "from_db", "__getattribute__", "__getattr__")

_FRAMEWORK_MODULES = ("rest_framework.", "restflow.")


def _defined_by_user(cls: type, name: str) -> bool:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return not klass.__module__.startswith(_FRAMEWORK_MODULES)
    return False


def _context_free_call(field: serializers.Field) -> bool:
    # DRF's FileField builds absolute URLs from the request, and container
    # fields hand values to child fields of any class.
    if isinstance(field, (serializers.FileField, serializers.ListField, serializers.DictField)):
        return False
    return not _defined_by_user(type(field), "to_representation")


def _plain_model(model: type[models.Model]) -> bool:
    base = models.Model
    for name in _MODEL_HOOKS:
        own = getattr(model, name, None)
        stock = getattr(base, name, None)
        if getattr(own, "__func__", own) is not getattr(stock, "__func__", stock):
            return False
    return True


def _column_of(field: Any, kind: str, model: type[models.Model]) -> str | None:
    """Return the column ``.values_list()`` reads for ``field``, or None."""
    from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
    from django.db.models.query_utils import DeferredAttribute

    info = _model_info(model)
    source_attrs = list(field.source_attrs)
    if len(source_attrs) != 1:
        return None
    name = source_attrs[0]
    if kind == PK:
        model_field = info.forward.get(name)
    elif name in info.values:
        model_field = model._meta.get_field(name)
    else:
        model_field = None
    if model_field is None or not getattr(model_field, "concrete", False):
        return None
    attname = str(model_field.attname)
    # A custom descriptor (FileField's, a user's) may turn the column value
    # into another object on the instance.
    descriptor = getattr(model, attname, None)
    if type(descriptor) not in (DeferredAttribute, ForeignKeyDeferredAttribute):
        return None
    return attname


def _tuple_code(kind: str, i: int) -> list[str]:
    # The same conversions as the instance templates above; a value they do
    # not expect goes to the field's own to_representation, as DRF does.
    convert = f"f{i}.to_representation(v{i})"
    if kind == PK:
        return [f"        ret[n{i}] = v{i}"]
    body = [f"        if v{i} is None:", f"            ret[n{i}] = None"]
    if kind in _EXACT_TYPE:
        body += [
            f"        elif type(v{i}) is {_EXACT_TYPE[kind]}:",
            f"            ret[n{i}] = v{i}",
        ]
    elif kind == BOOL:
        body += [f"        elif v{i} is True or v{i} is False:", f"            ret[n{i}] = v{i}"]
    elif kind == DECIMAL_STR:
        body += [
            f"        elif type(v{i}) is decimal_type:",
            "            try:",
            f"                q = v{i}.quantize(x{i}[0], rounding=x{i}[1], context=x{i}[2])",
            "            except Exception:",
            f"                ret[n{i}] = {convert}",
            "            else:",
            f"                ret[n{i}] = format(q, 'f')",
        ]
    elif kind == DATETIME_ISO:
        body += [
            # Database drivers hand out UTC datetimes; shown in UTC they
            # need no conversion, and their isoformat() ends in +00:00.
            f"        elif u{i} and type(v{i}) is datetime_type and v{i}.tzinfo is utc:",
            f"            ret[n{i}] = v{i}.isoformat()[:-6] + 'Z'",
            f"        elif type(v{i}) is datetime_type and type(v{i}.tzinfo) in fixed_aware:",
            "            try:",
            f"                s = v{i}.astimezone(x{i}).isoformat()",
            "            except Exception:",
            f"                ret[n{i}] = {convert}",
            "            else:",
            f"                ret[n{i}] = s[:-6] + 'Z' if s.endswith('+00:00') else s",
        ]
    elif kind != CALL:  # pragma: no cover - only context-free kinds reach here
        raise ValueError(f"no column template for kind {kind!r}")
    body += ["        else:", f"            ret[n{i}] = {convert}"]
    return body


def _is_utc(zone: Any) -> bool:
    return zone is datetime.timezone.utc or (
        isinstance(zone, zoneinfo.ZoneInfo) and zone.key == "UTC"
    )


@functools.lru_cache(maxsize=512)
def _tuple_factory(kinds: tuple[str, ...]) -> Callable[..., Callable[[Any], dict[str, Any]]]:
    # As in _row_factory, the source holds only generated identifiers.
    lines = ["def make(names, fields, extras):"]
    for i in range(len(kinds)):
        lines.append(
            f"    n{i} = names[{i}]; f{i} = fields[{i}]; x{i} = extras[{i}]; u{i} = is_utc(x{i})"
        )
    unpack = ", ".join(f"v{i}" for i in range(len(kinds)))
    lines += ["    def row(values):", f"        {unpack}, = values", "        ret = {}"]
    for i, kind in enumerate(kinds):
        lines += _tuple_code(kind, i)
    lines += ["        return ret", "    return row"]
    namespace: dict[str, Any] = {
        "datetime_type": datetime.datetime,
        "decimal_type": decimal.Decimal,
        "fixed_aware": frozenset({datetime.timezone, zoneinfo.ZoneInfo}),
        "utc": datetime.timezone.utc,
        "is_utc": _is_utc,
    }
    exec(
        compile("\n".join(lines), f"<restflow column path {len(kinds)} fields>", "exec"), namespace
    )
    return namespace["make"]


class ClassPlan:
    """A read plan shared by every instance of one serializer class.

    It exists only for a class whose representation needs no context: each
    readable field is a model value converted by DRF's own field code. The
    plan was built on a template instance, so no per-request ``get_fields()``
    runs. When each field is one column of the model, ``columns`` names them
    for ``.values_list()`` and ``tuple_row`` turns such a row into the same
    dict that ``row`` makes from an instance.
    """

    def __init__(self, model: type[models.Model], plan: RowPlan, columns: list[str] | None):
        self.model = model
        self.row = plan.row
        self.many = plan.many
        self.columns: tuple[str, ...] | None = None
        self.tuple_row: Callable[[Any], dict[str, Any]] | None = None
        if columns:
            self.columns = tuple(columns)
            make = _tuple_factory(tuple(plan.kinds))
            self.tuple_row = make(plan.names, plan.fields, plan.extras)

    def many_tuples(self, rows: Iterable[Any]) -> list[dict[str, Any]]:
        """Return the representation of every ``.values_list(*columns)`` row."""
        row = self.tuple_row
        assert row is not None
        return [row(values) for values in rows]


class _ClassEntry:
    def __init__(self, template: serializers.Serializer, model: type[models.Model]):
        self.template = template
        self.model = model
        self.needs_zone = False
        self.by_zone: dict[Any, ClassPlan] = {}
        self.plan: ClassPlan | None = None


_class_entries: dict[type, _ClassEntry | None] = {}
_MAX_ZONES = 64
_class_lock = threading.Lock()


def _qualifies(cls: type) -> tuple[serializers.Serializer, type[models.Model]] | None:
    if any(_defined_by_user(cls, name) for name in _FIELD_HOOKS):
        return None
    model = getattr(getattr(cls, "Meta", None), "model", None)
    if not (isinstance(model, type) and issubclass(model, models.Model)):
        return None
    try:
        template = cls()
        fields = [field for field in template.fields.values() if not field.write_only]
    except Exception:
        # The class's own errors surface on its normal path, per request.
        return None
    for field in fields:
        if getattr(field.default, "requires_context", False):
            return None
    return template, model


def _build_class_plan(entry: _ClassEntry) -> ClassPlan | None:
    template, model = entry.template, entry.model
    plan = RowPlan(template, model, for_list=True)
    columns: list[str] | None = [] if _plain_model(model) else None
    for kind, field, extra in zip(plan.kinds, plan.fields, plan.extras, strict=True):
        if kind not in _CONTEXT_FREE:
            return None
        if kind == CALL and not _context_free_call(field):
            return None
        if kind == PK and extra is not None:
            return None
        if kind == DATETIME_ISO:
            entry.needs_zone = True
        if columns is not None:
            column = _column_of(field, kind, model)
            columns = None if column is None or column in columns else columns + [column]
    return ClassPlan(model, plan, columns)


def class_plan(cls: type) -> ClassPlan | None:
    """Return the shared read plan of serializer class ``cls``, or None when it has none.

    The caller makes sure ``cls`` is a restflow ``ModelSerializer`` and that
    the instance at hand did not change its fields after construction. A
    plan that renders datetimes is kept per current time zone.
    """
    try:
        entry = _class_entries[cls]
    except KeyError:
        with _class_lock:
            found = _qualifies(cls)
            entry = _class_entries[cls] = None if found is None else _ClassEntry(*found)
            if entry is not None:
                entry.plan = _build_class_plan(entry)
                if entry.plan is None:
                    entry = _class_entries[cls] = None
    if entry is None:
        return None
    if not entry.needs_zone:
        return entry.plan
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    plan = entry.by_zone.get(zone)
    if plan is None:
        with _class_lock:
            plan = _build_class_plan(entry)
            # Time zones chosen per user could grow the table without end.
            if len(entry.by_zone) < _MAX_ZONES:
                entry.by_zone[zone] = plan  # type: ignore[assignment]
    return plan


def clear_class_plans(**kwargs: Any) -> None:
    """Forget every class plan: the settings they were built under changed."""
    with _class_lock:
        _class_entries.clear()


# Templates read DRF's settings (decimal coercion, datetime format, USE_TZ)
# when they are built, as every serializer instance does.
setting_changed.connect(clear_class_plans, dispatch_uid="restflow-class-plans")
