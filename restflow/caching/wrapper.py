"""``CachedWrapper``: the object ``@cache_result`` puts in place of a function."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from asgiref.sync import markcoroutinefunction
from django.utils import timezone

from restflow.caching.backends import get_backend
from restflow.caching.constants import (
    CACHE_MISSING,
    CACHED_DATA_METADATA_KEY,
    CACHED_DATA_VALUE_KEY,
    METADATA_CACHE_STATUS,
    METADATA_CACHED_AT_KEY,
    METADATA_RESET_AT_KEY,
    CacheStatus,
)
from restflow.caching.errors import report_cache_error
from restflow.caching.key_constructor import CacheKey, KeyConstructor, get_function_identifier
from restflow.caching.key_fields import ArgsKeyField, bind_call
from restflow.caching.stampede import (
    AsyncSingleFlight,
    SingleFlight,
    alocked_compute,
    locked_compute,
)
from restflow.helpers import maybe_await, require_sync
from restflow.settings import restflow_settings

__all__ = ["CachedWrapper", "build_metadata", "set_response_cache_header"]

logger = logging.getLogger("restflow.caching")

# How long a retired entry's own generation number outlives the entry's TTL:
# it must cover the longest compute that began before the retirement.
RETIRE_GRACE = 3600

_single_flight = SingleFlight()
_async_single_flight = AsyncSingleFlight()
# Background refreshes still running; held so that tasks are not garbage-collected.
_background: set[Any] = set()


def build_metadata(ttl: float | None, status: CacheStatus) -> dict[str, Any]:
    """Return the metadata stored beside a value written now with ``ttl`` seconds to live."""
    now = timezone.now()
    return {
        METADATA_CACHED_AT_KEY: now.isoformat(),
        METADATA_RESET_AT_KEY: (now + timedelta(seconds=ttl)).isoformat() if ttl else None,
        METADATA_CACHE_STATUS: status.value,
    }


def _with_status(metadata: Mapping[str, Any] | None, status: CacheStatus) -> dict[str, Any] | None:
    if metadata is None:
        return None
    return {**metadata, METADATA_CACHE_STATUS: status.value}


def _is_expired_softly(metadata: Mapping[str, Any]) -> bool:
    reset_at = metadata.get(METADATA_RESET_AT_KEY)
    if not reset_at:
        return False
    try:
        from datetime import datetime

        return timezone.now() >= datetime.fromisoformat(reset_at)
    except (TypeError, ValueError):
        return False


def set_response_cache_header(response: Any, metadata: Mapping[str, Any] | None) -> Any:
    """Set ``X-Cache-Status``, ``X-Cached-At`` and ``X-Cache-Expires-At`` from ``metadata``.

    Does nothing when ``metadata`` is empty; each header is set only when
    its value is known. Returns the response.
    """
    if not metadata:
        return response
    status = metadata.get(METADATA_CACHE_STATUS)
    if status:
        response["X-Cache-Status"] = str(status)
    cached_at = metadata.get(METADATA_CACHED_AT_KEY)
    if cached_at:
        response["X-Cached-At"] = cached_at
    reset_at = metadata.get(METADATA_RESET_AT_KEY)
    if reset_at:
        response["X-Cache-Expires-At"] = reset_at
    return response


class _BoundCachedWrapper:
    """A :class:`CachedWrapper` read through an instance: ``self`` is passed for you."""

    def __init__(self, wrapper: CachedWrapper, instance: Any) -> None:
        self._wrapper = wrapper
        self._instance = instance
        functools.update_wrapper(self, wrapper.func)  # type: ignore[arg-type]
        if wrapper.is_async:
            markcoroutinefunction(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._wrapper(self._instance, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._wrapper, name)
        if callable(attribute) and name in CachedWrapper.CALL_METHODS:
            return functools.partial(attribute, self._instance)
        return attribute


class CachedWrapper:
    """Cache the results of one function, keyed by a :class:`KeyConstructor`.

    Calling the wrapper returns the cached value or computes, stores and
    returns it. A cached ``None`` is a hit. Methods that take the wrapped
    function's arguments bind them like the call does. Sync methods raise
    ``TypeError`` on an async function and name the ``a``-prefixed twin;
    the twins that only touch the cache also work on sync functions.
    """

    is_cached_function = True
    # Whether an async method bound through an instance is kept in the
    # instance's __dict__ (see __get__). Views are built per request and
    # already reference themselves (DRF's request holds the view), so the
    # cycle costs nothing there; other objects are left alone.
    keep_bound_on_instance = False
    # Methods that take the wrapped function's arguments (bound ones pass ``self``).
    CALL_METHODS = frozenset(
        {
            "get_with_metadata",
            "aget_with_metadata",
            "get_cache_only",
            "aget_cache_only",
            "get_cached_metadata",
            "aget_cached_metadata",
            "refresh",
            "arefresh",
            "bypass_cache",
            "abypass_cache",
            "delete_cache",
            "adelete_cache",
            "delete_by_prefix",
            "adelete_by_prefix",
            "get_cache_key",
            "aget_cache_key",
        }
    )

    def __init__(
        self,
        func: Callable[..., Any],
        key_constructor: KeyConstructor,
        ttl: float | None = 3600,
        invalidates_on: Sequence[Any] | None = None,
        cache_if: Callable[[Any], Any] | None = None,
        cache_unless: Callable[[Any], Any] | None = None,
        *,
        cache_alias: str | None = None,
        stale_ttl: float | None = None,
    ) -> None:
        functools.update_wrapper(self, func)
        self.func = func
        self._key_constructor = key_constructor
        self.ttl = ttl
        self.cache_if = cache_if
        self.cache_unless = cache_unless
        self.cache_alias = cache_alias
        self.stale_ttl = stale_ttl
        self.is_async = inspect.iscoroutinefunction(func)
        if self.is_async:
            markcoroutinefunction(self)
        self.invalidates_on = list(invalidates_on or [])
        type(key_constructor).register_wrapper(self)
        self._register_rules()

    def __repr__(self) -> str:
        return f"<CachedWrapper {self.identifier}>"

    def __set_name__(self, owner: type, name: str) -> None:
        self._attribute_name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if not self.is_async:
            return _BoundCachedWrapper(self, instance)
        bound = self._bind_async(instance)
        name = getattr(self, "_attribute_name", None) if self.keep_bound_on_instance else None
        # A view reads its handler several times per request (hasattr,
        # getattr, the allowed methods), so the bound handler is kept on the
        # instance and built once. This happens only when this wrapper is
        # what the instance's class has under that name, because a subclass
        # that overrides the method and calls super() must keep its override.
        if name is not None and getattr(type(instance), name, None) is self:
            with contextlib.suppress(AttributeError, TypeError):
                instance.__dict__[name] = bound
        return bound

    def _bind_async(self, instance: Any) -> Any:
        # A real ``async def`` function, so that every coroutine check detects it
        # (inspect.iscoroutinefunction ignores asgiref's marker on Python 3.10).
        async def bound(*args: Any, **kwargs: Any) -> Any:
            return await self._acall((instance, *args), kwargs)

        functools.update_wrapper(bound, self.func)
        methods, shared = self._bound_parts()
        attributes = bound.__dict__
        attributes.update(shared)
        for name, method in methods:
            attributes[name] = functools.partial(method, instance)
        return bound

    def _bound_parts(self) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
        # What every bound handler carries besides its instance, looked up
        # once: binding happens on every request of a cached view.
        parts = self.__dict__.get("_bound_parts_cache")
        if parts is None:
            methods = [(name, getattr(self, name)) for name in sorted(self.CALL_METHODS)]
            shared = {
                name: getattr(self, name)
                for name in ("ainvalidate_all", "invalidate_all", "key_constructor", "identifier")
            }
            parts = (methods, shared)
            self.__dict__["_bound_parts_cache"] = parts
        return parts

    # --- configuration ---------------------------------------------------------------

    @property
    def key_constructor(self) -> KeyConstructor:
        return self._key_constructor

    @property
    def identifier(self) -> str:
        return get_function_identifier(self.func)

    @property
    def rule_scope(self) -> str:
        """Return the text rule ids are derived from: the function and its key identifier."""
        return f"{self.identifier}|{self._key_constructor.key_identifier}"

    @property
    def backend(self) -> Any:
        return get_backend(self.cache_alias)

    def get_key_version(self) -> int:
        return self._key_constructor.get_version()

    def parameter_names(self) -> list[str]:
        """Return the names of the wrapped function's parameters."""
        try:
            return list(inspect.signature(self.func).parameters)
        except (TypeError, ValueError):
            return []

    def _register_rules(self) -> None:
        if not self.invalidates_on:
            return
        from restflow.caching.registry import CacheRegister

        parameters = [
            name for name in self.parameter_names() if name not in {"self", "cls", "request"}
        ]
        for rule in self.invalidates_on:
            if parameters and rule.field_mapping is None and rule.invalidator is None:
                raise ValueError(
                    f"InvalidationRule(model={rule.model_label!r}) on {self.identifier} needs "
                    f"field_mapping or invalidator, because the function takes arguments "
                    f"({', '.join(parameters)}). Map them, e.g. field_mapping="
                    f"{{{parameters[0]!r}: 'pk'}}, or pass field_mapping={{}} to wipe every "
                    "entry of the function."
                )
            CacheRegister.add(rule.model, self, rule)

    def _require_sync(self, method: str) -> None:
        if self.is_async:
            raise TypeError(
                f"{self.identifier} is an async function; use `await ....a{method}(...)` "
                f"instead of .{method}(...)."
            )

    def _require_async(self, method: str) -> None:
        if not self.is_async:
            raise TypeError(
                f"{self.identifier} is a sync function; .{method}() runs it and needs an async "
                f"function. Use .{method[1:]}(...) instead."
            )

    # --- keys ------------------------------------------------------------------------------

    def build_key(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> CacheKey:
        """Return the key parts of one call; raises ``TypeError`` for arguments that do not fit."""
        bind_call(self.func, args, kwargs)
        return self._key_constructor.generate_key(self.func, args, kwargs)

    def build_scope(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> CacheKey:
        """Return the partition named by ``args``/``kwargs`` (the whole function without any).

        Raises ``TypeError`` when a partition argument is missing, since
        wiping a partition built without it would silently wipe nothing.
        """
        if not args and not kwargs:
            return self._key_constructor.build_scope(self.func, None, None)
        bound = bind_call(self.func, args, kwargs)
        missing: list[str] = []
        for field in self._key_constructor.partition_fields.values():
            if isinstance(field, ArgsKeyField):
                names = field.selected_names()
                if names is not None:
                    missing.extend(arg for arg in names if arg not in bound)
        if missing:
            raise TypeError(
                f"{self.identifier}: delete_by_prefix() needs the partition argument(s) "
                f"{', '.join(sorted(set(missing)))}; pass them by keyword."
            )
        return self._key_constructor.build_scope(self.func, args, kwargs)

    def get_cache_key(self, *args: Any, **kwargs: Any) -> str:
        """Return the key stored in the cache for this call (reads the scope generations)."""
        return str(self.backend.make_key(self.build_key(args, kwargs)))

    async def aget_cache_key(self, *args: Any, **kwargs: Any) -> str:
        """Async twin of :meth:`get_cache_key`."""
        return str(await self.backend.amake_key(self.build_key(args, kwargs)))

    # --- raw cache access --------------------------------------------------------------

    def cache_get_with_metadata(self, raw_key: str) -> tuple[Any, dict[str, Any] | None]:
        """Return ``(value, metadata)`` stored under ``raw_key`` or ``(CACHE_MISSING, None)``."""
        found = self._read(raw_key)
        return found if found is not None else (CACHE_MISSING, None)

    async def acache_get_with_metadata(self, raw_key: str) -> tuple[Any, dict[str, Any] | None]:
        """Async twin of :meth:`cache_get_with_metadata`."""
        found = await self._aread(raw_key)
        return found if found is not None else (CACHE_MISSING, None)

    def cache_set_with_timestamp(
        self, raw_key: str, value: Any, timeout: float | None = None
    ) -> tuple[Any, dict[str, Any]]:
        """Store ``value`` under ``raw_key`` with fresh metadata; return both."""
        metadata = build_metadata(timeout, CacheStatus.MISS)
        self.backend.set(raw_key, self._payload(value, metadata), self._physical_timeout(timeout))
        return value, metadata

    async def acache_set_with_timestamp(
        self, raw_key: str, value: Any, timeout: float | None = None
    ) -> tuple[Any, dict[str, Any]]:
        """Async twin of :meth:`cache_set_with_timestamp`."""
        metadata = build_metadata(timeout, CacheStatus.MISS)
        await self.backend.aset(
            raw_key, self._payload(value, metadata), self._physical_timeout(timeout)
        )
        return value, metadata

    @staticmethod
    def _payload(value: Any, metadata: Mapping[str, Any]) -> dict[str, Any]:
        return {CACHED_DATA_VALUE_KEY: value, CACHED_DATA_METADATA_KEY: dict(metadata)}

    def _physical_timeout(self, ttl: float | None) -> float | None:
        if ttl is None:
            return None
        return ttl + (self.stale_ttl or 0)

    def _unpack(self, payload: Any) -> tuple[Any, dict[str, Any]] | None:
        if not isinstance(payload, dict) or CACHED_DATA_VALUE_KEY not in payload:
            return None
        metadata = dict(payload.get(CACHED_DATA_METADATA_KEY) or {})
        status = CacheStatus.HIT
        if self.stale_ttl and _is_expired_softly(metadata):
            status = CacheStatus.STALE
        metadata[METADATA_CACHE_STATUS] = status.value
        return payload[CACHED_DATA_VALUE_KEY], metadata

    def _read(self, raw_key: str) -> tuple[Any, dict[str, Any]] | None:
        try:
            payload = self.backend.get(raw_key)
        except Exception as exc:
            report_cache_error(self.backend.alias, "read", exc)
            return None
        return None if payload is CACHE_MISSING else self._unpack(payload)

    async def _aread(self, raw_key: str) -> tuple[Any, dict[str, Any]] | None:
        try:
            payload = await self.backend.aget(raw_key)
        except Exception as exc:
            report_cache_error(self.backend.alias, "read", exc)
            return None
        return None if payload is CACHE_MISSING else self._unpack(payload)

    def _raw_key(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str | None:
        key = self.build_key(args, kwargs)
        try:
            return str(self.backend.make_key(key))
        except (TypeError, ValueError):
            raise
        except Exception as exc:
            report_cache_error(self.backend.alias, "read the scope generations", exc)
            return None

    async def _araw_key(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str | None:
        key = self.build_key(args, kwargs)
        try:
            return str(await self.backend.amake_key(key))
        except (TypeError, ValueError):
            raise
        except Exception as exc:
            report_cache_error(self.backend.alias, "read the scope generations", exc)
            return None

    # --- predicates and storing -----------------------------------------------------------

    def _should_store(self, value: Any) -> bool:
        if self.cache_if is not None:
            return bool(require_sync(self.cache_if(value), "an async function with cache_if"))
        if self.cache_unless is not None:
            return not require_sync(self.cache_unless(value), "an async function with cache_unless")
        return True

    async def _ashould_store(self, value: Any) -> bool:
        if self.cache_if is not None:
            return bool(await maybe_await(self.cache_if(value)))
        if self.cache_unless is not None:
            return not await maybe_await(self.cache_unless(value))
        return True

    def _store(self, raw_key: str | None, value: Any, status: CacheStatus) -> dict[str, Any] | None:
        if raw_key is None or not self._should_store(value):
            return None
        metadata = build_metadata(self.ttl, CacheStatus.MISS)
        try:
            self.backend.set(
                raw_key, self._payload(value, metadata), self._physical_timeout(self.ttl)
            )
        except Exception as exc:
            report_cache_error(self.backend.alias, "write", exc)
        return _with_status(metadata, status)

    async def _astore(
        self, raw_key: str | None, value: Any, status: CacheStatus
    ) -> dict[str, Any] | None:
        if raw_key is None or not await self._ashould_store(value):
            return None
        metadata = build_metadata(self.ttl, CacheStatus.MISS)
        try:
            await self.backend.aset(
                raw_key, self._payload(value, metadata), self._physical_timeout(self.ttl)
            )
        except Exception as exc:
            report_cache_error(self.backend.alias, "write", exc)
        return _with_status(metadata, status)

    def _run(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return require_sync(self.func(*args, **kwargs), "@cache_result on an async function")

    def _compute_and_store(
        self,
        raw_key: str | None,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        status: CacheStatus = CacheStatus.MISS,
    ) -> tuple[Any, dict[str, Any] | None]:
        value = self._run(args, kwargs)
        return value, self._store_result(raw_key, value, status)

    def _store_result(
        self, raw_key: str | None, value: Any, status: CacheStatus
    ) -> dict[str, Any] | None:
        from django.template.response import SimpleTemplateResponse

        if isinstance(value, SimpleTemplateResponse) and not value.is_rendered:
            # A template response is stored once rendered, which happens after it is returned.
            value.add_post_render_callback(lambda response: self._store(raw_key, response, status))
            return None
        return self._store(raw_key, value, status)

    async def _acompute_and_store(
        self,
        raw_key: str | None,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        status: CacheStatus = CacheStatus.MISS,
    ) -> tuple[Any, dict[str, Any] | None]:
        value = await self.func(*args, **kwargs)
        return value, await self._astore(raw_key, value, status)

    # --- the cached call --------------------------------------------------------------------

    def _protection(self) -> tuple[bool, float]:
        section = restflow_settings.CACHE_SETTINGS
        return bool(section.STAMPEDE_PROTECTION), float(section.STAMPEDE_MAX_WAIT)

    def _get(
        self, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any] | None]:
        raw_key = self._raw_key(args, kwargs)
        if raw_key is None:
            return self._run(args, kwargs), None
        found = self._read(raw_key)
        if found is not None:
            if found[1][METADATA_CACHE_STATUS] == CacheStatus.STALE.value:
                self._refresh_in_background(raw_key, args, kwargs)
            logger.debug("Cache hit for %s", self.identifier)
            return found
        logger.debug("Cache miss for %s", self.identifier)
        protect, max_wait = self._protection()
        if not protect:
            return self._compute_and_store(raw_key, args, kwargs)

        def locked() -> tuple[Any, dict[str, Any] | None]:
            return locked_compute(
                self.backend,
                raw_key,
                lambda: self._read(raw_key),
                lambda: self._compute_and_store(raw_key, args, kwargs),
            )

        return _single_flight.run(raw_key, locked, max_wait)

    async def _aget(
        self, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any] | None]:
        raw_key = await self._araw_key(args, kwargs)
        if raw_key is None:
            return await self.func(*args, **kwargs), None
        found = await self._aread(raw_key)
        if found is not None:
            if found[1][METADATA_CACHE_STATUS] == CacheStatus.STALE.value:
                self._arefresh_in_background(raw_key, args, kwargs)
            logger.debug("Cache hit for %s", self.identifier)
            return found
        logger.debug("Cache miss for %s", self.identifier)
        protect, max_wait = self._protection()
        if not protect:
            return await self._acompute_and_store(raw_key, args, kwargs)

        async def locked() -> tuple[Any, dict[str, Any] | None]:
            return await alocked_compute(
                self.backend,
                raw_key,
                lambda: self._aread(raw_key),
                lambda: self._acompute_and_store(raw_key, args, kwargs),
            )

        return await _async_single_flight.run(raw_key, locked, max_wait)

    def _refresh_in_background(
        self, raw_key: str, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> None:
        token = f"refresh-{threading.get_ident()}"
        try:
            if not self.backend.acquire_lock(
                raw_key, token, restflow_settings.CACHE_SETTINGS.STAMPEDE_LOCK_TIMEOUT
            ):
                return
        except Exception:
            return

        def refresh() -> None:
            from django.db import close_old_connections

            try:
                self._compute_and_store(raw_key, args, kwargs, CacheStatus.REFRESH)
            except Exception:
                logger.warning(
                    "Refreshing a stale entry of %s failed", self.identifier, exc_info=True
                )
            finally:
                try:
                    self.backend.release_lock(raw_key, token)
                finally:
                    close_old_connections()
                    _background.discard(thread)

        thread = threading.Thread(target=refresh, name="restflow-cache-refresh", daemon=True)
        _background.add(thread)
        thread.start()

    def _arefresh_in_background(
        self, raw_key: str, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> None:
        async def refresh() -> None:
            token = "refresh-async"
            timeout = restflow_settings.CACHE_SETTINGS.STAMPEDE_LOCK_TIMEOUT
            try:
                if not await self.backend.aacquire_lock(raw_key, token, timeout):
                    return
            except Exception:
                return
            try:
                await self._acompute_and_store(raw_key, args, kwargs, CacheStatus.REFRESH)
            except Exception:
                logger.warning(
                    "Refreshing a stale entry of %s failed", self.identifier, exc_info=True
                )
            finally:
                await self.backend.arelease_lock(raw_key, token)

        task = asyncio.get_running_loop().create_task(refresh())
        _background.add(task)
        task.add_done_callback(_background.discard)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_async:
            return self._acall(args, kwargs)
        return self._get(args, kwargs)[0]

    async def _acall(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return (await self._aget(args, kwargs))[0]

    # --- management ---------------------------------------------------------------------------

    def get_with_metadata(self, *args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any] | None]:
        """Return ``(value, metadata)``; metadata is ``None`` when the value was not stored."""
        self._require_sync("get_with_metadata")
        return self._get(args, kwargs)

    async def aget_with_metadata(
        self, *args: Any, **kwargs: Any
    ) -> tuple[Any, dict[str, Any] | None]:
        """Async twin of :meth:`get_with_metadata`."""
        self._require_async("aget_with_metadata")
        return await self._aget(args, kwargs)

    def get_cache_only(self, *args: Any, **kwargs: Any) -> Any:
        """Return the cached value or :data:`CACHE_MISSING`; never runs the function."""
        self._require_sync("get_cache_only")
        raw_key = self._raw_key(args, kwargs)
        found = self._read(raw_key) if raw_key is not None else None
        return CACHE_MISSING if found is None else found[0]

    async def aget_cache_only(self, *args: Any, **kwargs: Any) -> Any:
        """Async twin of :meth:`get_cache_only`."""
        raw_key = await self._araw_key(args, kwargs)
        found = await self._aread(raw_key) if raw_key is not None else None
        return CACHE_MISSING if found is None else found[0]

    def get_cached_metadata(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """Return the stored metadata of this call, or ``None``."""
        self._require_sync("get_cached_metadata")
        raw_key = self._raw_key(args, kwargs)
        found = self._read(raw_key) if raw_key is not None else None
        return None if found is None else found[1]

    async def aget_cached_metadata(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """Async twin of :meth:`get_cached_metadata`."""
        raw_key = await self._araw_key(args, kwargs)
        found = await self._aread(raw_key) if raw_key is not None else None
        return None if found is None else found[1]

    def refresh(self, *args: Any, **kwargs: Any) -> Any:
        """Run the function and overwrite the entry (predicates still apply); return the value."""
        self._require_sync("refresh")
        return self._compute_and_store(
            self._raw_key(args, kwargs), args, kwargs, CacheStatus.REFRESH
        )[0]

    async def arefresh(self, *args: Any, **kwargs: Any) -> Any:
        """Async twin of :meth:`refresh`."""
        self._require_async("arefresh")
        raw_key = await self._araw_key(args, kwargs)
        return (await self._acompute_and_store(raw_key, args, kwargs, CacheStatus.REFRESH))[0]

    def bypass_cache(self, *args: Any, **kwargs: Any) -> Any:
        """Run the function without reading or writing the cache."""
        self._require_sync("bypass_cache")
        return self._run(args, kwargs)

    async def abypass_cache(self, *args: Any, **kwargs: Any) -> Any:
        """Async twin of :meth:`bypass_cache`."""
        self._require_async("abypass_cache")
        return await self.func(*args, **kwargs)

    def _retire_timeout(self) -> float | None:
        physical = self._physical_timeout(self.ttl)
        return None if physical is None else physical + RETIRE_GRACE

    def delete_cache(self, *args: Any, **kwargs: Any) -> None:
        """Delete the entry of this exact call, and any value computed for it before now.

        The entry gets a generation number of its own (see
        :meth:`BaseCacheBackend.retire`), so a call that read its data
        before this one and stores afterwards stores where nobody reads.
        Raises the cache's error when the cache does not respond.
        """
        self.backend.retire(self.build_key(args, kwargs), self._retire_timeout())

    async def adelete_cache(self, *args: Any, **kwargs: Any) -> None:
        """Async twin of :meth:`delete_cache`."""
        await self.backend.aretire(self.build_key(args, kwargs), self._retire_timeout())

    def delete_by_prefix(self, *args: Any, **kwargs: Any) -> None:
        """Wipe every entry in the partition named by the partition arguments.

        Without arguments (or without partition fields) the whole function
        is wiped. Works on every cache: see :class:`BaseCacheBackend`.
        """
        self.backend.wipe(self.build_scope(args, kwargs))

    async def adelete_by_prefix(self, *args: Any, **kwargs: Any) -> None:
        """Async twin of :meth:`delete_by_prefix`."""
        await self.backend.awipe(self.build_scope(args, kwargs))

    def invalidate_all(self) -> None:
        """Wipe every entry of this function."""
        self.backend.wipe(self._key_constructor.build_scope(self.func, None, None))

    async def ainvalidate_all(self) -> None:
        """Async twin of :meth:`invalidate_all`."""
        await self.backend.awipe(self._key_constructor.build_scope(self.func, None, None))
