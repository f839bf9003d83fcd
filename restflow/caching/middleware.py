"""Route-rule caching: cache responses of existing views from settings alone.

``RESTFLOW_SETTINGS["MIDDLEWARE"]["CACHE_RULES"]`` is a list of dicts::

    {"path": r"^/api/categories/$", "ttl": 300, "invalidates_on": ["catalog.Category"]}

Keys: ``path`` (regex matched with ``re.search`` against ``request.path``,
required), ``name`` (defaults to the path), ``methods`` (subset of
``["GET", "HEAD"]``), ``ttl`` (seconds or ``None``, default 60), ``vary``
(extra request headers), ``per_user`` (default ``False``: only anonymous
requests are served from the cache; ``True`` gives each credential its own
entries), ``invalidates_on`` (model labels;
any save, create or delete wipes the rule's entries), ``cache_alias`` and
``set_cache_headers`` (default ``True``). The safety rules of
``@cache_response`` apply.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from restflow.settings import restflow_settings, setting_path

__all__ = [
    "CacheRuleError",
    "RouteCacheMiddleware",
    "RouteRule",
    "aroute_cache_response",
    "parse_cache_rules",
    "route_cache_response",
    "route_rules",
]

_KEYS = {
    "path",
    "name",
    "methods",
    "ttl",
    "vary",
    "per_user",
    "invalidates_on",
    "cache_alias",
    "set_cache_headers",
}
DEFAULT_ROUTE_TTL = 60


class CacheRuleError(ValueError):
    """A route cache rule in ``RESTFLOW_SETTINGS["MIDDLEWARE"]["CACHE_RULES"]`` is invalid."""


@dataclass(frozen=True)
class RouteRule:
    """One validated route cache rule."""

    index: int
    name: str
    pattern: re.Pattern[str]
    methods: frozenset[str]
    ttl: float | None
    vary: tuple[str, ...]
    per_user: bool
    invalidates_on: tuple[str, ...]
    cache_alias: str | None
    set_cache_headers: bool


def _where(index: int, key: str | None = None) -> str:
    parts: list[Any] = ["MIDDLEWARE", "CACHE_RULES"]
    base = setting_path(*parts) + f"[{index}]"
    return base + (f'["{key}"]' if key else "")


def _parse_rule(index: int, raw: Any) -> RouteRule:
    if not isinstance(raw, Mapping):
        raise CacheRuleError(
            f"{_where(index)} = {raw!r} is not a dict; use {{'path': r'^/api/...'}}."
        )
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), sorted(_KEYS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise CacheRuleError(
            f"{_where(index)} has unknown key(s) {', '.join(map(repr, unknown))}.{hint} "
            f"Known keys: {', '.join(sorted(_KEYS))}."
        )
    path = raw.get("path")
    if not isinstance(path, str) or not path:
        raise CacheRuleError(
            f"{_where(index, 'path')} = {path!r} is invalid; use a regex string such as "
            "r'^/api/products/'."
        )
    try:
        pattern = re.compile(path)
    except re.error as exc:
        raise CacheRuleError(
            f"{_where(index, 'path')} = {path!r} is not a valid regex ({exc})."
        ) from exc
    methods = raw.get("methods", ("GET", "HEAD"))
    if (
        isinstance(methods, str)
        or not isinstance(methods, Sequence)
        or not methods
        or not {str(m).upper() for m in methods} <= {"GET", "HEAD"}
    ):
        raise CacheRuleError(
            f"{_where(index, 'methods')} = {methods!r} is invalid; only safe methods are cached: "
            "use a list from ['GET', 'HEAD']."
        )
    ttl = raw.get("ttl", DEFAULT_ROUTE_TTL)
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0):
        raise CacheRuleError(
            f"{_where(index, 'ttl')} = {ttl!r} is invalid; use seconds > 0 or None."
        )
    vary = raw.get("vary", ())
    if (
        isinstance(vary, str)
        or not isinstance(vary, Sequence)
        or not all(isinstance(v, str) for v in vary)
    ):
        raise CacheRuleError(
            f"{_where(index, 'vary')} = {vary!r} is invalid; use a list of header names."
        )
    labels = raw.get("invalidates_on", ())
    if (
        isinstance(labels, str)
        or not isinstance(labels, Sequence)
        or not all(isinstance(label, str) and label.count(".") == 1 for label in labels)
    ):
        raise CacheRuleError(
            f"{_where(index, 'invalidates_on')} = {labels!r} is invalid; use a list of model "
            "labels such as ['catalog.Product']."
        )
    for key in ("per_user", "set_cache_headers"):
        if key in raw and not isinstance(raw[key], bool):
            raise CacheRuleError(
                f"{_where(index, key)} = {raw[key]!r} is invalid; use True or False."
            )
    name = raw.get("name", path)
    alias = raw.get("cache_alias")
    if not isinstance(name, str) or (alias is not None and not isinstance(alias, str)):
        raise CacheRuleError(f"{_where(index)}: 'name' and 'cache_alias' must be strings.")
    return RouteRule(
        index=index,
        name=name,
        pattern=pattern,
        methods=frozenset(str(m).upper() for m in methods),
        ttl=ttl,
        vary=tuple(vary),
        # Off by default: a hit is served before authentication runs, so a
        # per-credential entry keeps serving a revoked token until it expires.
        per_user=raw.get("per_user", False),
        invalidates_on=tuple(labels),
        cache_alias=alias,
        set_cache_headers=raw.get("set_cache_headers", True),
    )


def parse_cache_rules(raw_rules: Any) -> list[RouteRule]:
    """Validate the ``CACHE_RULES`` setting; raises :class:`CacheRuleError` naming the rule."""
    if raw_rules is None:
        return []
    if isinstance(raw_rules, (str, bytes)) or not isinstance(raw_rules, Sequence):
        raise CacheRuleError(
            f"{setting_path('MIDDLEWARE', 'CACHE_RULES')} = {raw_rules!r} is not a list of dicts."
        )
    return [_parse_rule(index, raw) for index, raw in enumerate(raw_rules)]


def _route(request: Any) -> None:
    """Stand-in signature of a route rule (the response comes from the view)."""


@dataclass
class _BuiltRule:
    rule: RouteRule
    wrapper: Any


_built: tuple[int, list[_BuiltRule]] | None = None
_lock = threading.Lock()


def _build(rule: RouteRule) -> _BuiltRule:
    from restflow.caching.key_constructor import InlineKeyConstructor
    from restflow.caching.key_fields import (
        HeadersKeyField,
        QueryParamsKeyField,
        RequestIdentityKeyField,
        RequestValueKeyField,
    )
    from restflow.caching.response_cache import CachedResponseWrapper
    from restflow.caching.rules import InvalidationRule

    fields = {
        "scheme": RequestValueKeyField("scheme", view_self_request_fallback=False),
        "host": HeadersKeyField(("Host", "X-Forwarded-Host")),
        "path": RequestValueKeyField("path", view_self_request_fallback=False),
        "query": QueryParamsKeyField("*", hash_value=True, view_self_request_fallback=False),
        "identity": RequestIdentityKeyField(),
        "headers": HeadersKeyField(("Accept", "Accept-Language", *rule.vary)),
    }
    constructor = InlineKeyConstructor(
        fields, namespace="RouteCache", key_identifier=f"route.{rule.name}"
    )()
    _route.__qualname__ = "_route"
    wrapper = CachedResponseWrapper(
        _route,
        constructor,
        rule.ttl,
        [
            InvalidationRule(model=label, field_mapping={}, trigger_on_create=True)
            for label in rule.invalidates_on
        ],
        cache_alias=rule.cache_alias,
        set_cache_headers=rule.set_cache_headers,
    )
    return _BuiltRule(rule, wrapper)


def route_rules() -> list[_BuiltRule]:
    """Return the configured route rules with their wrappers, built once per settings generation."""
    global _built
    generation = restflow_settings.generation
    built = _built
    if built is not None and built[0] == generation:
        return built[1]
    with _lock:
        if _built is not None and _built[0] == generation:
            return _built[1]
        rules = parse_cache_rules(restflow_settings.MIDDLEWARE.CACHE_RULES)
        result = [_build(rule) for rule in rules]
        _built = (generation, result)
        return result


def _match(request: Any) -> _BuiltRule | None:
    if request.method not in {"GET", "HEAD"}:
        return None
    for built in route_rules():
        if request.method in built.rule.methods and built.rule.pattern.search(request.path):
            return built
    return None


def _skip_for_identity(built: _BuiltRule, request: Any) -> bool:
    if built.rule.per_user:
        return False
    from restflow.caching.key_fields import request_identity

    return request_identity(request) is not None


def route_cache_response(request: Any, get_response: Callable[[Any], Any]) -> Any:
    """Serve ``request`` from its route rule's cache, or call ``get_response`` and store it."""
    built = _match(request)
    if built is None or _skip_for_identity(built, request):
        return get_response(request)
    return built.wrapper.respond((request,), {}, request, lambda: get_response(request))


async def aroute_cache_response(request: Any, get_response: Callable[[Any], Awaitable[Any]]) -> Any:
    """Async twin of :func:`route_cache_response`."""
    built = _match(request)
    if built is None:
        return await get_response(request)
    from restflow.caching.response_cache import _resolve_user

    await _resolve_user(request)
    if _skip_for_identity(built, request):
        return await get_response(request)
    return await built.wrapper.arespond((request,), {}, request, lambda: get_response(request))


class RouteCacheMiddleware:
    """Route-rule caching on its own, for projects that do not use ``RestflowMiddleware``."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        from asgiref.sync import iscoroutinefunction, markcoroutinefunction

        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: Any) -> Any:
        if self.is_async:
            return aroute_cache_response(request, self.get_response)
        return route_cache_response(request, self.get_response)
