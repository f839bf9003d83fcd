"""The async validation surface shared by restflow's serializers.

Each sync entry point keeps DRF's behaviour and rejects ``async def`` user
hooks with a ``TypeError`` that names the async twin. Each async twin
awaits async hooks and keeps the sync ORM off the event loop.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty, get_error_detail
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from restflow.helpers import require_sync
from restflow.serializers.offload import (
    defined_by_user,
    run_in_thread,
    run_on_loop_or_thread,
)
from restflow.serializers.validated_data import ValidatedData, transform_validated_data

__all__ = ["AsyncValidationMixin", "call_user_hook"]

_FIELD_HOOK_TWIN = "ato_internal_value() (through `await serializer.ais_valid()`)"
_VALIDATE_TWIN = "arun_validation() (through `await serializer.ais_valid()`)"

_OK, _ERROR, _SKIP = 0, 1, 2


def _run_field(field: serializers.Field, primitive: Any) -> tuple[int, Any]:
    try:
        return _OK, field.run_validation(primitive)
    except ValidationError as exc:
        return _ERROR, exc.detail
    except DjangoValidationError as exc:
        return _ERROR, get_error_detail(exc)
    except SkipField:
        return _SKIP, None


async def _arun_field(field: Any, primitive: Any) -> tuple[int, Any]:
    try:
        return _OK, await field.arun_validation(primitive)
    except ValidationError as exc:
        return _ERROR, exc.detail
    except DjangoValidationError as exc:
        return _ERROR, get_error_detail(exc)
    except SkipField:
        return _SKIP, None


def _field_may_query(field: serializers.Field) -> bool:
    # Related fields look up the instance the client named; DRF's unique
    # validators run an exists() query. Both need the sync ORM.
    from rest_framework import relations

    if isinstance(field, (relations.RelatedField, relations.ManyRelatedField)):
        return True
    if isinstance(field, serializers.ListField) and field.child is not None:
        return _field_may_query(field.child)
    return any(
        type(validator).__module__.startswith("rest_framework.validators")
        for validator in field.validators
    )


async def call_user_hook(hook: Any, *args: Any) -> Any:
    """Call a user hook from the async path and return its result.

    An ``async def`` hook is awaited. A sync hook runs on the loop. When it
    uses the sync ORM, Django raises ``SynchronousOnlyOperation`` before the
    query and the hook runs again in a worker thread. So keep sync hooks
    free of side effects before their first query, or write them as
    ``async def``.
    """
    if inspect.iscoroutinefunction(hook):
        return await hook(*args)
    result = await run_on_loop_or_thread(lambda: hook(*args), known_to_query=False)
    if inspect.isawaitable(result):
        return await result
    return result


class AsyncValidationMixin:
    """``ais_valid``, ``arun_validation``, ``ato_internal_value`` and the sync twins.

    Mixed into a DRF ``Serializer`` subclass. ``validated_data`` returns a
    :class:`~restflow.serializers.ValidatedData`.
    """

    # -- validated data -------------------------------------------------

    @property
    def validated_data(self) -> Any:
        value = super().validated_data  # type: ignore[misc]
        if not isinstance(value, ValidatedData) and isinstance(value, (dict, list)):
            value = transform_validated_data(value)
            self._validated_data = value
        return value

    # -- sync path ------------------------------------------------------

    def _check_mapping(self, data: Any) -> None:
        if not isinstance(data, Mapping):
            message = self.error_messages["invalid"].format(  # type: ignore[attr-defined]
                datatype=type(data).__name__
            )
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]}, code="invalid")

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """Validate each writable field, then its ``validate_<name>`` hook.

        Raise ``TypeError`` when a hook is ``async def``: only
        ``ais_valid()`` can await it.
        """
        self._check_mapping(data)
        validated: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for field in self._writable_fields:  # type: ignore[attr-defined]
            hook = getattr(self, "validate_" + field.field_name, None)
            primitive = field.get_value(data)
            try:
                value = field.run_validation(primitive)
                if hook is not None:
                    value = require_sync(hook(value), _FIELD_HOOK_TWIN)
            except ValidationError as exc:
                errors[field.field_name] = exc.detail
            except DjangoValidationError as exc:
                errors[field.field_name] = get_error_detail(exc)
            except SkipField:
                pass
            else:
                self.set_value(validated, field.source_attrs, value)  # type: ignore[attr-defined]
        if errors:
            raise ValidationError(errors)
        return validated

    def run_validation(self, data: Any = empty) -> Any:
        """Run field validation, the serializer's validators and ``validate``.

        Raise ``TypeError`` when ``validate`` is ``async def``.
        """
        is_empty, data = self.validate_empty_values(data)  # type: ignore[attr-defined]
        if is_empty:
            return data
        value = self.to_internal_value(data)
        try:
            self.run_validators(value)  # type: ignore[attr-defined]
            value = require_sync(self.validate(value), _VALIDATE_TWIN)  # type: ignore[attr-defined]
            assert value is not None, (
                f"{type(self).__name__}.validate() returned None; it must return the "
                "validated data (usually the attrs it received)."
            )
        except (ValidationError, DjangoValidationError) as exc:
            raise ValidationError(detail=as_serializer_error(exc))
        return value

    # -- async path -----------------------------------------------------

    async def ais_valid(self, *, raise_exception: bool = False) -> bool:
        """Validate ``initial_data`` like ``is_valid()``, awaiting async hooks."""
        assert hasattr(self, "initial_data"), (
            f"{type(self).__name__}.ais_valid() needs data: create the serializer with "
            "`data=...` before validating it."
        )
        if not hasattr(self, "_validated_data"):
            try:
                self._validated_data = await self.arun_validation(self.initial_data)
            except ValidationError as exc:
                self._validated_data = {}
                self._errors = exc.detail
            else:
                self._errors = {}
        if self._errors and raise_exception:
            raise ValidationError(self.errors)  # type: ignore[attr-defined]
        return not bool(self._errors)

    async def arun_validation(self, data: Any = empty) -> Any:
        """Async twin of ``run_validation``.

        Calls ``avalidate`` when the serializer overrides it, else
        ``validate``; either may be ``async def``.
        """
        is_empty, data = self.validate_empty_values(data)  # type: ignore[attr-defined]
        if is_empty:
            return data
        value = await self.ato_internal_value(data)
        try:
            await self._arun_validators(value)
            if defined_by_user(type(self), "avalidate"):
                value = await self.avalidate(value)
            else:
                value = await call_user_hook(self.validate, value)  # type: ignore[attr-defined]
            assert value is not None, (
                f"{type(self).__name__}.validate() returned None; it must return the "
                "validated data (usually the attrs it received)."
            )
        except (ValidationError, DjangoValidationError) as exc:
            raise ValidationError(detail=as_serializer_error(exc))
        return value

    async def avalidate(self, attrs: Any) -> Any:
        """Override for async cross-field validation; return the (changed) attrs.

        When a serializer overrides this, ``arun_validation`` calls it
        instead of ``validate``.
        """
        return attrs

    async def _arun_validators(self, value: Any) -> None:
        validators = self.validators  # type: ignore[attr-defined]
        if not validators:
            self.run_validators(value)  # type: ignore[attr-defined]
            return
        # Serializer-level validators (unique-together checks, user callables)
        # may query the database, so they run in the worker thread.
        await run_in_thread(self.run_validators, value)  # type: ignore[attr-defined]

    async def ato_internal_value(self, data: Any) -> dict[str, Any]:
        """Async twin of ``to_internal_value``.

        Plain fields are validated together: on the loop, or in a single
        worker thread when one of them may query the database (related
        fields, unique validators). Nested restflow serializers validate
        through their own async path; then each ``validate_<name>`` hook
        runs, awaited when it is ``async def``.
        """
        self._check_mapping(data)
        fields = list(self._writable_fields)  # type: ignore[attr-defined]
        nested = [field for field in fields if hasattr(field, "arun_validation")]
        plain = [field for field in fields if not hasattr(field, "arun_validation")]

        def validate_plain() -> dict[str, tuple[int, Any]]:
            return {field.field_name: _run_field(field, field.get_value(data)) for field in plain}

        outcomes = await run_on_loop_or_thread(
            validate_plain, known_to_query=any(_field_may_query(field) for field in plain)
        )
        for field in nested:
            outcomes[field.field_name] = await _arun_field(field, field.get_value(data))

        validated: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for field in fields:
            status, value = outcomes[field.field_name]
            if status == _SKIP:
                continue
            if status == _ERROR:
                errors[field.field_name] = value
                continue
            hook = getattr(self, "validate_" + field.field_name, None)
            if hook is not None:
                try:
                    value = await call_user_hook(hook, value)
                except ValidationError as exc:
                    errors[field.field_name] = exc.detail
                    continue
                except DjangoValidationError as exc:
                    errors[field.field_name] = get_error_detail(exc)
                    continue
                except SkipField:
                    continue
            self.set_value(validated, field.source_attrs, value)  # type: ignore[attr-defined]
        if errors:
            raise ValidationError(errors)
        return validated

    async def ato_representation(self, instance: Any) -> Any:
        """Return ``to_representation(instance)``, awaiting an ``async def`` override."""
        result = self.to_representation(instance)  # type: ignore[attr-defined]
        if inspect.isawaitable(result):
            return await result
        return result
