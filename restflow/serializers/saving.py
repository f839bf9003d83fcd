"""``save``/``asave`` and ``data``/``adata`` for restflow's serializers."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import Any

from rest_framework.utils.serializer_helpers import ReturnDict

from restflow.helpers import require_sync
from restflow.serializers.offload import (
    defined_by_user,
    may_run_user_code,
    needs_thread_for_instance,
    run_in_thread,
    run_on_loop_or_thread,
)
from restflow.serializers.validated_data import ValidatedData

__all__ = ["AsyncDataMixin", "AsyncSaveMixin"]

_COMMIT_MESSAGE = (
    "save() and asave() take no `commit` argument. To look at the data before it is "
    "written, read `serializer.validated_data`; to set extra attributes on the saved "
    "instance, pass them as keyword arguments, e.g. `await serializer.asave(owner=user)`."
)


class AsyncSaveMixin:
    """``asave`` with ``acreate``/``aupdate``, and a ``save`` that rejects async hooks.

    To create (and likewise to update), ``asave`` calls the subclass's
    ``acreate`` when it defines one. Otherwise it calls the subclass's
    ``create``: awaited when ``async def``, else run in a worker thread so
    the sync ORM stays off the event loop. Without either, it uses the
    class's built-in ``acreate``.
    """

    # Whether this class's own acreate/aupdate do real work (model serializers).
    _native_async_save = False

    def save(self, **kwargs: Any) -> Any:
        """Create or update the instance like DRF's ``save`` and return it.

        ``create``/``update`` receive a ``ValidatedData``. Raise ``TypeError``
        when either is ``async def``: only ``asave()`` can await it.
        """
        self._check_saveable(kwargs, "save()")
        validated_data = ValidatedData({**self.validated_data, **kwargs})  # type: ignore[attr-defined]
        instance: Any = getattr(self, "instance", None)
        method = "update" if instance is not None else "create"
        hook = getattr(self, method)
        if inspect.iscoroutinefunction(hook):
            raise TypeError(
                f"async user callable detected, use asave() for async support. "
                f"{type(self).__name__}.{method}() is async def, so only "
                f"`await serializer.asave()` can run it."
            )
        if method == "update":
            result = require_sync(hook(instance, validated_data), "asave()")
        else:
            result = require_sync(hook(validated_data), "asave()")
        assert result is not None, (
            f"{type(self).__name__}: {method}() returned None instead of the instance."
        )
        self.instance = result
        return result

    def _check_saveable(self, kwargs: dict[str, Any], method: str) -> None:
        name = type(self).__name__
        assert hasattr(self, "_errors"), (
            f"{name}: call is_valid() (or `await serializer.ais_valid()`) before {method}."
        )
        assert not self.errors, (  # type: ignore[attr-defined]
            f"{name}: {method} cannot run on invalid data; check the validation result "
            "first and return serializer.errors to the client."
        )
        assert "commit" not in kwargs, _COMMIT_MESSAGE
        assert not hasattr(self, "_data"), (
            f"{name}: {method} cannot run after `.data` or `adata` was read, because the "
            "representation would not match the saved instance. Read `validated_data` instead."
        )

    async def asave(self, **kwargs: Any) -> Any:
        """Create or update the instance from ``validated_data`` and return it."""
        self._check_saveable(kwargs, "asave()")
        validated_data = ValidatedData({**self.validated_data, **kwargs})  # type: ignore[attr-defined]
        instance: Any = getattr(self, "instance", None)
        if instance is not None:
            self.instance = await self._asave_step("update", instance, validated_data)
            assert self.instance is not None, (
                f"{type(self).__name__}: update()/aupdate() returned None instead of the instance."
            )
        else:
            self.instance = await self._asave_step("create", validated_data)
            assert self.instance is not None, (
                f"{type(self).__name__}: create()/acreate() returned None instead of the instance."
            )
        return self.instance

    async def _asave_step(self, method: str, *args: Any) -> Any:
        cls = type(self)
        async_method = "a" + method
        if defined_by_user(cls, async_method):
            return await getattr(self, async_method)(*args)
        sync_hook = getattr(self, method)
        if inspect.iscoroutinefunction(sync_hook):
            return await sync_hook(*args)
        if defined_by_user(cls, method):
            result = await run_in_thread(sync_hook, *args)
            return await result if inspect.isawaitable(result) else result
        if self._native_async_save:
            return await getattr(self, async_method)(*args)
        raise NotImplementedError(
            f"{cls.__name__} cannot {method} instances: define `async def {async_method}(...)` "
            f"(or a sync `{method}(...)`, which asave() runs in a worker thread)."
        )

    async def acreate(self, validated_data: Any) -> Any:
        """Override to create and return an instance with async code."""
        raise NotImplementedError(
            f"{type(self).__name__}.acreate() is not implemented: define "
            "`async def acreate(self, validated_data)` or a sync create()."
        )

    async def aupdate(self, instance: Any, validated_data: Any) -> Any:
        """Override to update and return ``instance`` with async code."""
        raise NotImplementedError(
            f"{type(self).__name__}.aupdate() is not implemented: define "
            "`async def aupdate(self, instance, validated_data)` or a sync update()."
        )


class AsyncDataMixin:
    """``adata``: the representation, built without the sync ORM on the event loop."""

    _return_container: type = ReturnDict

    @property
    def data(self) -> Any:
        if inspect.iscoroutinefunction(self.to_representation):  # type: ignore[attr-defined]
            raise TypeError(
                f"async user callable detected, use adata for async support. "
                f"{type(self).__name__}.to_representation() is async def; read "
                "`await serializer.adata` instead of `.data`."
            )
        return super().data  # type: ignore[misc]

    @property
    def adata(self) -> Awaitable[Any]:
        """Awaitable of ``data``: ``await serializer.adata``.

        The representation runs on the event loop when it needs no query.
        A lazy queryset, or code outside DRF and restflow (method fields,
        custom fields), moves the whole representation to one worker
        thread. A plain representation that turns out to need a query (a
        related object or deferred field not loaded yet) is rebuilt there.
        There is never one thread hop per row or per field.
        """
        return self._adata()

    async def _adata(self) -> Any:
        if hasattr(self, "_data"):
            return super().data  # type: ignore[misc]
        if inspect.iscoroutinefunction(self.to_representation):  # type: ignore[attr-defined]
            return await self._adata_async_override()
        instance = getattr(self, "instance", None)
        known = needs_thread_for_instance(instance) or may_run_user_code(self)  # type: ignore[arg-type]
        parent: Any = super()
        return await run_on_loop_or_thread(lambda: parent.data, known_to_query=known)

    async def _adata_async_override(self) -> Any:
        if hasattr(self, "initial_data") and not hasattr(self, "_validated_data"):
            raise AssertionError(
                f"{type(self).__name__}: call ais_valid() before reading adata when the "
                "serializer was given `data=`, or read `initial_data` instead."
            )
        if self.instance is not None and not getattr(self, "_errors", None):  # type: ignore[attr-defined]
            source = self.instance  # type: ignore[attr-defined]
            if needs_thread_for_instance(source):
                source = await run_in_thread(list, source)
            ret = await self.to_representation(source)  # type: ignore[attr-defined]
        elif hasattr(self, "_validated_data") and not getattr(self, "_errors", None):
            ret = await self.to_representation(self.validated_data)  # type: ignore[attr-defined]
        else:
            ret = self.get_initial()  # type: ignore[attr-defined]
        self._data = ret
        return self._return_container(ret, serializer=self)
