"""``@cache_response``: cache rendered responses of view methods and function views."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, cast

from rest_framework.request import Request

from restflow.caching.constants import CACHE_MISSING, METADATA_CACHE_STATUS, CacheStatus
from restflow.caching.decorators import _check_predicates, _check_ttl, resolve_key_constructor
from restflow.caching.encoding import encode_value
from restflow.caching.errors import report_cache_error
from restflow.caching.key_constructor import (
    MAX_PARTITION_LENGTH,
    CacheKey,
    KeyConstructor,
    short_digest,
)
from restflow.caching.key_fields import (
    HeadersKeyField,
    QueryParamsKeyField,
    RequestIdentityKeyField,
    RequestValueKeyField,
    ViewKwargsKeyField,
    _names,
    _query_params_of,
    _signature,
    extract_request_object,
    request_identity,
    resolve_attr_path,
    url_kwarg_text,
)
from restflow.caching.response_store import (
    CACHEABLE_METHODS,
    cacheability_problem,
    rebuild_http_response,
    response_vary_headers,
    serialize_response,
)
from restflow.caching.retry import retry_queue
from restflow.caching.wrapper import CachedWrapper, build_metadata, set_response_cache_header
from restflow.helpers import acache_call, maybe_await, require_sync

__all__ = [
    "CachedResponseWrapper",
    "ResponseCacheKeyConstructor",
    "cache_response",
    "extract_view_and_request",
    "rebuild_http_response",
    "serialize_response",
]

logger = logging.getLogger("restflow.caching")

# Headers every response key varies on; a response's own Vary adds more.
DEFAULT_VARY_HEADERS = ("Accept", "Accept-Language")
# Stands where other keys carry their generation token: a response entry and
# its Vary record keep the token they were written under in their value, so
# a hit reads the entry together with the current numbers in one get_many.
RESPONSE_GENERATION_SLOT = "R"
ENTRY_TOKEN_KEY = "generation"


class ResponseCacheKeyConstructor(KeyConstructor):
    """Key a view response by URL kwargs (partition), scheme, host, path, query, caller and Accept.

    ``identity`` is the authenticated user, or a digest of the
    ``Authorization`` header or session cookie the request carries, so two
    callers never share an entry.
    """

    path_params = ViewKwargsKeyField("*", partition=True)
    # Scheme and host change absolute URLs in bodies (hyperlinks, pagination links).
    scheme = RequestValueKeyField("scheme")
    host = HeadersKeyField(("Host", "X-Forwarded-Host"))
    path = RequestValueKeyField("path")
    query_params = QueryParamsKeyField("*", hash_value=True)
    identity = RequestIdentityKeyField()
    negotiation = HeadersKeyField(DEFAULT_VARY_HEADERS)

    class Meta:
        namespace = "ResponseCache"


class _DefaultResponseKey:
    """Build :class:`ResponseCacheKeyConstructor` keys without walking the key fields.

    Gives exactly the keys the fields build (the tests compare both): the
    request is looked up once instead of once per field, and the scope of
    the function is worked out once per settings generation.
    """

    def __init__(self, wrapper: CachedResponseWrapper) -> None:
        constructor = wrapper.key_constructor
        self._wrapper = wrapper
        self._constructor = constructor
        fields = constructor.fields
        self._path_params = fields["path_params"]
        self._query = fields["query_params"]
        host = cast(HeadersKeyField, fields["host"])
        negotiation = cast(HeadersKeyField, fields["negotiation"])
        self._host = sorted((encode_value(name), name) for name in host.headers)
        self._negotiation = sorted((encode_value(name), name) for name in negotiation.headers)
        self._settings: tuple[int, str, str, str] | None = None
        self._shape = _handler_shape(wrapper.func)
        self._header_names = [name for _, name in (*self._host, *self._negotiation)]
        self._partitions: dict[Any, str] = {}
        self._suffixes: dict[Any, tuple[str | None]] = {}

    def _constants(self) -> tuple[str, str, str]:
        from restflow.settings import restflow_settings

        generation = restflow_settings.generation
        known = self._settings
        if known is None or known[0] != generation:
            constructor = self._constructor
            known = (
                generation,
                constructor.namespace_token(),
                constructor.identifier_for(self._wrapper.func),
                self._query.stringify({}),
            )
            self._settings = known
            # Remembered texts hold digests made with the old settings' algorithm.
            self._partitions.clear()
            self._suffixes.clear()
        return known[1], known[2], known[3]

    def _url_kwargs_text(
        self, func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> str:
        shape = self._shape
        if shape is not None:
            leading, rest = shape
            if len(args) >= len(leading) and not any(name in kwargs for name in leading):
                # What bind_call gives for (self, request, *args, **kwargs):
                # the leading names and *args are never keyed, the URL kwargs are.
                payload = {name: url_kwarg_text(value) for name, value in kwargs.items()}
                if rest not in _URL_KWARGS_EXCLUDED and rest not in kwargs:
                    payload = {rest: url_kwarg_text(tuple(args[len(leading) :])), **payload}
                for name in _URL_KWARGS_EXCLUDED.intersection(payload):
                    del payload[name]
                return self._path_params.stringify(payload)
        return self._path_params.get_cache_key_part(func, args, kwargs)

    @staticmethod
    def _mapping(headers: Any, pairs: Sequence[tuple[str, str]]) -> str:
        get = headers.get
        return "M(" + ",".join(f"{key}={encode_value(get(name))}" for key, name in pairs) + ")"

    def _partition(
        self, func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> str:
        shape = self._shape
        memo_key: Any = None
        if shape is not None and len(args) >= len(shape[0]):
            # The receiver and the request are never keyed; what follows them is.
            # Types count too: 1, 1.0 and True are equal keys of a dict but key as different text.
            memo_key = (
                tuple((type(value), value) for value in args[len(shape[0]) :]),
                tuple((name, type(value), value) for name, value in kwargs.items()),
            )
            found = _memo_get(self._partitions, memo_key)
            if found is not None:
                return found
        partition = "path_params=" + self._url_kwargs_text(func, args, kwargs)
        if len(partition) > MAX_PARTITION_LENGTH:
            partition = short_digest(partition)
        if memo_key is not None:
            _memo_put(self._partitions, memo_key, partition)
        return partition

    def _suffix(self, request: Any, query: str, limit: int, hash_on_overflow: bool) -> str | None:
        identity = request_identity(request)
        # DRF's Request hands these reads to the Django request it wraps, through
        # __getattr__ after a failed lookup; reading the wrapped one is the same, sooner.
        source = request._request if type(request) is Request else request
        headers = getattr(source, "headers", {})
        path = resolve_attr_path(source, "path")
        scheme = resolve_attr_path(source, "scheme")
        get = headers.get

        # Everything the suffix is computed from: equal inputs give an equal
        # suffix, so repeated requests skip the encoding and the digest.
        memo_key = (
            *[get(name) for name in self._header_names],
            identity,
            path,
            scheme,
            query,
            limit,
            hash_on_overflow,
        )
        found = _memo_get(self._suffixes, memo_key)
        if found is not None:
            return found[0]

        text = (
            f"host={self._mapping(headers, self._host)},"
            f"identity=M(sidentity={encode_value(identity)}),"
            f"negotiation={self._mapping(headers, self._negotiation)},"
            f"path=M(spath={encode_value(path, path='path')}),"
            f"query_params={query},"
            f"scheme=M(sscheme={encode_value(scheme, path='scheme')})"
        )

        suffix: str | None = text
        if len(text) > limit:
            suffix = short_digest(text) if hash_on_overflow else None
        _memo_put(self._suffixes, memo_key, (suffix,))
        return suffix

    def build(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> CacheKey | None:
        """Return the key of this call, or ``None`` to let the key fields build it."""
        func = self._wrapper.func
        request = extract_request_object(func, args, kwargs, "request", True)
        if request is None:
            return None
        namespace, identifier, empty_query = self._constants()
        constructor = self._constructor
        params = _query_params_of(request)
        hash_on_overflow = constructor.get_hash_suffix_on_overflow()
        if params is None or len(params):
            # A non-empty query is hashed whole; its text is not worth a memo entry.
            query = self._query.get_cache_key_part(func, args, kwargs)
            suffix = self._plain_suffix(request, query, constructor)
        else:
            suffix = self._suffix(
                request, empty_query, constructor.get_max_key_suffix_length(), hash_on_overflow
            )
        if suffix is None:
            return None
        return CacheKey(
            namespace,
            identifier,
            self._partition(func, args, kwargs),
            constructor.get_version(),
            suffix,
            hash_on_overflow,
        )

    def _plain_suffix(self, request: Any, query: str, constructor: Any) -> str | None:
        headers = getattr(request, "headers", {})
        suffix = (
            f"host={self._mapping(headers, self._host)},"
            f"identity=M(sidentity={encode_value(request_identity(request))}),"
            f"negotiation={self._mapping(headers, self._negotiation)},"
            f"path=M(spath={encode_value(resolve_attr_path(request, 'path'), path='path')}),"
            f"query_params={query},"
            f"scheme=M(sscheme={encode_value(resolve_attr_path(request, 'scheme'), path='scheme')})"
        )
        if len(suffix) > constructor.get_max_key_suffix_length():
            if not constructor.get_hash_suffix_on_overflow():
                return None
            suffix = short_digest(suffix)
        return suffix


# Past this many entries a memo starts over, so odd inputs cannot grow it without bound.
_MEMO_LIMIT = 1024


def _memo_get(memo: dict[Any, Any], key: Any) -> Any:
    try:
        return memo.get(key)
    except TypeError:  # an unhashable URL kwarg or header value
        return None


def _memo_put(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    with contextlib.suppress(TypeError):
        memo[key] = value


_URL_KWARGS_EXCLUDED = ViewKwargsKeyField.excluded


def _handler_shape(func: Callable[..., Any]) -> tuple[tuple[str, ...], str] | None:
    """Return the leading names and the ``*args`` name of ``f(self, request, *args, **kw)``.

    ``None`` for any other signature: its URL kwargs are keyed through
    ``bind_call``. Leading parameters must be receiver or request
    parameters without defaults, which the key never includes.
    """
    import inspect

    signature = _signature(func)
    if signature is None:
        return None
    parameters = list(signature.parameters.values())
    if len(parameters) < 2:
        return None
    *leading, rest, extra = parameters
    if rest.kind is not inspect.Parameter.VAR_POSITIONAL:
        return None
    if extra.kind is not inspect.Parameter.VAR_KEYWORD:
        return None
    for parameter in leading:
        if (
            parameter.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD
            or parameter.default is not inspect.Parameter.empty
            or parameter.name not in _URL_KWARGS_EXCLUDED
        ):
            return None
    return tuple(parameter.name for parameter in leading), rest.name


def extract_view_and_request(
    func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
) -> tuple[Any, Any]:
    """Return ``(view, request)`` of a view-method or function-view call.

    A method's first parameter (``self``) is the view. A function view's
    view is found in ``request.parser_context["view"]`` when DRF set it.
    """
    names = list(_names(func) or ())
    view = None
    request = kwargs.get("request")
    if names[:1] == ["self"] and args:
        view = args[0]
        if request is None and len(args) > 1:
            request = args[1]
    elif request is None and args:
        request = args[0]
    if view is None and request is not None:
        view = (getattr(request, "parser_context", None) or {}).get("view")
    return view, request


def _raw_request(request: Any) -> Any:
    return getattr(request, "_request", request)


def _vary_values(request: Any, headers: Sequence[str]) -> str:
    raw = _raw_request(request)
    values = {name: raw.headers.get(name) for name in headers}
    return encode_value(values)


class CachedResponseWrapper(CachedWrapper):
    """A :class:`CachedWrapper` for views: stores status, headers and body, not the object.

    Only GET and HEAD requests are served from the cache; others run the
    view. A hit returns a plain ``HttpResponse``. Responses that
    :func:`cacheability_problem` rejects are never stored.
    """

    keep_bound_on_instance = True

    def __init__(self, *args: Any, set_cache_headers: bool = False, **kwargs: Any) -> None:
        self.set_cache_headers = set_cache_headers
        # The Vary headers of the last response stored or found (see _lookup_keys).
        self._vary_guess: list[str] = []
        super().__init__(*args, **kwargs)
        self._fast_key = (
            _DefaultResponseKey(self)
            if type(self.key_constructor) is ResponseCacheKeyConstructor
            else None
        )

    # --- keys ----------------------------------------------------------------------------

    def build_key(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> CacheKey:
        fast = self._fast_key
        if fast is not None:
            key = fast.build(args, kwargs)
            if key is not None:
                return key
        return super().build_key(args, kwargs)

    # --- keys with Vary ----------------------------------------------------------------

    def _vary_key(self, key: CacheKey) -> CacheKey:
        return replace(key, suffix=f"{key.suffix},~vary")

    def _data_key(self, key: CacheKey, request: Any, vary: Sequence[str]) -> CacheKey:
        if not vary:
            return key
        return replace(key, suffix=f"{key.suffix},~h={_vary_values(request, vary)}")

    def _stored_vary(self, found: Any, token: str) -> list[str]:
        # A Vary record written under other generations may name headers the
        # current responses do not vary on. Only the data entry's own token
        # decides a hit, so an outdated record just means "no extra headers".
        if isinstance(found, dict) and found.get(ENTRY_TOKEN_KEY) == token:
            names = found.get("vary")
            if isinstance(names, list):
                return names
        return []

    def _raw_keys(
        self, backend: Any, key: CacheKey, request: Any, vary: Sequence[str]
    ) -> tuple[str, str]:
        """Return the stored keys of ``key``'s Vary record and of its entry for ``vary``."""
        # The suffix comes last in a rendered key, so both keys extend the
        # rendered base key. Only keys past the length limit take the long way.
        base = key.render(RESPONSE_GENERATION_SLOT, key.suffix or "")
        vary_raw = base + ",~vary"
        data_raw = f"{base},~h={_vary_values(request, vary)}" if vary else base
        cache = backend.cache
        if backend.fits(vary_raw, cache) and backend.fits(data_raw, cache):
            return vary_raw, data_raw
        return (
            backend._finish_key(self._vary_key(key), RESPONSE_GENERATION_SLOT),
            backend._finish_key(self._data_key(key, request, vary), RESPONSE_GENERATION_SLOT),
        )

    def _lookup_keys(self, backend: Any, key: CacheKey, request: Any) -> tuple[list[str], str, str]:
        # The entry key is built with the Vary headers this wrapper saw last,
        # so that one get_many returns the generation numbers, the Vary record
        # and, nearly always, the entry itself.
        vary_raw, data_raw = self._raw_keys(backend, key, request, self._vary_guess)
        return [*backend._generation_keys(key), vary_raw, data_raw], vary_raw, data_raw

    def _payload_with_token(
        self, stored: Any, metadata: Mapping[str, Any], token: str
    ) -> dict[str, Any]:
        payload = self._payload(stored, metadata)
        payload[ENTRY_TOKEN_KEY] = token
        return payload

    # --- storing ------------------------------------------------------------------------------

    def _accepts(self, response: Any, request: Any) -> bool:
        if request.method == "HEAD":
            # Served from entries that GET stored, but never stored: a server
            # may strip the body of a HEAD response before it reaches here.
            return False
        problem = cacheability_problem(response)
        if problem is not None:
            logger.debug("Response of %s not cached: %s", self.identifier, problem)
            return False
        return True

    def _entries(self, response: Any) -> tuple[list[str], dict[str, Any]]:
        # Every Vary header counts, even those the key already has: a custom
        # key constructor may leave Accept out.
        return response_vary_headers(response), serialize_response(response)

    def _finish(self, response: Any, metadata: Mapping[str, Any] | None) -> Any:
        if self.set_cache_headers:
            set_response_cache_header(response, metadata)
        return response

    def _hit(self, payload: Any, token: str) -> Any:
        # The entry's key carries no generation: the token it was written
        # under must equal the current one, or a wipe, retirement or
        # invalidation happened since and the entry is never served.
        if not isinstance(payload, dict) or payload.get(ENTRY_TOKEN_KEY) != token:
            return None
        unpacked = self._unpack(payload)
        if unpacked is None:
            return None
        stored, metadata = unpacked
        return self._finish(rebuild_http_response(stored), metadata)

    def _store_plan(
        self, backend: Any, key: CacheKey, request: Any, response: Any, vary: list[str], token: str
    ) -> tuple[list[tuple[str, Any, float | None]], dict[str, Any]]:
        """Return the writes that store ``response`` and the metadata it is stored with."""
        new_vary, stored = self._entries(response)
        metadata = build_metadata(self.ttl, CacheStatus.MISS)
        vary_raw, data_raw = self._raw_keys(backend, key, request, new_vary)
        writes: list[tuple[str, Any, float | None]] = []
        if new_vary != vary:
            record = {ENTRY_TOKEN_KEY: token, "vary": new_vary}
            writes.append((vary_raw, record, self._physical_timeout(self.ttl)))
            self._vary_guess = new_vary
        writes.append(
            (
                data_raw,
                self._payload_with_token(stored, metadata, token),
                self._physical_timeout(self.ttl),
            )
        )
        return writes, metadata

    # --- the sync path ---------------------------------------------------------------------------

    def respond(
        self,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        request: Any,
        compute: Callable[[], Any],
        key: CacheKey | None = None,
    ) -> Any:
        """Return the cached response for this call, or compute, store and return it."""
        if request is None or getattr(request, "method", None) not in CACHEABLE_METHODS:
            return compute()

        if key is None:
            key = self.build_key(args, kwargs)
        backend = self.backend
        try:
            retry_queue.check()
            keys, vary_raw, data_raw = self._lookup_keys(backend, key, request)
            found = backend.cache.get_many(keys)
            token = backend.token_from(key, found)
            if token is None:
                token = backend._token(key)
            vary = self._stored_vary(found.get(vary_raw), token)
            if vary == self._vary_guess:
                payload = found.get(data_raw, CACHE_MISSING)
            else:
                self._vary_guess = vary
                payload = backend.get(self._raw_keys(backend, key, request, vary)[1])
        except Exception as exc:
            report_cache_error(backend.alias, "read", exc)
            return compute()
        hit = self._hit(payload, token)
        if hit is not None:
            return hit

        response = compute()
        if not self._accepts(response, request) or not self._should_store(response):
            return response
        try:
            writes, metadata = self._store_plan(backend, key, request, response, vary, token)
            for raw, value, timeout in writes:
                backend.set(raw, value, timeout)
        except Exception as exc:
            report_cache_error(backend.alias, "write", exc)
            return response
        return self._finish(response, metadata)

    def _render(
        self, view: Any, request: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> Any:
        response = require_sync(self.func(*args, **kwargs), "an async view method")
        return self._finalize(view, request, response, args, kwargs)

    def _finalize(
        self, view: Any, request: Any, response: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> Any:
        finalize = getattr(view, "finalize_response", None)
        if finalize is not None and request is not None:
            extra = {name: value for name, value in kwargs.items() if name != "request"}
            response = finalize(request, response, *args[2:], **extra)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        return response

    def _get(
        self, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any] | None]:
        view, request = extract_view_and_request(self.func, args, kwargs)
        response = self.respond(
            args, kwargs, request, lambda: self._render(view, request, args, kwargs)
        )
        return response, None

    # --- the async path -------------------------------------------------------------------------

    async def arespond(
        self,
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
        request: Any,
        compute: Callable[[], Awaitable[Any]],
        key: CacheKey | None = None,
    ) -> Any:
        """Async twin of :meth:`respond`."""
        if request is None or getattr(request, "method", None) not in CACHEABLE_METHODS:
            return await compute()

        if key is None:
            await _resolve_user(request)
            key = self.build_key(args, kwargs)
        backend = self.backend
        cache = backend.cache
        try:
            retry_queue.check(run=False)
            keys, vary_raw, data_raw = self._lookup_keys(backend, key, request)
            found = await acache_call(cache, "get_many", keys)
            token = backend.token_from(key, found)
            if token is None:
                token = await backend.ageneration_token(key)
            vary = self._stored_vary(found.get(vary_raw), token)
            if vary == self._vary_guess:
                payload = found.get(data_raw, CACHE_MISSING)
            else:
                self._vary_guess = vary
                data_raw = self._raw_keys(backend, key, request, vary)[1]
                payload = await acache_call(cache, "get", data_raw, CACHE_MISSING)
        except Exception as exc:
            report_cache_error(backend.alias, "read", exc)
            return await compute()
        hit = self._hit(payload, token)
        if hit is not None:
            return hit

        response = await compute()
        if not self._accepts(response, request) or not await self._ashould_store(response):
            return response
        try:
            writes, metadata = self._store_plan(backend, key, request, response, vary, token)
            for raw, value, timeout in writes:
                await acache_call(cache, "set", raw, value, timeout=timeout)
        except Exception as exc:
            report_cache_error(backend.alias, "write", exc)
            return response
        return self._finish(response, metadata)

    async def _arender(
        self, view: Any, request: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> Any:
        response = await maybe_await(self.func(*args, **kwargs))
        finalize = getattr(view, "finalize_response", None)
        if finalize is not None and request is not None:
            extra = {name: value for name, value in kwargs.items() if name != "request"}
            response = finalize(request, response, *args[2:], **extra)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            arender = getattr(response, "arender", None)
            if arender is not None:
                await arender()
            else:
                response.render()
        return response

    async def _aget(
        self, args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> tuple[Any, dict[str, Any] | None]:
        view, request = extract_view_and_request(self.func, args, kwargs)
        response = await self.arespond(
            args, kwargs, request, lambda: self._arender(view, request, args, kwargs)
        )
        return response, None

    def get_with_metadata(self, *args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any] | None]:
        """Return ``(response, metadata)`` where metadata comes from the stored entry."""
        response = self(*args, **kwargs)
        return response, _metadata_from_headers(response)

    async def aget_with_metadata(
        self, *args: Any, **kwargs: Any
    ) -> tuple[Any, dict[str, Any] | None]:
        response = await self(*args, **kwargs)
        return response, _metadata_from_headers(response)


def _metadata_from_headers(response: Any) -> dict[str, Any] | None:
    status = response.headers.get("X-Cache-Status") if hasattr(response, "headers") else None
    return {METADATA_CACHE_STATUS: status} if status else None


async def _resolve_user(request: Any) -> None:
    # A plain Django async view gets a lazy request.user whose first read
    # queries the database, which is not allowed on the event loop.
    raw = _raw_request(request)
    auser = getattr(raw, "auser", None)
    lazy = raw.__dict__.get("user")
    if auser is None or lazy is None:
        return
    wrapped = getattr(lazy, "_wrapped", None)
    from django.utils.functional import empty

    if wrapped is empty:
        raw.user = await auser()


def cache_response(
    key_constructor: Any = None,
    ttl: float | None = 3600,
    invalidates_on: Sequence[Any] | None = None,
    cache_if: Callable[[Any], Any] | None = None,
    cache_unless: Callable[[Any], Any] | None = None,
    set_cache_headers: bool = False,
    *,
    cache_alias: str | None = None,
) -> Callable[[Callable[..., Any]], CachedResponseWrapper]:
    """Cache the responses of a view method (``self, request, ...``) or function view.

    Place it directly on the handler: on a class-based view's ``get``, or
    below ``@api_view`` on a function view. The default key
    (:class:`ResponseCacheKeyConstructor`) includes the caller, so an
    authenticated response is never served to someone else.
    ``set_cache_headers`` adds ``X-Cache-Status`` (``HIT``/``MISS``),
    ``X-Cached-At`` and ``X-Cache-Expires-At``. Predicates receive the
    rendered response.
    """
    _check_predicates(cache_if, cache_unless)
    _check_ttl(ttl)
    constructor = resolve_key_constructor(key_constructor, ResponseCacheKeyConstructor)

    def decorator(func: Callable[..., Any]) -> CachedResponseWrapper:
        return CachedResponseWrapper(
            func,
            constructor,
            ttl,
            invalidates_on,
            cache_if,
            cache_unless,
            cache_alias=cache_alias,
            set_cache_headers=set_cache_headers,
        )

    return decorator
