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


class _RouteKeyBuilder:
    """Build a route rule's keys from the raw request, without walking the key fields.

    Gives exactly the keys the rule's key constructor builds, and the tests
    compare both. Everything that does not depend on the request is worked
    out once per rule: the scope, the field names and their order, the
    header names, and the digest of an empty query string.
    """

    def __init__(self, wrapper: Any) -> None:
        from restflow.caching.encoding import encode_value

        constructor = wrapper.key_constructor
        fields = constructor.fields
        self._query_field = fields["query"]
        self._scope = constructor.build_scope(wrapper.func, (), {})
        self._limit = constructor.get_max_key_suffix_length()
        self._hash_on_overflow = constructor.get_hash_suffix_on_overflow()
        # encode_value sorts a dict by its encoded keys; the names are fixed,
        # so the order is fixed too.
        self._headers = self._ordered(fields["headers"].headers)
        self._host = self._ordered(fields["host"].headers)
        self._empty_query = self._query_field.stringify({})
        self._encode_value = encode_value

    @staticmethod
    def _ordered(names: Sequence[str]) -> list[tuple[str, str]]:
        from restflow.caching.encoding import encode_value

        return sorted((encode_value(name), name) for name in names)

    def _mapping(self, pairs: Sequence[tuple[str, Any]]) -> str:
        encode = self._encode_value
        return "M(" + ",".join(f"{key}={encode(value)}" for key, value in pairs) + ")"

    def build(self, request: Any, identity: str | None) -> Any:
        """Return the :class:`CacheKey` of ``request``, whose caller is ``identity``."""
        from restflow.caching.key_constructor import CacheKey, KeyTooLongError, short_digest

        headers = request.headers
        get = headers.get
        query = (
            self._query_field.get_cache_key_part(_route, (request,), {})
            if request.META.get("QUERY_STRING")
            else self._empty_query
        )
        encode = self._encode_value
        suffix = (
            f"headers={self._mapping([(key, get(name)) for key, name in self._headers])},"
            f"host={self._mapping([(key, get(name)) for key, name in self._host])},"
            f"identity=M(sidentity={encode(identity)}),"
            f"path=M(spath={encode(request.path)}),"
            f"query={query},"
            f"scheme=M(sscheme={encode(request.scheme)})"
        )
        if len(suffix) > self._limit:
            if not self._hash_on_overflow:
                raise KeyTooLongError(
                    f"The cache key suffix of route rule {self._scope.identifier} is "
                    f"{len(suffix)} characters, over the limit of {self._limit}."
                )
            suffix = short_digest(suffix)
        scope = self._scope
        return CacheKey(
            scope.namespace,
            scope.identifier,
            scope.partition,
            scope.version,
            suffix,
            scope.hash_on_overflow,
        )


@dataclass
class _BuiltRule:
    rule: RouteRule
    wrapper: Any
    keys: _RouteKeyBuilder


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
    return _BuiltRule(rule, wrapper, _RouteKeyBuilder(wrapper))


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


def route_cache_response(request: Any, get_response: Callable[[Any], Any]) -> Any:
    """Serve ``request`` from its route rule's cache, or call ``get_response`` and store it."""
    built = _match(request)
    if built is None:
        return get_response(request)
    from restflow.caching.key_fields import request_identity

    identity = request_identity(request)
    if identity is not None and not built.rule.per_user:
        return get_response(request)
    key = built.keys.build(request, identity)
    return built.wrapper.respond((request,), {}, request, lambda: get_response(request), key=key)


async def aroute_cache_response(request: Any, get_response: Callable[[Any], Awaitable[Any]]) -> Any:
    """Async twin of :func:`route_cache_response`."""
    built = _match(request)
    if built is None:
        return await get_response(request)
    from restflow.caching.key_fields import request_identity
    from restflow.caching.response_cache import _resolve_user

    await _resolve_user(request)
    identity = request_identity(request)
    if identity is not None and not built.rule.per_user:
        return await get_response(request)
    key = built.keys.build(request, identity)
    return await built.wrapper.arespond(
        (request,), {}, request, lambda: get_response(request), key=key
    )


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
