"""``@cache_result``: cache a function's results under declarative keys."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from restflow.caching.key_constructor import (
    DefaultKeyConstructor,
    InlineKeyConstructor,
    KeyConstructor,
)
from restflow.caching.wrapper import CachedWrapper

__all__ = ["cache_result", "resolve_key_constructor"]


def resolve_key_constructor(spec: Any, default: type[KeyConstructor]) -> KeyConstructor:
    """Return a constructor instance from a class, an instance, a dict or ``None``.

    A dict contains :func:`InlineKeyConstructor` arguments, e.g.
    ``{"fields": {...}, "namespace": "products"}``. Raises ``TypeError``
    for anything else.
    """
    if spec is None:
        return default()
    if isinstance(spec, KeyConstructor):
        return spec
    if isinstance(spec, type) and issubclass(spec, KeyConstructor):
        return spec()
    if isinstance(spec, Mapping):
        if "fields" not in spec:
            raise TypeError(
                f"key_constructor={dict(spec)!r} has no 'fields'; a dict takes "
                "InlineKeyConstructor arguments such as {'fields': {'id': ArgsKeyField('id')}}."
            )
        return InlineKeyConstructor(**spec)()
    raise TypeError(
        f"key_constructor={spec!r} is invalid; pass a KeyConstructor subclass, an instance of "
        "one, or a dict of InlineKeyConstructor arguments."
    )


def _check_predicates(cache_if: Any, cache_unless: Any) -> None:
    if cache_if is not None and cache_unless is not None:
        raise ValueError(
            "cache_if and cache_unless were both given; they are exclusive. Keep one, "
            "e.g. cache_if=lambda value: value is not None."
        )
    for name, predicate in (("cache_if", cache_if), ("cache_unless", cache_unless)):
        if predicate is not None and not callable(predicate):
            raise TypeError(f"{name}={predicate!r} is not callable; pass a function of the result.")


def _check_ttl(ttl: Any, name: str = "ttl") -> None:
    if ttl is None:
        return
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0:
        raise ValueError(
            f"{name}={ttl!r} is invalid; use a number of seconds greater than 0, or None for "
            "entries that never expire."
        )


def cache_result(
    key_constructor: Any = DefaultKeyConstructor,
    ttl: float | None = 3600,
    invalidates_on: Sequence[Any] | None = None,
    cache_if: Callable[[Any], Any] | None = None,
    cache_unless: Callable[[Any], Any] | None = None,
    *,
    cache_alias: str | None = None,
    stale_ttl: float | None = None,
) -> Callable[[Callable[..., Any]], CachedWrapper]:
    """Cache a sync or async function's results; return a :class:`CachedWrapper`.

    ``ttl`` is in seconds (``None``: no expiry). ``cache_alias`` picks the
    Django cache (default ``CACHE_SETTINGS.CACHE_ALIAS``). With
    ``stale_ttl`` an expired entry is served for that many more seconds
    (status ``STALE``) while one caller refreshes it in the background.
    ``invalidates_on`` lists :class:`InvalidationRule` objects. Raises
    ``ValueError`` when both ``cache_if`` and ``cache_unless`` are given.
    """
    _check_predicates(cache_if, cache_unless)
    _check_ttl(ttl)
    _check_ttl(stale_ttl, "stale_ttl")
    if stale_ttl is not None and ttl is None:
        raise ValueError("stale_ttl needs a ttl: an entry that never expires is never stale.")
    constructor = resolve_key_constructor(key_constructor, DefaultKeyConstructor)

    def decorator(func: Callable[..., Any]) -> CachedWrapper:
        return CachedWrapper(
            func,
            constructor,
            ttl,
            invalidates_on,
            cache_if,
            cache_unless,
            cache_alias=cache_alias,
            stale_ttl=stale_ttl,
        )

    return decorator
