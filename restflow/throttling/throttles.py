"""DRF's throttle classes with an async twin and a pluggable store for the counts.

Each class subclasses the DRF class of the same name, so ``isinstance``
checks, ``scope``, ``cache_format``, ``get_cache_key`` and ``get_ident``
keep working. Three things change. The counting lives in the store chosen by
``RESTFLOW_SETTINGS["THROTTLING"]["STORE"]``. Rates are read from
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` when a throttle is built, not
when DRF is imported, and parsed strictly. ``aallow_request`` counts
without a thread when the store supports it.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling as drf_throttling
from rest_framework.settings import api_settings

from restflow.registry import THROTTLE_STORES
from restflow.throttling.failures import store_failure_allows
from restflow.throttling.rates import Rate, parse_rate
from restflow.throttling.stores.base import BaseThrottleStore, StoreUnavailableError, ThrottleUsage

__all__ = [
    "AnonRateThrottle",
    "BaseThrottle",
    "ScopedRateThrottle",
    "SimpleRateThrottle",
    "UserRateThrottle",
    "throttler_allow_request",
]

RATES_SETTING = 'REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]'


def _owner(cls: type, name: str) -> type:
    for klass in cls.__mro__:
        if name in vars(klass):
            return klass
    return object


class BaseThrottle(drf_throttling.BaseThrottle):
    """DRF's ``BaseThrottle`` with ``aallow_request``.

    Override either side: a subclass that overrides only ``allow_request``
    gets an ``aallow_request`` that runs it in a thread, and one that
    overrides only ``aallow_request`` gets an ``allow_request`` that runs it
    with ``async_to_sync`` (sync views run in a thread without an event
    loop, where that is allowed). Which side a class overrides is decided
    once, when the class is created.
    """

    _sync_hook_only = False
    _async_hook_only = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        sync_owner = _owner(cls, "allow_request")
        async_owner = _owner(cls, "aallow_request")
        different = sync_owner is not async_owner
        cls._sync_hook_only = different and issubclass(sync_owner, async_owner)
        cls._async_hook_only = different and issubclass(async_owner, sync_owner)

    def allow_request(self, request: Any, view: Any) -> bool:
        if self._async_hook_only:
            return bool(async_to_sync(self.aallow_request)(request, view))
        raise NotImplementedError(
            f"{type(self).__qualname__} must implement allow_request() or aallow_request()."
        )

    async def aallow_request(self, request: Any, view: Any) -> bool:
        """Return True to admit the request; the async twin of ``allow_request``."""
        if self._sync_hook_only:
            allow = sync_to_async(self.allow_request, thread_sensitive=True)
            return bool(await allow(request, view))
        raise NotImplementedError(
            f"{type(self).__qualname__} must implement allow_request() or aallow_request()."
        )


class SimpleRateThrottle(drf_throttling.SimpleRateThrottle, BaseThrottle):
    """A rate-limited throttle: subclasses provide ``get_cache_key`` and a ``scope`` or ``rate``.

    ``rate`` set on the class wins over the scope's entry in
    ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``. ``THROTTLE_RATES`` set on
    a subclass replaces that setting for the subclass; left as ``None`` the
    setting is read each time a throttle is built, so ``override_settings``
    works. After a call to ``allow_request`` or ``aallow_request``,
    ``usage`` holds the store's answer (count, limit, seconds to reset).

    DRF's ``cache`` attribute is not used: the counts live in the store
    returned by :meth:`get_store`.
    """

    THROTTLE_RATES: Mapping[str, Any] | None = None  # type: ignore[assignment]
    usage: ThrottleUsage | None = None

    def __init__(self) -> None:
        if not getattr(self, "rate", None):
            self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    # --- rates --------------------------------------------------------------

    def get_rates(self) -> Mapping[str, Any]:
        """Return the scope -> rate mapping; override to read rates from elsewhere."""
        if self.THROTTLE_RATES is not None:
            return self.THROTTLE_RATES
        return api_settings.DEFAULT_THROTTLE_RATES or {}

    def get_rate(self) -> str | None:
        """Return the rate string for ``scope``; raise ``ImproperlyConfigured`` when it has none."""
        scope = getattr(self, "scope", None)
        if not scope:
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} needs a `scope` or a `rate` attribute, "
                f"for example scope = 'burst' with {RATES_SETTING} = {{'burst': '60/min'}}."
            )
        rates = self.get_rates()
        if scope not in rates:
            raise ImproperlyConfigured(
                f"{RATES_SETTING} has no rate for scope {scope!r}, used by "
                f"{type(self).__qualname__}. Add it, e.g. {{{scope!r}: '100/hour'}}, "
                "or set it to None to leave the scope unlimited."
            )
        return rates[scope]  # type: ignore[no-any-return]

    def parse_rate(self, rate: Any) -> tuple[int | None, int | None]:  # type: ignore[override]
        """Return ``(num_requests, duration)`` for ``rate``; ``(None, None)`` when it is None.

        Raises :class:`~restflow.throttling.rates.InvalidRateError` for a rate
        that is not of an accepted form.
        """
        if rate is None:
            return (None, None)
        parsed: Rate = parse_rate(rate, source=self._rate_source())
        return (parsed.num_requests, parsed.duration)

    def _rate_source(self) -> str:
        if getattr(type(self), "rate", None):
            return f"{type(self).__qualname__}.rate"
        return f"{RATES_SETTING}[{getattr(self, 'scope', None)!r}]"

    # --- counting -----------------------------------------------------------

    def get_store(self) -> BaseThrottleStore:
        """Return the store that counts requests; override to use another store per class."""
        return THROTTLE_STORES.get()  # type: ignore[no-any-return]

    def _prepare(self, request: Any, view: Any) -> bool:
        """Compute the key; return False when this request is not throttled at all."""
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return False
        self.now = self.timer()
        return True

    def _hit_arguments(self) -> tuple[str, int, int, float]:
        # _prepare has returned True: the rate, and so these, are set.
        return (str(self.key), int(self.num_requests or 0), int(self.duration or 0), self.now)

    def _decide(self, usage: ThrottleUsage) -> bool:
        self.usage = usage
        if usage.allowed:
            return bool(self.throttle_success())
        return bool(self.throttle_failure())

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count the request in the store and return True when it is within the rate."""
        if self._async_hook_only:
            return bool(async_to_sync(self.aallow_request)(request, view))
        if not self._prepare(request, view):
            return True
        store = self.get_store()
        try:
            usage = store.hit(*self._hit_arguments())
        except StoreUnavailableError as exc:
            return store_failure_allows(store.description, exc)
        return self._decide(usage)

    async def aallow_request(self, request: Any, view: Any) -> bool:
        """Async twin of :meth:`allow_request`; no thread when the store has a native ``ahit``."""
        if self._sync_hook_only:
            allow = sync_to_async(self.allow_request, thread_sensitive=True)
            return bool(await allow(request, view))
        if not self._prepare(request, view):
            return True
        store = self.get_store()
        try:
            usage = await store.ahit(*self._hit_arguments())
        except StoreUnavailableError as exc:
            return store_failure_allows(store.description, exc)
        return self._decide(usage)

    def throttle_success(self) -> bool:
        """Hook called when the request is admitted; the store has already counted it."""
        return True

    def throttle_failure(self) -> bool:
        """Hook called when the request is over the rate."""
        return False

    def wait(self) -> float | None:
        """Return the seconds until the store admits another request, for ``Retry-After``."""
        if self.usage is None:
            return None
        return self.usage.reset_after


class AnonRateThrottle(SimpleRateThrottle, drf_throttling.AnonRateThrottle):
    """Limit anonymous requests per client address; scope ``anon``."""

    scope = "anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return drf_throttling.AnonRateThrottle.get_cache_key(self, request, view)


class UserRateThrottle(SimpleRateThrottle, drf_throttling.UserRateThrottle):
    """Limit requests per user, or per client address when anonymous; scope ``user``."""

    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return drf_throttling.UserRateThrottle.get_cache_key(self, request, view)


class ScopedRateThrottle(SimpleRateThrottle, drf_throttling.ScopedRateThrottle):
    """Limit requests per user (or address) and per the view's ``throttle_scope``.

    Views without ``throttle_scope`` are not throttled. The scope and its
    rate are resolved on every call, sync or async, before counting.
    """

    def __init__(self) -> None:
        # The scope is known only when a view calls allow_request.
        pass

    def _resolve_scope(self, view: Any) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return False
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return True

    def _rate_source(self) -> str:
        return f"{RATES_SETTING}[{self.scope!r}]"

    def allow_request(self, request: Any, view: Any) -> bool:
        if not self._resolve_scope(view):
            return True
        return super().allow_request(request, view)

    async def aallow_request(self, request: Any, view: Any) -> bool:
        if not self._resolve_scope(view):
            return True
        return await super().aallow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return drf_throttling.ScopedRateThrottle.get_cache_key(self, request, view)


async def throttler_allow_request(throttle: Any, request: Any, view: Any) -> bool:
    """Ask ``throttle`` whether to admit the request, from async code.

    Awaits ``aallow_request`` when the throttle has one; otherwise runs the
    sync ``allow_request`` in a thread, because DRF's own throttles read the
    cache synchronously. A sync hook that returns an awaitable is awaited.
    """
    async_hook = getattr(throttle, "aallow_request", None)
    if async_hook is not None:
        result = async_hook(request, view)
    else:
        result = await sync_to_async(throttle.allow_request, thread_sensitive=True)(request, view)
    if inspect.isawaitable(result):
        result = await result
    return bool(result)
