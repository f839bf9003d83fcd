"""Small shared helpers: annotation markers, sync/async bridges and the annotation resolver.

The resolver turns a type annotation into a field instance. Serializers and
filter sets both use it, each with its own type map and nested-field rules.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, NewType, TypeVar, Union, get_args, get_origin

import typing_extensions
from asgiref.sync import async_to_sync
from django.utils.connection import ConnectionProxy

__all__ = [
    "RESERVED_SERIALIZER_ATTRS",
    "BlankableString",
    "Email",
    "IPAddress",
    "UnsupportedAnnotationError",
    "acache_call",
    "cache_is_in_process",
    "getattr_multi_source",
    "maybe_await",
    "require_sync",
    "resolve_field_from_type",
    "run_sync",
    "sort_dict",
    "type_name",
]

T = TypeVar("T")

Email = NewType("Email", str)
"""Annotation marker for an e-mail address; the runtime value is a plain ``str``."""

IPAddress = NewType("IPAddress", str)
"""Annotation marker for an IPv4 or IPv6 address; the runtime value is a plain ``str``."""

BlankableString = NewType("BlankableString", str)
"""Annotation marker for a string that may be empty; the runtime value is a plain ``str``."""

RESERVED_SERIALIZER_ATTRS: frozenset[str] = frozenset(
    {"data", "errors", "validated_data", "instance", "initial_data", "fields", "context"}
)
"""Attribute names a DRF serializer uses itself, so they cannot be field annotations."""

# typing.NotRequired exists from Python 3.11; typing_extensions has it on 3.10 and
# may return its own object on newer versions, so both spellings are matched.
_NOT_REQUIRED_FORMS: tuple[Any, ...] = tuple(
    {
        id(form): form
        for form in (getattr(typing, "NotRequired", None), typing_extensions.NotRequired)
        if form
    }.values()
)
_ANNOTATED_FORMS: tuple[Any, ...] = tuple(
    {id(form): form for form in (typing.Annotated, typing_extensions.Annotated)}.values()
)
_LITERAL_FORMS: tuple[Any, ...] = tuple(
    {id(form): form for form in (Literal, typing_extensions.Literal)}.values()
)
_UNION_FORMS: tuple[Any, ...] = (Union, types.UnionType)


class UnsupportedAnnotationError(AssertionError, TypeError):
    """An annotation that the resolver cannot turn into a field.

    It is an ``AssertionError`` because the resolver's contract promises one,
    and a ``TypeError`` because a type is what is wrong.
    """


def sort_dict(d: Mapping[Any, Any]) -> dict[Any, Any]:
    """Return a new dict with the items of ``d`` ordered by key."""
    return dict(sorted(d.items()))


def getattr_multi_source(obj_set: Any, attr_name: str, default: Any = None) -> Any:
    """Return ``attr_name`` from the first object in ``obj_set`` whose value is not ``default``.

    Falsy objects (``None``, an empty Meta) are skipped. A single object is
    treated as a one-item list; a list or tuple is searched in order. Return
    ``default`` when no object has the attribute set to another value.
    """
    sources = obj_set if isinstance(obj_set, (list, tuple)) else [obj_set]
    for source in sources:
        if not source:
            continue
        value = getattr(source, attr_name, default)
        if value is not default:
            return value
    return default


async def maybe_await(value: Awaitable[T] | T) -> T:
    """Await ``value`` when it is awaitable and return it unchanged otherwise."""
    if inspect.isawaitable(value):
        return await value
    return value


def cache_is_in_process(cache: Any) -> bool:
    """Return whether ``cache`` keeps its entries in this process and has no async code of its own.

    Django's local-memory and dummy caches do no I/O, but their ``a*``
    methods run the sync method in a worker thread. For them that thread
    hop costs far more than the call itself, so restflow calls the sync
    method on the event loop instead. A subclass that defines its own
    async methods keeps them.
    """
    if isinstance(cache, ConnectionProxy):
        # ``django.core.cache.cache`` is a proxy to the default alias.
        cache = cache._connections[cache._alias]
    kind = type(cache)
    known = _IN_PROCESS_KINDS.get(kind)
    if known is None:
        known = _judge_in_process(kind)
        _IN_PROCESS_KINDS[kind] = known
    return known


def _judge_in_process(kind: type) -> bool:
    # Imported on the first call for each cache class, not on every lookup.
    from django.core.cache.backends.base import BaseCache
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.locmem import LocMemCache

    return issubclass(kind, (LocMemCache, DummyCache)) and all(
        getattr(kind, name) is getattr(BaseCache, name)
        for name in ("aget", "aget_many", "aset", "aadd", "adelete", "aset_many")
    )


_IN_PROCESS_KINDS: dict[type, bool] = {}


async def acache_call(cache: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call the cache method ``method`` (``"get"``, ``"get_many"``, ...) from async code.

    In-process caches (see :func:`cache_is_in_process`) run the sync method
    directly; every other cache runs its ``a``-prefixed twin.
    """
    if cache_is_in_process(cache):
        return getattr(cache, method)(*args, **kwargs)
    return await getattr(cache, "a" + method)(*args, **kwargs)


def _close_awaitable(value: Any) -> None:
    # Closing a coroutine that will never run avoids the "was never awaited" warning.
    close = getattr(value, "close", None)
    if callable(close):
        close()


def require_sync(value: Awaitable[T] | T, async_alternative: str) -> T:
    """Return ``value`` unless it is awaitable.

    A sync entry point calls this on what user code returned. An awaitable
    means the user wrote an ``async def`` hook where only the async twin can
    await it: the awaitable is closed and ``TypeError`` names the twin.
    """
    if inspect.isawaitable(value):
        _close_awaitable(value)
        raise TypeError(
            f"async user callable detected, use {async_alternative} for async support. "
            f"The sync path received {value!r}, which it cannot await; call "
            f"{async_alternative} from async code, or make the hook a plain def."
        )
    return value  # type: ignore[return-value]


def run_sync(value: Awaitable[T] | T) -> T:
    """Return ``value``, driving it to completion first when it is awaitable.

    Awaitables run through ``asgiref.sync.async_to_sync``, so this raises
    ``RuntimeError`` when called from a thread that runs an event loop.
    """
    if not inspect.isawaitable(value):
        return value

    async def _await() -> T:
        return await value  # type: ignore[misc]

    return async_to_sync(_await)()


def type_name(data_type: Any) -> str:
    """Return a readable name for a type or annotation, for error messages."""
    if isinstance(data_type, type) and get_origin(data_type) is None:
        module = data_type.__module__
        if module in ("builtins", "typing"):
            return data_type.__qualname__
        return f"{module}.{data_type.__qualname__}"
    supertype = getattr(data_type, "__supertype__", None)
    if supertype is not None:
        return f"{data_type.__name__} (NewType of {type_name(supertype)})"
    return repr(data_type).replace("typing.", "")


def _unsupported(
    data_type: Any, *, field_name: str | None, error_message: str | None, type_map: Any
) -> UnsupportedAnnotationError:
    message = error_message or "annotation must be a supported type"
    where = f"`{field_name}`: " if field_name else ""
    try:
        known = sorted(type_name(key) for key in type_map)
    except TypeError:
        known = []
    accepted = ", ".join(known) if known else "(no types registered)"
    return UnsupportedAnnotationError(
        f"{where}{message}, not {type_name(data_type)}. Accepted: {accepted}, "
        "Literal[...], list[T], T | None, NotRequired[T] and Annotated[T, ...]."
    )


def resolve_field_from_type(
    data_type: Any,
    *,
    type_map: Mapping[Any, Callable[..., Any]],
    field_name: str | None = None,
    list_field_class: Callable[..., Any] | None = None,
    list_field_hook: Callable[[dict[str, Any], str | None, Any], Any] | None = None,
    choice_field_class: Callable[..., Any] | None = None,
    nested_predicate: Callable[[Any], bool] | None = None,
    nested_factory: Callable[[Any, dict[str, Any]], Any] | None = None,
    error_message: str | None = None,
    allow_null_on_optional: bool = False,
    **field_kwargs: Any,
) -> Any:
    """Build a field instance for the annotation ``data_type``.

    Rules, first match wins:

    1. ``nested_predicate(T)`` is true: return ``nested_factory(T, field_kwargs)``.
    2. ``NotRequired[T]``: ``required=False`` unless given, then resolve ``T``.
    3. ``Annotated[T, ...]``: resolve ``T``; metadata objects with a
       ``field_kwargs`` mapping add those kwargs (explicit kwargs win), other
       metadata is ignored.
    4. ``Literal[a, b]``: ``choice_field_class(choices=((a, a), (b, b)), **field_kwargs)``.
    5. ``T | None``: with ``allow_null_on_optional``, ``allow_null=True`` and
       ``required=False`` unless given; then resolve ``T``. A union of more
       than one non-None type is ambiguous and raises.
    6. ``list[T]`` or bare ``list`` (child ``str``): a nested ``T`` gives
       ``nested_factory(T, {**field_kwargs, "many": True})``; otherwise the
       child is resolved without the outer kwargs (unless ``child`` is given
       explicitly), ``list_field_hook`` may adjust the kwargs, and
       ``list_field_class(child=..., **field_kwargs)`` is returned.
    7. ``type_map[data_type](**field_kwargs)``.

    Raise :class:`UnsupportedAnnotationError` (an ``AssertionError``) for
    anything else, naming ``field_name``, the type and the accepted forms.
    """
    options: dict[str, Any] = {
        "type_map": type_map,
        "field_name": field_name,
        "list_field_class": list_field_class,
        "list_field_hook": list_field_hook,
        "choice_field_class": choice_field_class,
        "nested_predicate": nested_predicate,
        "nested_factory": nested_factory,
        "error_message": error_message,
        "allow_null_on_optional": allow_null_on_optional,
    }
    kwargs = dict(field_kwargs)

    if nested_predicate is not None and nested_predicate(data_type):
        if nested_factory is None:
            raise ValueError("resolve_field_from_type: nested_predicate needs a nested_factory.")
        return nested_factory(data_type, kwargs)

    origin = get_origin(data_type)
    args = get_args(data_type)

    if origin is not None and any(origin is form for form in _NOT_REQUIRED_FORMS):
        kwargs.setdefault("required", False)
        return resolve_field_from_type(args[0], **options, **kwargs)

    if origin is not None and any(origin is form for form in _ANNOTATED_FORMS):
        # Metadata that carries field kwargs (the serializers' Field sentinel)
        # applies here too, so list[Annotated[str, Field(max_length=40)]]
        # keeps the child's options; explicit kwargs still win.
        for meta in getattr(data_type, "__metadata__", ()):
            extra = getattr(meta, "field_kwargs", None)
            if isinstance(extra, Mapping):
                kwargs = {**extra, **kwargs}
        return resolve_field_from_type(args[0], **options, **kwargs)

    if origin is not None and any(origin is form for form in _LITERAL_FORMS):
        if choice_field_class is None:
            raise UnsupportedAnnotationError(
                f"{f'`{field_name}`: ' if field_name else ''}Literal annotations are not "
                f"supported here ({type_name(data_type)}): no choice field class is configured."
            )
        return choice_field_class(choices=tuple((value, value) for value in args), **kwargs)

    if origin is not None and any(origin is form for form in _UNION_FORMS):
        members = [member for member in args if member is not type(None)]
        if len(members) != 1:
            where = f"`{field_name}`: " if field_name else ""
            raise UnsupportedAnnotationError(
                f"{where}{type_name(data_type)}: a union with multiple non-None members is "
                "ambiguous, so no single field type fits. Use one type, optionally with "
                "`| None`, or declare the field explicitly."
            )
        if allow_null_on_optional and len(members) < len(args):
            kwargs.setdefault("allow_null", True)
            kwargs.setdefault("required", False)
        return resolve_field_from_type(members[0], **options, **kwargs)

    if data_type is list or origin is list:
        child_type = args[0] if args else str
        if list_field_class is None:
            raise _unsupported(
                data_type, field_name=field_name, error_message=error_message, type_map=type_map
            )
        if nested_predicate is not None and nested_predicate(child_type):
            if nested_factory is None:
                raise ValueError(
                    "resolve_field_from_type: nested_predicate needs a nested_factory."
                )
            return nested_factory(child_type, {**kwargs, "many": True})
        if list_field_hook is not None:
            list_field_hook(kwargs, field_name, child_type)
        if "child" in kwargs:
            # An explicit child (Field(child=CharField(max_length=40))) wins over the annotation's.
            return list_field_class(**kwargs)
        child_options = {**options, "field_name": field_name}
        child = resolve_field_from_type(child_type, **child_options)
        return list_field_class(child=child, **kwargs)

    try:
        field_class = type_map[data_type]
    except (KeyError, TypeError):
        raise _unsupported(
            data_type, field_name=field_name, error_message=error_message, type_map=type_map
        ) from None
    return field_class(**kwargs)
