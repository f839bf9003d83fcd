"""System checks for restflow.caching (ids restflow.E030-E049 and W030-W049)."""

from __future__ import annotations

import importlib.util
import inspect
from typing import Any

from django.core import checks

from restflow.checks import requires_valid_settings
from restflow.settings import setting_path

__all__ = [
    "check_cache_rules",
    "check_cache_settings",
    "check_cache_socket_timeouts",
    "check_invalidation_rules",
]


def _rule_label(rule: Any) -> str:
    return f"InvalidationRule(model={rule.model_label!r}) on {rule.wrapper.identifier}"


def _model_installed(label: str) -> bool:
    from django.apps import apps

    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def _dispatcher_class(spec: Any) -> tuple[type | None, str | None]:
    from restflow.registry import DISPATCHERS, ComponentError

    try:
        return DISPATCHERS.resolve(spec), None
    except ComponentError as exc:
        return None, str(exc)


def _function_parameters(func: Any) -> tuple[set[str], bool]:
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return set(), True
    names = set(parameters)
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    return names, open_ended


@checks.register("restflow")
@requires_valid_settings
def check_invalidation_rules(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Check every registered invalidation rule: model, mapping, dispatcher, cache."""
    from restflow.caching.backends import get_backend
    from restflow.caching.registry import CacheRegister
    from restflow.settings import restflow_settings

    messages: list[checks.CheckMessage] = []
    for rule in CacheRegister.rules():
        label = _rule_label(rule)
        if not isinstance(rule.model, type) and not _model_installed(rule.model_label):
            messages.append(
                checks.Error(
                    f"{label} names model {rule.model_label!r}, which is not installed, so the "
                    "rule never runs.",
                    hint="Use an 'app_label.ModelName' label of an installed app, or add the app "
                    "to INSTALLED_APPS.",
                    obj=rule.wrapper.identifier,
                    id="restflow.E030",
                )
            )
        names, open_ended = _function_parameters(rule.wrapper.func)
        unknown = sorted(set(rule.field_mapping or {}) - names) if not open_ended else []
        if unknown:
            messages.append(
                checks.Error(
                    f"{label} maps argument(s) {', '.join(map(repr, unknown))}, which the function "
                    "does not take.",
                    hint=f"Map only its parameters: {', '.join(sorted(names)) or '(none)'}.",
                    obj=rule.wrapper.identifier,
                    id="restflow.E031",
                )
            )
        spec = rule.dispatcher or restflow_settings.CACHE_SETTINGS.DEFAULT_DISPATCHER
        if hasattr(spec, "enqueue") and not isinstance(spec, type):
            cls: type | None = type(spec)
            problem = None
        else:
            cls, problem = _dispatcher_class(spec)
        if cls is None:
            messages.append(
                checks.Error(
                    f"{label} uses dispatcher {spec!r}, which cannot be used: {problem}",
                    hint="Use a registered dispatcher name or a dotted path to a Dispatcher class.",
                    obj=rule.wrapper.identifier,
                    id="restflow.E033",
                )
            )
            continue
        required = getattr(cls, "requires", None)
        if required and importlib.util.find_spec(required) is None:
            messages.append(
                checks.Error(
                    f"{label} uses dispatcher {spec!r}, but its package {required!r} is not "
                    "installed.",
                    hint=f'pip install "drf-restflow[{cls.extra}]"',  # type: ignore[attr-defined]
                    obj=rule.wrapper.identifier,
                    id="restflow.E032",
                )
            )
            continue
        if getattr(cls, "cross_process", False):
            try:
                backend = get_backend(rule.wrapper.cache_alias)
                local = backend.is_process_local
                alias = backend.alias
            except Exception:
                continue
            if local:
                messages.append(
                    checks.Warning(
                        f"{label} runs through the {spec!r} dispatcher in another process, but "
                        f"its cache {alias!r} is process-local, so the worker cannot delete the "
                        "entries this process reads.",
                        hint="Use a shared cache (Redis, memcached, database) for this function "
                        "(cache_alias=... or CACHE_SETTINGS.CACHE_ALIAS), or the 'inline' "
                        "dispatcher.",
                        obj=rule.wrapper.identifier,
                        id="restflow.W034",
                    )
                )
    return messages


@checks.register("restflow")
@requires_valid_settings
def check_cache_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Check ``CACHE_SETTINGS``: the cache alias exists and the adapter fits the cache."""
    from django.conf import settings

    from restflow.settings import SettingsError, restflow_settings

    try:
        alias = restflow_settings.CACHE_SETTINGS.CACHE_ALIAS
        backend_spec = restflow_settings.CACHE_SETTINGS.BACKEND
    except SettingsError:
        return []
    caches = getattr(settings, "CACHES", {}) or {"default": {}}
    messages: list[checks.CheckMessage] = []
    if alias not in caches:
        messages.append(
            checks.Error(
                f"{setting_path('CACHE_SETTINGS', 'CACHE_ALIAS')} = {alias!r} is not in CACHES.",
                hint=f"Use one of {', '.join(sorted(caches))}, or add {alias!r} to CACHES.",
                id="restflow.E035",
            )
        )
        return messages
    if backend_spec == "redis":
        location = str(caches[alias].get("BACKEND", ""))
        if not location.startswith("django_redis."):
            messages.append(
                checks.Error(
                    f"{setting_path('CACHE_SETTINGS', 'BACKEND')} is 'redis' but CACHES[{alias!r}] "
                    f"uses {location!r}, not django-redis.",
                    hint="Use 'django_redis.cache.RedisCache' for that cache, or the 'django' "
                    "adapter.",
                    id="restflow.E036",
                )
            )
    return messages


@checks.register("restflow")
@requires_valid_settings
def check_cache_rules(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Check ``MIDDLEWARE.CACHE_RULES``: shape of each rule and the models it names."""
    from restflow.caching.middleware import CacheRuleError, parse_cache_rules
    from restflow.settings import SettingsError, restflow_settings

    try:
        raw = restflow_settings.MIDDLEWARE.CACHE_RULES
    except SettingsError:
        return []
    try:
        rules = parse_cache_rules(raw)
    except CacheRuleError as exc:
        return [
            checks.Error(
                str(exc),
                hint="Each rule is a dict such as {'path': r'^/api/categories/$', 'ttl': 300, "
                "'invalidates_on': ['catalog.Category']}.",
                id="restflow.E037",
            )
        ]
    messages: list[checks.CheckMessage] = []
    for rule in rules:
        for label in rule.invalidates_on:
            if not _model_installed(label):
                messages.append(
                    checks.Error(
                        f"{setting_path('MIDDLEWARE', 'CACHE_RULES')}[{rule.index}] invalidates on "
                        f"{label!r}, which is not an installed model.",
                        hint="Use an 'app_label.ModelName' label of an installed app.",
                        id="restflow.E030",
                    )
                )
    return messages


# OPTIONS names of the socket timeouts, by cache backend.
_TIMEOUT_OPTIONS = {
    "django_redis.": ("SOCKET_CONNECT_TIMEOUT", "SOCKET_TIMEOUT"),
    "django.core.cache.backends.redis.": ("socket_connect_timeout", "socket_timeout"),
}


def _restflow_aliases() -> set[str]:
    from restflow.caching.registry import CacheRegister
    from restflow.settings import restflow_settings

    aliases = {str(restflow_settings.CACHE_SETTINGS.CACHE_ALIAS)}
    for rule in CacheRegister.rules():
        alias = getattr(rule.wrapper, "cache_alias", None)
        if alias:
            aliases.add(str(alias))
    return aliases


@checks.register("restflow")
@requires_valid_settings
def check_cache_socket_timeouts(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Warn when a Redis cache restflow uses has no socket timeouts (W038).

    Without them a Redis that stops answering (paused, cut off) holds every
    cached request until the kernel gives up on the connection; redis-py
    before 8 sets no default, and restflow sets none.
    """
    from django.conf import settings

    from restflow.settings import SettingsError

    try:
        aliases = _restflow_aliases()
    except SettingsError:
        return []
    caches = getattr(settings, "CACHES", {}) or {}
    messages: list[checks.CheckMessage] = []
    for alias in sorted(aliases):
        config = caches.get(alias)
        if not isinstance(config, dict):
            continue
        backend = str(config.get("BACKEND", ""))
        names = next(
            (found for prefix, found in _TIMEOUT_OPTIONS.items() if backend.startswith(prefix)),
            None,
        )
        if names is None:
            continue
        options = config.get("OPTIONS") or {}
        missing = [name for name in names if options.get(name) is None]
        if missing:
            messages.append(
                checks.Warning(
                    f"CACHES[{alias!r}] ({backend}) sets no {' and no '.join(missing)} in "
                    "OPTIONS, so a Redis that stops answering holds each cached request "
                    "without a bound.",
                    hint=f"Add OPTIONS {{{', '.join(f'{name!r}: 0.5' for name in names)}}} "
                    "(seconds): cached code then computes without the cache after that long.",
                    id="restflow.W038",
                )
            )
    return messages
