"""``FilterSet``: validate query parameters and apply them to a queryset, sync or async."""

from __future__ import annotations

import functools
import logging
import operator as operators
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.fields import SkipField, get_error_detail
from rest_framework.settings import api_settings

from restflow.filters.compiled import get_plan
from restflow.filters.fields import Field
from restflow.filters.groups import parse_or_groups
from restflow.filters.metaclass import FilterMetaClass
from restflow.filters.options import FilterOptions
from restflow.filters.values import ValueLimits
from restflow.helpers import maybe_await, require_sync

__all__ = ["FilterSet"]

logger = logging.getLogger(__name__)

_COMBINE = {"AND": operators.and_, "OR": operators.or_, "XOR": operators.xor}
# How many accepted names an "unknown parameter" error lists before "...".
_LISTED_NAMES = 25


class FilterSet(serializers.Serializer, metaclass=FilterMetaClass):
    """Declarative query-parameter filters for a queryset.

    Declare fields by annotation (``in_stock: bool``), as field instances
    (``price = DecimalField(lookups=["comparison"])``) or from a model
    (``Meta.model`` and ``Meta.fields``), then call
    ``filterset.filter_queryset(queryset)`` (or ``await
    filterset.afilter_queryset(queryset)``). Invalid values raise DRF's
    ``ValidationError`` with one entry per parameter::

        class ProductFilterSet(FilterSet):
            name = StringField(lookups=["icontains"])
            price = DecimalField(lookups=["comparison"])
            in_stock: bool

            class Meta:
                model = Product
                fields = ["category", "brand"]
                order_fields = [("price", "price"), ("name", "name")]

        ProductFilterSet(request=request).filter_queryset(Product.objects.all())
    """

    _options: FilterOptions
    _order_field_name: str | None

    def __init__(
        self,
        data: Any = None,
        request: Any = None,
        *,
        known_parameters: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        if data is None and request is not None:
            data = request.query_params if hasattr(request, "query_params") else request.GET
        if data is None:
            data = QueryDict("")
        context = dict(kwargs.pop("context", None) or {})
        context.setdefault("request", request)
        super().__init__(data=data, context=context, **kwargs)
        self.request = request
        self.known_parameters = frozenset(known_parameters)
        self._or_groups: list[list[tuple[Field, Any]]] = []
        self._rank_ordering: list[Any] = []

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{cls.__name__} does not support many=True: a FilterSet reads one query.")

    # --- options -------------------------------------------------------------

    @classmethod
    def get_options(cls) -> FilterOptions:
        """Return the resolved ``Meta`` options of this class."""
        return cls._options

    @property
    def value_limits(self) -> ValueLimits:
        return self._options.value_limits

    # --- validation ----------------------------------------------------------

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not hasattr(data, "keys"):
            raise ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        f"Expected query parameters, not {type(data).__name__}."
                    ]
                }
            )
        validated: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for name, field in self.fields.items():
            try:
                primitive = field.get_value(data)
                value = field.run_validation(primitive)
                validate_method = getattr(self, f"validate_{name}", None)
                if validate_method is not None and name.isidentifier():
                    value = validate_method(value)
            except ValidationError as exc:
                errors[name] = exc.detail
            except DjangoValidationError as exc:
                errors[name] = get_error_detail(exc)
            except SkipField:
                pass
            else:
                validated[name] = value

        group_keys: set[str] = set()
        if self._options.or_groups:
            self._or_groups, group_keys = parse_or_groups(self, data, errors)
        self._check_unknown(data, group_keys, errors)
        if errors:
            raise ValidationError(errors)
        return validated

    def _check_unknown(self, data: Any, group_keys: set[str], errors: dict[str, Any]) -> None:
        if self._options.unknown_parameters != "error":
            return
        accepted = set(self.fields) | set(self._options.known_parameters) | self.known_parameters
        for key in data:
            if key in accepted or key in group_keys or key in errors:
                continue
            names = sorted(self.fields)
            listed = ", ".join(names[:_LISTED_NAMES]) + (
                ", ..." if len(names) > _LISTED_NAMES else ""
            )
            errors[key] = [
                ErrorDetail(
                    f"Unknown parameter; this endpoint accepts: {listed}.", code="unknown_parameter"
                )
            ]

    def model_dump(self) -> dict[str, Any]:
        """Validate the data and return the validated values.

        Raise ``ValidationError`` when a parameter is invalid.
        """
        self.is_valid(raise_exception=True)
        return dict(self.validated_data)

    # --- filtering -------------------------------------------------------------

    def _order_requested(self) -> bool:
        name = self._order_field_name
        return bool(name) and name in self.initial_data

    def _split(
        self,
        values: dict[str, Any],
        ignore: Iterable[str] | None,
        fields: Mapping[str, Any] | None = None,
    ) -> tuple[list[tuple[Field, Any]], Any]:
        source: Mapping[str, Any] = self.fields if fields is None else fields
        skip = set(ignore) if ignore else ()
        filters: list[tuple[Field, Any]] = []
        order_value = None
        order_name = self._order_field_name
        for name, value in values.items():
            if name in skip:
                continue
            if name == order_name:
                order_value = value
                continue
            filters.append((source[name], value))
        return filters, order_value

    def _combine(self, queryset: QuerySet, conditions: list[Q]) -> QuerySet:
        for group in self._or_groups:
            members = [field.build_q(value) for field, value in group]
            conditions.append(functools.reduce(operators.or_, members))
        if conditions:
            if self._options.operator == "AND":
                combined = and_all(conditions)
            else:
                combined = functools.reduce(_COMBINE[self._options.operator], conditions)
            queryset = queryset.filter(combined)
            if self._needs_distinct(queryset.model, combined):
                logger.debug(
                    "%s: a filter crosses a to-many relation, so rows are made distinct",
                    type(self).__name__,
                )
                queryset = queryset.distinct()
        elif self._options.distinct is True:
            queryset = queryset.distinct()
        return queryset

    def _needs_distinct(self, model: Any, condition: Q) -> bool:
        policy = self._options.distinct
        if policy is not True and policy is not False:
            return any(_crosses_to_many(model, path) for path in _q_paths(condition))
        return bool(policy)

    def _order(
        self, queryset: QuerySet, order_value: Any, fields: Mapping[str, Any] | None = None
    ) -> Any:
        source: Mapping[str, Any] = self.fields if fields is None else fields
        field = source.get(self._order_field_name) if self._order_field_name else None
        if (
            field is not None
            and order_value is not None
            and (self._order_requested() or not self._rank_ordering)
        ):
            return field.apply_filter(self, queryset, order_value)
        if self._rank_ordering:
            return queryset.order_by(*self._rank_ordering, "pk"), None
        return queryset, None

    def _validate_for_filtering(self) -> tuple[dict[str, Any], Mapping[str, Any] | None]:
        """Return the validated values and the fields that filter with them.

        The class's compiled plan reads the parameters with fields shared by
        every request. Anything it does not accept as plainly valid goes
        through ``model_dump()`` and this instance's own fields, so errors
        and customisations behave exactly as without the plan.
        """
        plan = get_plan(type(self))
        if plan is not None:
            values = plan.validate(self)
            if values is not None:
                return values, plan.fields
        return self.model_dump(), None

    # The general path calls _split and _order as before, so a subclass that
    # overrides them (and therefore never gets a plan) keeps working.
    def _split_with(
        self, values: dict[str, Any], ignore: Iterable[str] | None, fields: Mapping[str, Any] | None
    ) -> tuple[list[tuple[Field, Any]], Any]:
        if fields is None:
            return self._split(values, ignore)
        return self._split(values, ignore, fields)

    def _order_with(
        self, queryset: QuerySet, order_value: Any, fields: Mapping[str, Any] | None
    ) -> Any:
        if fields is None:
            return self._order(queryset, order_value)
        return self._order(queryset, order_value, fields)

    def filter_queryset(self, queryset: QuerySet, ignore: Iterable[str] | None = None) -> QuerySet:
        """Return ``queryset`` filtered and ordered by the validated parameters.

        Raise ``ValidationError`` for invalid parameters and ``TypeError`` when
        a method or processor is ``async def`` (use :meth:`afilter_queryset`).
        """
        values, fields = self._validate_for_filtering()
        self._rank_ordering = []
        twin = "afilter_queryset"
        for processor in self._options.preprocessors:
            queryset = require_sync(processor(self, queryset), twin)
        filters, order_value = self._split_with(values, ignore, fields)
        conditions: list[Q] = []
        for field, value in filters:
            queryset, condition = require_sync(field.apply_filter(self, queryset, value), twin)
            if condition is not None:
                conditions.append(condition)
        queryset = self._combine(queryset, conditions)
        queryset, _unused = require_sync(self._order_with(queryset, order_value, fields), twin)
        for processor in self._options.postprocessors:
            queryset = require_sync(processor(self, queryset), twin)
        return queryset

    async def afilter_queryset(
        self, queryset: QuerySet, ignore: Iterable[str] | None = None
    ) -> QuerySet:
        """Async twin of :meth:`filter_queryset`: awaits async methods and processors.

        Validation and query building run on the event loop with no thread,
        because neither touches the database.
        """
        values, fields = self._validate_for_filtering()
        self._rank_ordering = []
        for processor in self._options.preprocessors:
            queryset = await maybe_await(processor(self, queryset))
        filters, order_value = self._split_with(values, ignore, fields)
        conditions: list[Q] = []
        for field, value in filters:
            queryset, condition = await maybe_await(field.apply_filter(self, queryset, value))
            if condition is not None:
                conditions.append(condition)
        queryset = self._combine(queryset, conditions)
        queryset, _unused = await maybe_await(self._order_with(queryset, order_value, fields))
        for processor in self._options.postprocessors:
            queryset = await maybe_await(processor(self, queryset))
        return queryset


def and_all(conditions: list[Q]) -> Q:
    """Return the ``Q`` that ``functools.reduce(operator.and_, conditions)`` builds, in one step.

    Each ``&`` squashes a non-negated operand that is an AND (or has one
    child) into the result and nests any other, so the result is one AND
    node of those children. Building it at once skips the intermediate
    nodes. Anything unusual (one condition, an empty ``Q``, an object that
    is not a ``Q``) is left to ``reduce`` itself.
    """
    if len(conditions) < 2:
        return functools.reduce(operators.and_, conditions)
    children: list[Any] = []
    for condition in conditions:
        if type(condition) is not Q or not condition.children:
            return functools.reduce(operators.and_, conditions)
        if not condition.negated and (condition.connector == Q.AND or len(condition.children) == 1):
            children.extend(condition.children)
        else:
            children.append(condition)
    return Q(*children)


def _q_paths(condition: Q) -> Iterable[str]:
    for child in condition.children:
        if isinstance(child, Q):
            yield from _q_paths(child)
        elif isinstance(child, tuple) and child and isinstance(child[0], str):
            yield child[0]


# Models and filter paths are fixed once the app registry is ready, so the
# result is cached. The maxsize bound only guards against paths built from
# user input.
@functools.lru_cache(maxsize=1024)
def _crosses_to_many(model: Any, path: str) -> bool:
    current = model
    for part in path.split(LOOKUP_SEP):
        try:
            field = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return False
        if not field.is_relation:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        current = field.related_model
        if current is None:
            return False
    return False
