"""``KeyConstructor``: a declarative description of how one function's keys are built.

A key has a scope (namespace, function identifier, partition) and a suffix.
The backend adapter joins them with the generation numbers of each scope
into the string handed to the cache (see :mod:`restflow.caching.backends`).
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from restflow.caching.encoding import encode_text
from restflow.caching.hashing import hash_string
from restflow.caching.key_fields import ArgsKeyField, CacheKeyField
from restflow.settings import restflow_settings, setting_path

__all__ = [
    "CacheKey",
    "DefaultKeyConstructor",
    "InlineKeyConstructor",
    "KeyConstructor",
    "KeyTooLongError",
    "get_function_identifier",
]

# Longest encoded namespace, identifier and partition kept as text; longer
# ones are replaced by a digest, so the scope part of a key stays bounded.
MAX_NAMESPACE_LENGTH = 32
MAX_IDENTIFIER_LENGTH = 64
MAX_PARTITION_LENGTH = 48
# Digests that replace over-long parts are cut to 32 hex characters (128 bits).
DIGEST_LENGTH = 32


class KeyTooLongError(ValueError):
    """A key suffix is too long and ``HASH_SUFFIX_ON_OVERFLOW`` forbids hashing it."""


def short_digest(text: str) -> str:
    """Return ``"H"`` plus a digest of ``text`` of at most 32 characters."""
    return "H" + hash_string(text)[:DIGEST_LENGTH]


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else short_digest(text)


def get_function_identifier(func: Any) -> str:
    """Return ``module.qualname`` of ``func``; for a bound method, of its class and name."""
    if inspect.ismethod(func):
        owner = func.__self__ if isinstance(func.__self__, type) else type(func.__self__)
        return f"{owner.__module__}.{owner.__qualname__}.{func.__func__.__name__}"
    func = inspect.unwrap(func) if callable(func) else func
    module = getattr(func, "__module__", None) or "unknown"
    qualname = getattr(func, "__qualname__", None) or getattr(func, "__name__", repr(func))
    return f"{module}.{qualname}"


@dataclass(frozen=True)
class CacheKey:
    """The parts of one cache key before generations are joined in.

    ``partition`` is ``None`` for the whole-function scope (used by
    ``invalidate_all``), and ``suffix`` is ``None`` for a prefix that names
    a partition rather than one entry.
    """

    namespace: str
    identifier: str
    partition: str | None
    version: int
    suffix: str | None = None
    # Whether an over-long suffix may be replaced by its digest.
    hash_on_overflow: bool = True

    @property
    def scopes(self) -> tuple[str, ...]:
        """Return the scopes this key belongs to, widest first."""
        root = "rf"
        scopes = [root, f"{root}:{self.namespace}", f"{root}:{self.namespace}:{self.identifier}"]
        if self.partition:
            scopes.append(f"{root}:{self.namespace}:{self.identifier}:{self.partition}")
        return tuple(scopes)

    @property
    def prefix(self) -> str:
        """Return the widest scope that this key names (its partition, or its function)."""
        return self.scopes[-1]

    @property
    def entry_scope(self) -> str:
        """Return the scope of this one entry, whose number :meth:`retire` sets."""
        return f"{self.prefix}:v{self.version}:{self.suffix or ''}"

    def render(self, generation: str, suffix: str | None = None) -> str:
        """Return ``rf:<ns>:<identifier>:<partition>:<generation>:v<version>:<suffix>``."""
        return ":".join(
            (
                "rf",
                self.namespace,
                self.identifier,
                self.partition or "",
                generation,
                f"v{self.version}",
                (self.suffix or "") if suffix is None else suffix,
            )
        )

    def hashed_suffix(self) -> str:
        return short_digest(self.suffix or "")


def _check_meta(name: str, meta: type | None, attrs: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = dict(attrs)
    if meta is not None:
        for key in (
            "version",
            "namespace",
            "key_identifier",
            "max_key_suffix_length",
            "hash_suffix_on_overflow",
        ):
            if hasattr(meta, key):
                options[key] = getattr(meta, key)
    version = options.get("version", 1)
    if isinstance(version, str) and version.isdigit():
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise TypeError(
            f"{name}.Meta.version = {options.get('version')!r} is invalid; "
            "use a positive integer such as 2."
        )
    options["version"] = version
    for key in ("namespace", "key_identifier"):
        value = options.get(key, "")
        if not isinstance(value, str):
            raise TypeError(f"{name}.Meta.{key} = {value!r} is invalid; use a string.")
        options[key] = value
    limit = options.get("max_key_suffix_length")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise TypeError(
            f"{name}.Meta.max_key_suffix_length = {limit!r} is invalid; use a positive integer "
            "or leave it out to use CACHE_SETTINGS.MAX_KEY_SUFFIX_LENGTH."
        )
    overflow = options.get("hash_suffix_on_overflow")
    if overflow is not None and not isinstance(overflow, bool):
        raise TypeError(
            f"{name}.Meta.hash_suffix_on_overflow = {overflow!r} is invalid; use True, False "
            "or leave it out to use CACHE_SETTINGS.HASH_SUFFIX_ON_OVERFLOW."
        )
    return options


class KeyConstructorMeta(type):
    """Collect declared :class:`CacheKeyField` attributes and the nested ``Meta``."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        fields: dict[str, CacheKeyField] = {}
        inherited: dict[str, Any] = {}
        for base in reversed(bases):
            fields.update(getattr(base, "_declared_key_constructors", {}))
            inherited.update(getattr(base, "_meta", {}))
        for key, value in list(attrs.items()):
            if isinstance(value, CacheKeyField):
                value.name = key
                fields[key] = value
                del attrs[key]
        meta = attrs.pop("Meta", None)
        cls = super().__new__(mcs, name, bases, attrs)
        cls._declared_key_constructors = dict(sorted(fields.items()))  # type: ignore[attr-defined]
        cls._meta = _check_meta(name, meta, inherited)  # type: ignore[attr-defined]
        cls._wrappers = []  # type: ignore[attr-defined]
        return cls


class KeyConstructor(metaclass=KeyConstructorMeta):
    """Declare the fields a cache key is built from.

    Example::

        class ProductKey(KeyConstructor):
            product = ArgsKeyField("product_id", partition=True)
            currency = ArgsKeyField("currency")

            class Meta:
                namespace = "products"
                version = 2

    Fields with ``partition=True`` form the partition part, which
    ``delete_by_prefix`` wipes as a unit. ``Meta`` options: ``version``,
    ``namespace``, ``key_identifier`` (replaces the function identifier so
    several functions share entries), ``max_key_suffix_length`` and
    ``hash_suffix_on_overflow`` (``None`` reads ``CACHE_SETTINGS`` at call
    time).
    """

    _declared_key_constructors: ClassVar[dict[str, CacheKeyField]]
    _meta: ClassVar[dict[str, Any]]
    _wrappers: ClassVar[list[Any]]

    def __init__(self) -> None:
        self._fields = self.get_fields()

    # --- configuration ---------------------------------------------------------

    def get_version(self) -> int:
        return int(self._meta["version"])

    def get_fields(self) -> dict[str, CacheKeyField]:
        """Return copies of the declared fields, ordered by attribute name."""
        return {name: field.clone() for name, field in self._declared_key_constructors.items()}

    @property
    def fields(self) -> dict[str, CacheKeyField]:
        return self._fields

    @property
    def has_only_partition_fields(self) -> bool:
        return all(field.partition for field in self._fields.values())

    @property
    def partition_fields(self) -> dict[str, CacheKeyField]:
        return {name: field for name, field in self._fields.items() if field.partition}

    @property
    def namespace(self) -> str:
        return str(self._meta.get("namespace", ""))

    @property
    def key_identifier(self) -> str:
        return str(self._meta.get("key_identifier", ""))

    def get_max_key_suffix_length(self) -> int:
        value = self._meta.get("max_key_suffix_length")
        if value is None:
            value = restflow_settings.CACHE_SETTINGS.MAX_KEY_SUFFIX_LENGTH
        return int(value)

    def get_hash_suffix_on_overflow(self) -> bool:
        value = self._meta.get("hash_suffix_on_overflow")
        if value is None:
            value = restflow_settings.CACHE_SETTINGS.HASH_SUFFIX_ON_OVERFLOW
        return bool(value)

    def fingerprint(self) -> str:
        """Return text that changes whenever the fields or options change."""
        parts = [f"{name}={field.fingerprint()}" for name, field in self._fields.items()]
        options = sorted((key, repr(value)) for key, value in self._meta.items())
        return f"{type(self).__qualname__}|{'|'.join(parts)}|{options!r}"

    # --- building keys ---------------------------------------------------------

    def _join(
        self,
        fields: Mapping[str, CacheKeyField],
        func: Callable[..., Any],
        args: Sequence[Any],
        kwargs: Mapping[str, Any],
    ) -> str:
        return ",".join(
            f"{encode_text(name)}={field.get_cache_key_part(func, args, kwargs)}"
            for name, field in fields.items()
        )

    def identifier_for(self, func: Callable[..., Any]) -> str:
        identifier = self.key_identifier or get_function_identifier(func)
        return _bounded(encode_text(identifier), MAX_IDENTIFIER_LENGTH)

    def namespace_token(self) -> str:
        return _bounded(encode_text(self.namespace), MAX_NAMESPACE_LENGTH)

    def build_partition(
        self, func: Callable[..., Any], args: Sequence[Any] | None, kwargs: Mapping[str, Any] | None
    ) -> str | None:
        """Return the partition text, ``""`` without partition fields, ``None`` for no call."""
        if args is None and kwargs is None:
            return None
        fields = self.partition_fields
        if not fields:
            return ""
        text = self._join(fields, func, args or (), kwargs or {})
        return _bounded(text, MAX_PARTITION_LENGTH)

    def build_key_suffix(
        self, func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> str:
        """Return the suffix text (non-partition fields), hashed past the length limit.

        Raises :class:`KeyTooLongError` when the suffix is longer than the
        limit and hashing is switched off.
        """
        fields = {name: field for name, field in self._fields.items() if not field.partition}
        suffix = self._join(fields, func, args, kwargs)
        limit = self.get_max_key_suffix_length()
        if len(suffix) > limit:
            if not self.get_hash_suffix_on_overflow():
                raise KeyTooLongError(
                    f"The cache key suffix for {get_function_identifier(func)} is {len(suffix)} "
                    f"characters, over the limit of {limit} "
                    f"({setting_path('CACHE_SETTINGS', 'MAX_KEY_SUFFIX_LENGTH')} or "
                    f"{type(self).__name__}.Meta.max_key_suffix_length). Set "
                    "HASH_SUFFIX_ON_OVERFLOW to True, or key fewer values."
                )
            suffix = short_digest(suffix)
        return suffix

    def build_scope(
        self, func: Callable[..., Any], args: Sequence[Any] | None, kwargs: Mapping[str, Any] | None
    ) -> CacheKey:
        """Return the key of the partition that a call falls in (or the whole function)."""
        return CacheKey(
            namespace=self.namespace_token(),
            identifier=self.identifier_for(func),
            partition=self.build_partition(func, args, kwargs),
            version=self.get_version(),
            hash_on_overflow=self.get_hash_suffix_on_overflow(),
        )

    def generate_key(
        self, func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]
    ) -> CacheKey:
        """Return the full key of one call."""
        scope = self.build_scope(func, args, kwargs)
        return CacheKey(
            namespace=scope.namespace,
            identifier=scope.identifier,
            partition=scope.partition,
            version=scope.version,
            suffix=self.build_key_suffix(func, args, kwargs),
            hash_on_overflow=scope.hash_on_overflow,
        )

    # --- wrappers built with this constructor ----------------------------------

    @classmethod
    def register_wrapper(cls, wrapper: Any) -> None:
        """Remember a wrapper built with this constructor, for :meth:`wipe`."""
        if wrapper not in cls._wrappers:
            cls._wrappers.append(wrapper)

    @classmethod
    def wipe(cls, *args: Any, **kwargs: Any) -> None:
        """Wipe every function cached with this constructor.

        Without arguments each function's entries go; with keyword
        arguments only the partition they name. Only functions whose
        decorators already ran are reached.
        """
        for wrapper in list(cls._wrappers):
            if args or kwargs:
                wrapper.delete_by_prefix(*args, **kwargs)
            else:
                wrapper.invalidate_all()

    @classmethod
    async def awipe(cls, *args: Any, **kwargs: Any) -> None:
        """Async twin of :meth:`wipe`."""
        for wrapper in list(cls._wrappers):
            if args or kwargs:
                await wrapper.adelete_by_prefix(*args, **kwargs)
            else:
                await wrapper.ainvalidate_all()

    @classmethod
    def delete_previous_versions(cls, cache_alias: str | None = None) -> int | None:
        """Delete the stored entries of this namespace's versions below ``Meta.version``.

        Entries of older versions are never read (the version is part of
        every key), so this only frees memory. Returns the number deleted,
        or ``None`` when the adapter cannot list keys (they then expire by
        their TTL). Raises ``ValueError`` without a namespace, because every
        constructor without one shares the empty namespace.
        """
        from restflow.caching.backends import get_backend

        namespace = cls()._namespace_for_versions()
        backend = get_backend(cache_alias)
        if not backend.supports_reclaim:
            return None
        deleted = 0
        for version in range(1, int(cls._meta["version"])):
            deleted += int(backend.reclaim_pattern(f"rf:{namespace}:*:v{version}"))
        return deleted

    @classmethod
    async def adelete_previous_versions(cls, cache_alias: str | None = None) -> int | None:
        """Async twin of :meth:`delete_previous_versions`."""
        from asgiref.sync import sync_to_async

        return await sync_to_async(cls.delete_previous_versions)(cache_alias)

    def _namespace_for_versions(self) -> str:
        if not self.namespace:
            raise ValueError(
                f"{type(self).__name__} has no Meta.namespace; delete_previous_versions() would "
                "reach every constructor without one. Set a namespace first."
            )
        return self.namespace_token()


class DefaultKeyConstructor(KeyConstructor):
    """Key every argument of the call except ``self`` and ``cls``."""

    arguments = ArgsKeyField("*")


_INLINE_CACHE_SIZE = 256
_inline_classes: OrderedDict[str, type[KeyConstructor]] = OrderedDict()
_inline_lock = threading.Lock()


def InlineKeyConstructor(
    fields: Mapping[str, CacheKeyField],
    version: int | str = 1,
    max_key_suffix_length: int | None = None,
    hash_suffix_on_overflow: bool | None = None,
    namespace: str = "",
    key_identifier: str = "",
) -> type[KeyConstructor]:
    """Return a :class:`KeyConstructor` subclass built from a dict of fields.

    ``None`` options read ``CACHE_SETTINGS`` at call time, as the class form
    does. Equal configurations return the same class; a bounded cache keeps
    the most recent 256.
    """
    if not isinstance(fields, Mapping) or not all(
        isinstance(field, CacheKeyField) for field in fields.values()
    ):
        raise TypeError(
            f"InlineKeyConstructor fields must be a dict of name -> CacheKeyField, not {fields!r}."
        )
    meta_attrs = {
        "version": version,
        "namespace": namespace,
        "key_identifier": key_identifier,
        "max_key_suffix_length": max_key_suffix_length,
        "hash_suffix_on_overflow": hash_suffix_on_overflow,
    }
    signature = repr(sorted((name, field.fingerprint()) for name, field in fields.items())) + repr(
        sorted(meta_attrs.items(), key=lambda item: item[0])
    )
    digest = functools.reduce(lambda acc, ch: (acc * 131 + ord(ch)) % (1 << 64), signature, 7)
    with _inline_lock:
        cls = _inline_classes.get(signature)
        if cls is not None:
            _inline_classes.move_to_end(signature)
            return cls
        attrs: dict[str, Any] = {name: field.clone() for name, field in fields.items()}
        attrs["Meta"] = type("Meta", (), meta_attrs)
        attrs["__module__"] = __name__
        cls = KeyConstructorMeta(f"Inline_{digest:016x}", (KeyConstructor,), attrs)
        _inline_classes[signature] = cls  # type: ignore[assignment]
        while len(_inline_classes) > _INLINE_CACHE_SIZE:
            _inline_classes.popitem(last=False)
        return cls  # type: ignore[return-value]
