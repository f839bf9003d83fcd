"""Declarative key fields: each picks values from a call and turns them into key text."""

from __future__ import annotations

import copy
import inspect
import threading
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from restflow.caching.constants import MISSING_VALUE
from restflow.caching.encoding import encode_text, encode_value
from restflow.caching.hashing import hash_string

__all__ = [
    "ArgsKeyField",
    "CacheKeyField",
    "ConstantKeyField",
    "DjangoModelKeyField",
    "DrfSerializerKeyField",
    "HeadersKeyField",
    "QueryParamsKeyField",
    "RequestIdentityKeyField",
    "RequestValueKeyField",
    "ViewKwargsKeyField",
    "bind_call",
    "extract_request_object",
    "resolve_attr_path",
    "url_kwarg_text",
]

# Parameters that name the bound object or the request, never part of a key
# by default: ``self`` would make every view instance its own key.
_RECEIVER_PARAMETERS = frozenset({"self", "cls"})


# Signatures of plain functions, looked up on every keyed call. Bound
# methods are not kept: each access makes a new one, holding its instance.
_signatures: dict[Any, inspect.Signature | None] = {}
_parameter_names: dict[Any, tuple[str, ...]] = {}
_MAX_REMEMBERED_SIGNATURES = 4096


def _signature(func: Callable[..., Any]) -> inspect.Signature | None:
    remember = type(func) is types.FunctionType
    if remember:
        try:
            return _signatures[func]
        except KeyError:
            pass
    try:
        signature: inspect.Signature | None = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None
    if remember and len(_signatures) < _MAX_REMEMBERED_SIGNATURES:
        _signatures[func] = signature
    return signature


def _names(func: Callable[..., Any]) -> tuple[str, ...] | None:
    remember = type(func) is types.FunctionType
    names = _parameter_names.get(func) if remember else None
    if names is None:
        signature = _signature(func)
        if signature is None:
            return None
        names = tuple(signature.parameters)
        if remember and len(_parameter_names) < _MAX_REMEMBERED_SIGNATURES:
            _parameter_names[func] = names
    return names


def bind_call(
    func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
) -> dict[str, Any]:
    """Bind ``args``/``kwargs`` to ``func``'s signature, defaults applied.

    Extra keyword arguments collected by ``**kwargs`` are flattened into the
    result. Raises ``TypeError`` when the arguments do not fit the
    signature, as the call itself would.
    """
    signature = _signature(func)
    if signature is None:
        return {**{f"arg{index}": value for index, value in enumerate(args)}, **kwargs}
    bound = signature.bind_partial(*args, **kwargs)
    bound.apply_defaults()
    result: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            result.update(value)
        else:
            result[name] = value
    return result


def resolve_attr_path(value: Any, path: str | None) -> Any:
    """Follow a dotted ``path`` through attributes or dict keys.

    A missing segment gives :data:`MISSING_VALUE`; a ``None`` segment stops
    the walk and gives ``None``.
    """
    if not path:
        return value
    current = value
    for segment in path.split("."):
        if current is None:
            return None
        if isinstance(current, Mapping) and segment in current:
            current = current[segment]
            continue
        try:
            current = getattr(current, segment)
        except AttributeError:
            return MISSING_VALUE
        except Exception:
            # A property that raises (e.g. a lazy user lookup failing) has no value.
            return MISSING_VALUE
    return current


def extract_request_object(
    func: Callable[..., Any],
    args: Sequence[Any] | None,
    kwargs: Mapping[str, Any] | None,
    request_arg: str = "request",
    normalize: bool = False,
    view_self_request_fallback: bool = True,
) -> Any:
    """Return the request among a call's arguments, or ``None``.

    Looks at ``kwargs[request_arg]``, then at the positional argument in
    ``request_arg``'s place in ``func``'s signature, then (when
    ``view_self_request_fallback``) at ``args[0].request`` for view methods.
    ``normalize`` swaps an object that wraps a DRF request for the request.
    """
    args = args or ()
    kwargs = kwargs or {}
    request = kwargs.get(request_arg)
    if request is None:
        names = _names(func)
        if names is not None and request_arg in names:
            index = names.index(request_arg)
            if index < len(args):
                request = args[index]
    if request is None and view_self_request_fallback and args:
        request = getattr(args[0], "request", None)
    if (
        normalize
        and request is not None
        and not hasattr(request, "query_params")
        and hasattr(getattr(request, "request", None), "query_params")
    ):
        request = request.request
    return request


class CacheKeyField:
    """Base of the key fields: turn one call into a dict of key values.

    ``partition=True`` puts the field in the partition part of the key, the
    part that :meth:`CachedWrapper.delete_by_prefix` wipes as a unit.
    ``hash_value=True`` replaces the field's text with its digest.
    ``sort_lists=True`` makes list order irrelevant. Subclasses implement
    :meth:`get_key_payload`.
    """

    def __init__(
        self,
        partition: bool = False,
        hash_value: bool = False,
        *,
        sort_lists: bool = True,
    ) -> None:
        self.partition = partition
        self.hash_value = hash_value
        self.sort_lists = sort_lists
        self.name = ""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name or '(unbound)'}>"

    def get_key_payload(
        self, func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Return the values this field contributes for one call."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_key_payload().")

    def stringify(self, payload: Mapping[str, Any]) -> str:
        """Return the key text of ``payload`` (hashed when ``hash_value`` is set)."""
        text = encode_value(dict(payload), sort_lists=self.sort_lists, path=self.name or "field")
        if self.hash_value:
            return "H" + hash_string(text)
        return text

    def get_cache_key_part(
        self, func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> str:
        """Return this field's text for one call."""
        return self.stringify(self.get_key_payload(func, args, kwargs))

    def fingerprint(self) -> str:
        """Return text that changes whenever the field's configuration does.

        Rule ids and inline constructor names are derived from it.
        """
        state = {
            key: value
            for key, value in vars(self).items()
            if not key.startswith("_") and key != "name"
        }
        return f"{type(self).__qualname__}:{_describe(state)}"

    def clone(self) -> CacheKeyField:
        return copy.deepcopy(self)


def _describe(value: Any) -> str:
    try:
        return encode_value(value, sort_lists=False)
    except TypeError:
        if callable(value):
            return encode_text(
                f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
            )
        return encode_text(type(value).__qualname__)


class ConstantKeyField(CacheKeyField):
    """A fixed ``{key: value}`` pair, e.g. a schema version of the cached data."""

    def __init__(
        self,
        key: str,
        value: Any,
        *,
        partition: bool = False,
        hash_value: bool = False,
        sort_lists: bool = False,
    ) -> None:
        super().__init__(partition, hash_value, sort_lists=sort_lists)
        self.key = key
        self.value = value

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        return {self.key: self.value}


def _normalise_names(arguments: str | Iterable[str]) -> str | tuple[str, ...]:
    if isinstance(arguments, str):
        return arguments
    names = tuple(arguments)
    if not all(isinstance(name, str) for name in names):
        raise TypeError(f"argument names must be strings, not {names!r}")
    return names


class ArgsKeyField(CacheKeyField):
    """Values of the wrapped function's arguments.

    ``arguments`` is ``"*"`` (every argument except ``self`` and ``cls``),
    one name, or a list of names. ``path`` picks a dotted attribute of each
    value (``"user.id"``); ``normalizer`` maps each value before encoding,
    and an exception it raises propagates.
    """

    excluded: frozenset[str] = _RECEIVER_PARAMETERS

    def __init__(
        self,
        arguments: str | Iterable[str] = "*",
        path: str | None = None,
        normalizer: Callable[[Any], Any] | None = None,
        *,
        partition: bool = False,
        hash_value: bool = False,
        sort_lists: bool = False,
    ) -> None:
        super().__init__(partition, hash_value, sort_lists=sort_lists)
        self.arguments = _normalise_names(arguments)
        self.path = path
        self.normalizer = normalizer

    def selected_names(self) -> tuple[str, ...] | None:
        """Return the argument names this field reads, or ``None`` for all."""
        if self.arguments == "*":
            return None
        if isinstance(self.arguments, str):
            return (self.arguments,)
        return self.arguments

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        bound = bind_call(func, args, kwargs)
        names = self.selected_names()
        if names is None:
            names = tuple(name for name in bound if name not in self.excluded)
        payload: dict[str, Any] = {}
        for name in names:
            if name not in bound:
                continue
            value = resolve_attr_path(bound[name], self.path)
            if self.normalizer is not None:
                value = self.normalizer(value)
            payload[name] = value
        return payload


def url_kwarg_text(value: Any) -> Any:
    """Return ``value`` as the text a URL carries it in; ``None`` stays ``None``.

    A regex route hands a view ``pk="5"`` while a path converter hands it
    ``pk=5`` (or a ``UUID``), and an invalidation rule maps the model's own
    value. Keying all of them as text makes the three name the same entry.
    """
    if value is None or isinstance(value, str):
        return value
    return str(value)


class ViewKwargsKeyField(ArgsKeyField):
    """URL keyword arguments of a view method: every argument but ``self``, ``cls``, ``request``.

    Values are keyed as text (``5``, ``"5"`` and a ``UUID`` and its text
    share an entry), after ``path`` and ``normalizer`` apply, so a view
    routed by regex or by a converter and a rule mapping the model's value
    build the same key. Override :meth:`get_key_payload` to key typed values.
    """

    excluded = _RECEIVER_PARAMETERS | {"request", "args", "kwargs"}

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        payload = super().get_key_payload(func, args, kwargs)
        return {name: url_kwarg_text(value) for name, value in payload.items()}


class RequestValueKeyField(CacheKeyField):
    """A dotted value of the request, e.g. ``"user.id"`` or ``"version"``."""

    def __init__(
        self,
        path: str,
        request_arg: str = "request",
        *,
        partition: bool = False,
        hash_value: bool = False,
        sort_lists: bool = False,
        view_self_request_fallback: bool = True,
    ) -> None:
        super().__init__(partition, hash_value, sort_lists=sort_lists)
        self.path = path
        self.request_arg = request_arg
        self.view_self_request_fallback = view_self_request_fallback

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        request = extract_request_object(
            func, args, kwargs, self.request_arg, True, self.view_self_request_fallback
        )
        if request is None:
            return {}
        return {self.path: resolve_attr_path(request, self.path)}


def _query_params_of(request: Any) -> Any:
    params = getattr(request, "query_params", None)
    if params is None:
        params = getattr(request, "GET", None)
    return params


class QueryParamsKeyField(CacheKeyField):
    """Query-string parameters: ``"*"`` for all, one name, or a list of names.

    A parameter given once keys as its string; one given several times keys
    as the sorted list of its values, so ``?a=1&a=2`` and ``?a=2&a=1`` share
    an entry.
    """

    def __init__(
        self,
        params: str | Iterable[str] = "*",
        request_arg: str = "request",
        *,
        partition: bool = False,
        hash_value: bool = False,
        sort_lists: bool = False,
        view_self_request_fallback: bool = True,
    ) -> None:
        super().__init__(partition, hash_value, sort_lists=sort_lists)
        self.params = _normalise_names(params)
        self.request_arg = request_arg
        self.view_self_request_fallback = view_self_request_fallback

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        request = extract_request_object(
            func, args, kwargs, self.request_arg, True, self.view_self_request_fallback
        )
        params = _query_params_of(request) if request is not None else None
        if params is None:
            return {}
        if self.params == "*":
            names: Iterable[str] = list(params.keys())
        elif isinstance(self.params, str):
            names = [self.params]
        else:
            names = self.params
        payload: dict[str, Any] = {}
        getlist = getattr(params, "getlist", None)
        for name in names:
            if name not in params:
                continue
            if getlist is not None:
                values = getlist(name)
                payload[name] = values[0] if len(values) == 1 else sorted(values)
            else:
                payload[name] = params[name]
        return payload


class HeadersKeyField(CacheKeyField):
    """Request headers by name (case-insensitive); absent headers key as ``None``."""

    def __init__(
        self,
        headers: Iterable[str],
        request_arg: str = "request",
        *,
        partition: bool = False,
        hash_value: bool = False,
    ) -> None:
        super().__init__(partition, hash_value, sort_lists=False)
        self.headers = tuple(sorted({header.lower() for header in headers}))
        self.request_arg = request_arg

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        request = extract_request_object(func, args, kwargs, self.request_arg, True)
        if request is None:
            return {}
        headers = getattr(request, "headers", {})
        return {name: headers.get(name) for name in self.headers}


def request_identity(request: Any) -> str | None:
    """Return who the request speaks for, or ``None`` for an anonymous request.

    An authenticated user keys by model label and primary key. Otherwise a
    request that carries an ``Authorization`` header or a session cookie keys
    by a digest of that credential, so two callers never share an entry even
    when authentication has not run yet (a route rule in middleware).
    """
    user = getattr(request, "user", None)
    if user is None and hasattr(request, "_request"):
        user = getattr(request._request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        label = getattr(getattr(user, "_meta", None), "label_lower", type(user).__name__)
        return f"user:{label}:{getattr(user, 'pk', None)!r}"
    headers = getattr(request, "headers", {})
    credential = headers.get("Authorization")
    if credential:
        return "authorization:" + hash_string(credential)
    cookies = getattr(request, "COOKIES", None)
    if cookies is None and hasattr(request, "_request"):
        cookies = getattr(request._request, "COOKIES", None)
    if cookies:
        from django.conf import settings

        session = cookies.get(getattr(settings, "SESSION_COOKIE_NAME", "sessionid"))
        if session:
            return "session:" + hash_string(session)
    return None


class RequestIdentityKeyField(CacheKeyField):
    """The caller of a request: the user, or a digest of the credential it carries."""

    def __init__(self, request_arg: str = "request", *, partition: bool = False) -> None:
        super().__init__(partition, False, sort_lists=False)
        self.request_arg = request_arg

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        request = extract_request_object(func, args, kwargs, self.request_arg, True)
        if request is None:
            return {}
        return {"identity": request_identity(request)}


_fingerprints: dict[Any, str] = {}
_fingerprints_lock = threading.Lock()


def _field_options(field: Any) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key, value in sorted(getattr(field, "_kwargs", {}).items()):
        if key in {"queryset", "validators", "default", "help_text", "label", "style"}:
            continue
        options[key] = _describe(value)
    return options


def _serializer_fingerprint(serializer: Any, depth: int = 0) -> dict[str, Any]:
    from rest_framework import serializers

    result: dict[str, Any] = {
        "class": f"{type(serializer).__module__}.{type(serializer).__qualname__}",
        "options": _field_options(serializer),
    }
    if depth > 8:
        return result
    if isinstance(serializer, serializers.ListSerializer):
        result["child"] = _serializer_fingerprint(serializer.child, depth + 1)
    elif isinstance(serializer, serializers.BaseSerializer):
        fields: dict[str, Any] = {}
        for name, field in serializer.fields.items():  # type: ignore[attr-defined]
            if isinstance(field, serializers.BaseSerializer):
                fields[name] = _serializer_fingerprint(field, depth + 1)
            else:
                fields[name] = {
                    "class": f"{type(field).__module__}.{type(field).__qualname__}",
                    "options": _field_options(field),
                }
        result["fields"] = fields
    return result


class DrfSerializerKeyField(CacheKeyField):
    """A fingerprint of a DRF serializer's fields, so a changed serializer gets new keys.

    The fingerprint (field names, classes and options, nested serializers
    included) is computed once per serializer class and process.
    """

    def __init__(self, serializer_class: type | None) -> None:
        super().__init__(False, True, sort_lists=True)
        self.serializer_class = serializer_class

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        if self.serializer_class is None:
            return {}
        cls = self.serializer_class
        cached = _fingerprints.get(cls)
        if cached is None:
            try:
                instance = cls()
            except Exception as exc:
                raise ValueError(
                    f"DrfSerializerKeyField could not instantiate {cls!r} without arguments "
                    f"({exc}); pass a serializer class that accepts no arguments."
                ) from exc
            cached = encode_value(_serializer_fingerprint(instance))
            with _fingerprints_lock:
                _fingerprints[cls] = cached
        return {"serializer": cached}


class DjangoModelKeyField(CacheKeyField):
    """A fingerprint of a model's concrete fields (name, class, column, null, max_length)."""

    def __init__(self, model_class: type | None) -> None:
        super().__init__(False, True, sort_lists=True)
        if model_class is not None and not isinstance(model_class, type):
            raise ValueError(f"DjangoModelKeyField needs a model class, not {model_class!r}.")
        self.model_class = model_class

    def get_key_payload(self, func, args, kwargs):  # type: ignore[no-untyped-def]
        if self.model_class is None:
            return {}
        cls = self.model_class
        cached = _fingerprints.get(cls)
        if cached is None:
            fields = {
                field.name: {
                    "class": f"{type(field).__module__}.{type(field).__qualname__}",
                    "column": field.column,
                    "null": field.null,
                    "max_length": field.max_length,
                }
                for field in cls._meta.concrete_fields  # type: ignore[attr-defined]
            }
            cached = encode_value({"model": cls._meta.label, "fields": fields})  # type: ignore[attr-defined]
            with _fingerprints_lock:
                _fingerprints[cls] = cached
        return {"model": cached}
