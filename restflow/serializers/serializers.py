"""``Serializer``, ``ModelSerializer``, ``HyperlinkedModelSerializer`` and ``ListSerializer``.

DRF's classes with fields declared as annotations, an async twin for every
validation and save step, ``adata``, and the fast read path for model
serializers.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models.manager import BaseManager
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.serializers import LIST_SERIALIZER_KWARGS, raise_errors_on_nested_writes
from rest_framework.settings import api_settings
from rest_framework.utils import html, model_meta
from rest_framework.utils.serializer_helpers import ReturnList

from restflow.helpers import require_sync
from restflow.serializers.annotations import AnnotatedSerializerMetaclass
from restflow.serializers.base import AsyncValidationMixin, call_user_hook
from restflow.serializers.fast import ClassPlan, RowPlan, build_plan, class_plan
from restflow.serializers.offload import defined_by_user, run_in_thread
from restflow.serializers.saving import AsyncDataMixin, AsyncSaveMixin
from restflow.serializers.validated_data import ValidatedData, transform_validated_data

# DRF 3.15+ names the kwargs that stay on the list wrapper only.
LIST_ONLY_KWARGS: tuple[str, ...] = getattr(
    serializers, "LIST_SERIALIZER_KWARGS_REMOVE", ("allow_empty", "min_length", "max_length")
)

__all__ = [
    "HyperlinkedModelSerializer",
    "ListSerializer",
    "ModelSerializer",
    "Serializer",
]


def _as_validated(attrs: Any) -> Any:
    # DRF's ListSerializer.save() merges save() kwargs into plain dicts.
    return ValidatedData(attrs) if type(attrs) is dict else attrs


class ListSerializer(AsyncDataMixin, serializers.ListSerializer):
    """DRF's ``ListSerializer`` with async twins and the fast read path.

    restflow serializers build this class for ``many=True`` unless their
    ``Meta.list_serializer_class`` names another one.
    """

    _return_container = ReturnList

    @property
    def _child(self) -> Any:
        return self.child

    @property
    def _max_items(self) -> int | None:
        return getattr(self, "max_length", None)

    @property
    def _min_items(self) -> int | None:
        return getattr(self, "min_length", None)

    # -- representation -------------------------------------------------

    def to_representation(self, data: Any) -> list[Any]:
        """Return the list representation, through the child's fast path when it has one."""
        iterable = data.all() if isinstance(data, BaseManager) else data
        child: Any = self.child
        # A top-level list builds a fresh plan per call (the current time zone
        # is resolved once for it). A nested list runs once per parent row,
        # so it uses the child's cached single-instance plan instead.
        top_level = getattr(self, "parent", None) is None
        if (
            top_level
            and isinstance(child, ModelSerializer)
            and not defined_by_user(type(child), "to_representation")
        ):
            shared = child._shared_plan()
            if shared is not None:
                return shared.many(iterable)
            plan = build_plan(child, for_list=True)
            if plan is not None:
                return plan.many(iterable)
        return [child.to_representation(item) for item in iterable]

    # -- sync path ------------------------------------------------------

    def create(self, validated_data: list[Any]) -> list[Any]:
        """Create one instance per item with the child's ``create``.

        Raise ``TypeError`` when the child's ``create`` is ``async def``.
        """
        return [
            require_sync(self._child.create(_as_validated(attrs)), "asave()")
            for attrs in validated_data
        ]

    # -- async path -----------------------------------------------------

    async def ais_valid(self, *, raise_exception: bool = False) -> bool:
        """Validate ``initial_data`` like ``is_valid()``, awaiting the child's async hooks."""
        assert hasattr(self, "initial_data"), (
            "ais_valid() needs data: create the serializer with `data=[...]` before validating it."
        )
        if not hasattr(self, "_validated_data"):
            try:
                self._validated_data = await self.arun_validation(self.initial_data)
            except ValidationError as exc:
                self._validated_data = []
                self._errors = exc.detail
            else:
                self._errors = []
        if self._errors and raise_exception:
            raise ValidationError(self.errors)
        return not bool(self._errors)

    async def arun_validation(self, data: Any = empty) -> Any:
        """Async twin of ``run_validation``: items, then validators and ``validate``."""
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        value = await self.ato_internal_value(data)
        try:
            if self.validators:
                await run_in_thread(self.run_validators, value)
            else:
                self.run_validators(value)
            value = await call_user_hook(self.validate, value)
            assert value is not None, (
                f"{type(self).__name__}.validate() returned None; it must return the list."
            )
        except (ValidationError, DjangoValidationError) as exc:
            raise ValidationError(detail=serializers.as_serializer_error(exc))
        return value

    def _check_list(self, data: Any) -> list[Any]:
        # The same checks, codes and messages as the sync path, before any item runs.
        if html.is_html_input(data):
            data = html.parse_html_list(data, default=[])
        checks: list[tuple[bool, str, dict[str, Any]]] = [
            (not isinstance(data, list), "not_a_list", {"input_type": type(data).__name__}),
            (not self.allow_empty and isinstance(data, list) and not data, "empty", {}),
            (
                self._max_items is not None and len(data) > self._max_items,
                "max_length",
                {"max_length": self._max_items},
            ),
            (
                self._min_items is not None and len(data) < self._min_items,
                "min_length",
                {"min_length": self._min_items},
            ),
        ]
        for failed, code, params in checks:
            if failed:
                message = self.error_messages[code].format(**params)
                raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code=code)
        return data

    async def arun_child_validation(self, data: Any) -> Any:
        """Validate one item; override together with ``run_child_validation``."""
        if defined_by_user(type(self), "run_child_validation"):
            return await run_in_thread(self.run_child_validation, data)
        child: Any = self.child
        if hasattr(child, "arun_validation"):
            return await child.arun_validation(data)
        return await run_in_thread(child.run_validation, data)

    async def ato_internal_value(self, data: Any) -> list[Any]:
        """Async twin of ``to_internal_value``: each item through the child's async path."""
        data = self._check_list(data)
        validated: list[Any] = []
        errors: dict[int, Any] = {}
        for index, item in enumerate(data):
            try:
                value = await self.arun_child_validation(item)
            except ValidationError as exc:
                errors[index] = exc.detail
            else:
                validated.append(value)
        if errors:
            if getattr(api_settings, "LIST_SERIALIZER_ERRORS_AS_DICT", False):
                raise ValidationError(cast(Any, errors))
            raise ValidationError([errors.get(index, {}) for index in range(len(data))])
        return validated

    async def asave(self, **kwargs: Any) -> Any:
        """Create (or, with an overridden ``update``/``aupdate``, update) every item."""
        assert "commit" not in kwargs, (
            "asave() takes no `commit` argument; read `validated_data` to inspect the data."
        )
        validated_data = [ValidatedData({**attrs, **kwargs}) for attrs in self.validated_data]
        if self.instance is not None:
            if defined_by_user(type(self), "aupdate"):
                self.instance = await self.aupdate(self.instance, validated_data)
            elif defined_by_user(type(self), "update"):
                self.instance = await run_in_thread(self.update, self.instance, validated_data)
            else:
                self.update(self.instance, validated_data)
        elif defined_by_user(type(self), "acreate"):
            self.instance = await self.acreate(validated_data)
        elif defined_by_user(type(self), "create"):
            self.instance = await run_in_thread(self.create, validated_data)
        else:
            self.instance = await self.acreate(validated_data)
        assert self.instance is not None, (
            f"{type(self).__name__}: create/update returned None instead of the instances."
        )
        return self.instance

    async def acreate(self, validated_data: list[Any]) -> list[Any]:
        """Create one instance per item through the child's async save path."""
        child: Any = self.child
        if hasattr(child, "_asave_step"):
            return [
                await child._asave_step("create", _as_validated(attrs)) for attrs in validated_data
            ]
        return await run_in_thread(self.create, validated_data)

    async def aupdate(self, instance: Any, validated_data: list[Any]) -> Any:
        """Override for async bulk updates; the default raises ``NotImplementedError``."""
        return self.update(instance, validated_data)

    @property
    def validated_data(self) -> Any:
        value = super().validated_data
        if isinstance(value, list) and not all(isinstance(v, ValidatedData) for v in value):
            value = transform_validated_data(value)
            self._validated_data = value
        return value


class _RestflowSerializerMixin(AsyncSaveMixin, AsyncDataMixin, AsyncValidationMixin):
    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> serializers.BaseSerializer:
        """Build the ``many=True`` wrapper: ``Meta.list_serializer_class`` or restflow's."""
        list_kwargs: dict[str, Any] = {}
        for key in LIST_ONLY_KWARGS:
            value = kwargs.pop(key, None)
            if value is not None:
                list_kwargs[key] = value
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({k: v for k, v in kwargs.items() if k in LIST_SERIALIZER_KWARGS})
        list_class = getattr(getattr(cls, "Meta", None), "list_serializer_class", ListSerializer)
        return list_class(*args, **list_kwargs)


class Serializer(
    _RestflowSerializerMixin, serializers.Serializer, metaclass=AnnotatedSerializerMetaclass
):
    """DRF ``Serializer`` whose fields may be declared as annotations.

    Example::

        class UserSerializer(Serializer):
            name: str
            age: int
            email: Email
            bio: str | None
            role: str = Field(read_only=True)

    Validate with ``is_valid()`` or ``await ais_valid()``; save with
    ``save()`` or ``await asave()`` after defining ``create``/``acreate``.
    """


class ModelSerializer(
    _RestflowSerializerMixin, serializers.ModelSerializer, metaclass=AnnotatedSerializerMetaclass
):
    """DRF ``ModelSerializer`` with annotations, async ORM saves and the fast read path.

    Annotated names are added to ``Meta.fields`` (list or tuple) and win
    over the fields DRF generates from the model; explicit field instances
    win over both.
    """

    _native_async_save = True

    def _shared_plan(self) -> ClassPlan | None:
        """Return the class's shared plan when this instance can use it.

        An instance whose fields were already built may have had them
        changed (``serializer.fields.pop(...)``), and a partial serializer
        skips missing attributes; both keep the per-instance path.
        """
        if "fields" in self.__dict__ or getattr(self.root, "partial", False):
            return None
        return class_plan(type(self))

    def to_representation(self, instance: Any) -> Any:
        """Return the representation of one instance, through the fast path when possible."""
        # class_plan() refuses classes that override to_representation, so
        # a subclass calling super() here takes the per-instance path.
        shared = self._shared_plan()
        if shared is not None:
            return shared.row(instance)
        state = self.__dict__
        fields = self.fields
        key = (id(fields), len(fields))
        plan = state.get("_restflow_plan")
        if plan is None or state.get("_restflow_plan_key") != key:
            # Building a plan costs more than one DRF row, so a serializer
            # used once (a detail view) keeps DRF's path; the second call (a
            # nested serializer inside a list) builds the plan.
            if state.get("_restflow_plan_key") != key:
                state["_restflow_plan_key"] = key
                state["_restflow_plan"] = None
                return super().to_representation(instance)
            plan = build_plan(self, for_list=False)
            state["_restflow_plan"] = plan if plan is not None else False
        if plan is False:
            return super().to_representation(instance)
        assert isinstance(plan, RowPlan)
        return plan.row(instance)

    async def acreate(self, validated_data: Any) -> Any:
        """Create the model instance with the async ORM, then set to-many relations."""
        raise_errors_on_nested_writes("create", self, validated_data)
        model_class: Any = self.Meta.model
        info = model_meta.get_field_info(model_class)
        to_many = {
            name: validated_data.pop(name)
            for name, relation in info.relations.items()
            if relation.to_many and name in validated_data
        }
        manager = model_class._default_manager
        try:
            instance = await manager.acreate(**validated_data)
        except TypeError as exc:
            raise TypeError(
                f"{model_class.__name__}.{manager.name}.acreate() rejected the validated data "
                f"of {type(self).__name__}: {exc}. A writable serializer field probably is not "
                f"a model field; make it read-only, pop it in validate(), or override acreate()."
            ) from exc
        for name, value in to_many.items():
            await getattr(instance, name).aset(value)
        return instance

    async def aupdate(self, instance: Any, validated_data: Any) -> Any:
        """Update ``instance`` with the async ORM (``asave``), then set to-many relations."""
        raise_errors_on_nested_writes("update", self, validated_data)
        info = model_meta.get_field_info(instance)
        to_many = []
        for attr, value in validated_data.items():
            relation = info.relations.get(attr)
            if relation is not None and relation.to_many:
                to_many.append((attr, value))
            else:
                setattr(instance, attr, value)
        await instance.asave()
        for attr, value in to_many:
            await getattr(instance, attr).aset(value)
        return instance


class HyperlinkedModelSerializer(ModelSerializer, serializers.HyperlinkedModelSerializer):
    """DRF ``HyperlinkedModelSerializer`` with restflow's annotations and async surface."""
