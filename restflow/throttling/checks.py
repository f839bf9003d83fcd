"""System checks for throttling (ids ``restflow.E070``-``E079`` and ``W070``-``W079``).

``restflow.checks.register_checks`` imports this module, which registers
the checks with Django. Rates are checked always; the store and proxy
checks run only when a restflow throttle is in DRF's
``DEFAULT_THROTTLE_CLASSES`` or the store is configured explicitly.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from restflow.registry import THROTTLE_STORES, ComponentError
from restflow.settings import SettingsError, restflow_settings, setting_path
from restflow.throttling.rates import ACCEPTED_RATE_FORMS, InvalidRateError, parse_rate

__all__ = ["check_throttle_deploy_settings", "check_throttle_settings"]

TAG = "restflow"
RATES = 'REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]'
CLASSES = 'REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]'


def _drf_setting(name: str, default: Any) -> Any:
    return getattr(settings, "REST_FRAMEWORK", {}).get(name, default)


def _default_throttle_classes() -> list[tuple[str, type | None]]:
    """Return each entry of DEFAULT_THROTTLE_CLASSES with its class (None when unimportable)."""
    entries: list[tuple[str, type | None]] = []
    for entry in _drf_setting("DEFAULT_THROTTLE_CLASSES", ()) or ():
        if isinstance(entry, type):
            entries.append((f"{entry.__module__}.{entry.__qualname__}", entry))
            continue
        try:
            entries.append((str(entry), import_string(entry)))
        except ImportError:
            # DRF reports unimportable classes itself at the first request.
            entries.append((str(entry), None))
    return entries


def _restflow_throttles_in_use() -> bool:
    from restflow.throttling.throttles import SimpleRateThrottle

    return any(
        isinstance(cls, type) and issubclass(cls, SimpleRateThrottle)
        for _, cls in _default_throttle_classes()
    )


def check_throttle_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report invalid rates, default throttles without a rate, and an unusable redis store."""
    from restflow.throttling.throttles import ScopedRateThrottle, SimpleRateThrottle

    messages: list[CheckMessage] = []
    rates = _drf_setting("DEFAULT_THROTTLE_RATES", {}) or {}
    for scope, rate in rates.items():
        if rate is None:
            continue
        try:
            parse_rate(rate, source=f"{RATES}[{scope!r}]")
        except InvalidRateError as exc:
            messages.append(Error(str(exc), hint=f"Use {ACCEPTED_RATE_FORMS}.", id="restflow.E070"))

    for path, cls in _default_throttle_classes():
        if cls is None or not issubclass(cls, SimpleRateThrottle):
            continue
        if issubclass(cls, ScopedRateThrottle) or getattr(cls, "rate", None):
            continue
        scope = getattr(cls, "scope", None)
        if scope and scope not in rates:
            messages.append(
                Error(
                    f"{CLASSES} contains {path!r}, whose scope {scope!r} has no rate in "
                    f"{RATES}; every request would fail with ImproperlyConfigured.",
                    hint=f"Add {{{scope!r}: '100/hour'}} to {RATES} (None disables the limit).",
                    id="restflow.E071",
                )
            )

    if _restflow_throttles_in_use():
        messages.extend(_check_store())
    return messages


def _check_store() -> list[CheckMessage]:
    try:
        store_class = THROTTLE_STORES.resolve()
        from restflow.throttling.stores.redis import RedisThrottleStore
    except (ComponentError, SettingsError, ImportError):
        # restflow.E010 (component resolution) and E001-E003 (settings shape)
        # report these; without redis-py the redis store cannot be chosen.
        return []
    if not issubclass(store_class, RedisThrottleStore):
        return []
    try:
        store_class().connection_kwargs()
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc),
                hint=f"Set {setting_path('THROTTLING', 'REDIS_URL')} to a redis:// URL.",
                id="restflow.E072",
            )
        ]
    return []


def check_throttle_deploy_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn about identities a client can choose and counts that are not shared."""
    if not _restflow_throttles_in_use():
        return []
    messages: list[CheckMessage] = []
    if _drf_setting("NUM_PROXIES", None) is None:
        messages.append(
            Warning(
                'REST_FRAMEWORK["NUM_PROXIES"] is None, so throttles identify clients by '
                "the whole X-Forwarded-For header, which a client can set to any value to "
                "escape its limit.",
                hint="Set NUM_PROXIES to the number of proxies in front of the app "
                "(0 when clients connect directly).",
                id="restflow.W073",
            )
        )
    messages.extend(_check_process_local_store())
    return messages


def _check_process_local_store() -> list[CheckMessage]:
    from django.core.cache import caches

    from restflow.throttling.stores.cache import CacheThrottleStore, is_process_local

    try:
        store_class = THROTTLE_STORES.resolve()
        alias = restflow_settings.THROTTLING.CACHE_ALIAS
    except (ComponentError, SettingsError):
        return []
    if not issubclass(store_class, CacheThrottleStore) or alias not in caches:
        return []
    cache = caches[alias]
    if not is_process_local(cache):
        return []
    backend = f"{type(cache).__module__}.{type(cache).__qualname__}"
    return [
        Warning(
            f"The throttle store counts in cache {alias!r} ({backend}), which each process "
            "keeps to itself: with N worker processes a client gets N times its rate, and "
            "DummyCache counts nothing.",
            hint=f"Point {setting_path('THROTTLING', 'CACHE_ALIAS')} at a shared cache "
            f"(Redis, memcached) or set {setting_path('THROTTLING', 'STORE')} = 'redis'.",
            id="restflow.W074",
        )
    ]


register(check_throttle_settings, TAG)
register(check_throttle_deploy_settings, TAG, deploy=True)
