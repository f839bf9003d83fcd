"""Registries of swappable components, selected by name in ``RESTFLOW_SETTINGS``.

Each kind of component (cache backend adapter, invalidation dispatcher, JWT
blacklist store, throttle store, error envelope) has one :class:`Registry`.
A setting may name a component by its registered short name, by a dotted
import path, or hand over the class (or, where allowed, an instance).
:meth:`Registry.resolve` turns any of those into a class checked against the
kind's base class; :meth:`Registry.get` builds the configured instance once
per settings generation.

Built-in names map to dotted paths, so this module imports nothing above it
and a component's module is only imported when it is used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from restflow.settings import restflow_settings, setting_path

__all__ = [
    "CACHE_BACKENDS",
    "DISPATCHERS",
    "ENVELOPES",
    "JWT_BLACKLIST_STORES",
    "REGISTRIES",
    "THROTTLE_STORES",
    "ComponentError",
    "Registry",
]

T = TypeVar("T")


class ComponentError(ImproperlyConfigured):
    """A component setting names something that cannot be used."""

    def __init__(self, registry: Registry[Any], value: Any, cause: str) -> None:
        self.registry = registry
        self.value = value
        self.cause = cause
        super().__init__(f"{self.message} {self.hint}")

    @property
    def message(self) -> str:
        """The problem: the setting, its value and the cause."""
        return (
            f"{self.registry.setting_label} = {self.value!r} does not name a usable "
            f"{self.registry.kind}: {self.cause}"
        )

    @property
    def hint(self) -> str:
        """The fix: the registered names and the dotted-path form."""
        names = ", ".join(repr(name) for name in self.registry.names()) or "(none)"
        return (
            f"Use a registered name ({names}) or the dotted path of a subclass of "
            f"{self.registry.base_path}."
        )


@dataclass
class _Built:
    generation: int
    spec: Any
    instance: Any


class Registry(Generic[T]):
    """The named implementations of one kind of component.

    ``base`` is the class every implementation must subclass, given as a
    dotted path so that the registry can be declared before its base class
    is importable. ``setting`` is the key path under ``RESTFLOW_SETTINGS``
    that selects the implementation.
    """

    def __init__(
        self,
        kind: str,
        *,
        base: str,
        setting: tuple[str, ...],
        builtins: dict[str, str] | None = None,
        allow_instances: bool = False,
    ) -> None:
        self.kind = kind
        self.base_path = base
        self.setting = setting
        self.allow_instances = allow_instances
        self._entries: dict[str, str | type] = dict(builtins or {})
        self._built: _Built | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Registry {self.kind} ({self.setting_label})>"

    @property
    def setting_label(self) -> str:
        """The setting in subscript form, e.g. ``RESTFLOW_SETTINGS["EXCEPTIONS"]["ENVELOPE"]``."""
        return setting_path(*self.setting)

    @property
    def setting_key(self) -> str:
        """The setting in dotted form, e.g. ``EXCEPTIONS.ENVELOPE``."""
        return ".".join(self.setting)

    @property
    def base(self) -> type:
        return import_string(self.base_path)  # type: ignore[no-any-return]

    def names(self) -> list[str]:
        """Return the registered short names, sorted."""
        return sorted(self._entries)

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        """Register the decorated class under ``name``; a later registration replaces it."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"A {self.kind} needs a non-empty string name, not {name!r}.")

        def decorator(cls: type[T]) -> type[T]:
            self._check_class(cls, cls)
            self._entries[name] = cls
            self._built = None
            return cls

        return decorator

    def unregister(self, name: str) -> None:
        """Remove ``name``; used by tests and by projects replacing a built-in."""
        self._entries.pop(name, None)
        self._built = None

    def configured(self) -> Any:
        """Return the raw value of this registry's setting."""
        value: Any = restflow_settings
        for part in self.setting:
            value = getattr(value, part)
        return value

    def resolve(self, spec: Any = None) -> type[T]:
        """Return the class named by ``spec`` (the configured setting when omitted).

        Raises :class:`ComponentError` naming the setting, the value, the
        cause and the registered names when ``spec`` cannot be imported or
        is not a subclass of the kind's base class.
        """
        if spec is None:
            spec = self.configured()
        if isinstance(spec, type):
            return self._check_class(spec, spec)
        if self.allow_instances and not isinstance(spec, str):
            return self._check_class(type(spec), spec)
        if not isinstance(spec, str) or not spec:
            raise ComponentError(
                self, spec, "expected a registered name, a dotted path or a class."
            )
        entry = self._entries.get(spec)
        if entry is None and "." not in spec:
            raise ComponentError(self, spec, "no component is registered under that name.")
        target = entry if entry is not None else spec
        if isinstance(target, type):
            return self._check_class(target, spec)
        try:
            cls = import_string(target)
        except ImportError as exc:
            raise ComponentError(self, spec, f"importing {target!r} failed ({exc}).") from exc
        if not isinstance(cls, type):
            raise ComponentError(self, spec, f"{target!r} is not a class.")
        return self._check_class(cls, spec)

    def _check_class(self, cls: type, spec: Any) -> type[T]:
        try:
            base = self.base
        except ImportError as exc:  # pragma: no cover - a packaging fault, not user input
            raise ComponentError(
                self, spec, f"the base class could not be imported ({exc})."
            ) from exc
        if not issubclass(cls, base):
            raise ComponentError(
                self,
                spec,
                f"{cls.__module__}.{cls.__qualname__} is not a subclass of "
                f"{base.__module__}.{base.__qualname__}.",
            )
        return cast("type[T]", cls)

    def get(self, **kwargs: Any) -> T:
        """Return the configured component, built once per settings generation.

        ``kwargs`` go to the constructor when the instance is built; later
        calls in the same generation return that instance whatever they
        pass. An instance given directly in the settings (where the kind
        allows instances) is returned as it is.
        """
        generation = restflow_settings.generation
        built = self._built
        if built is not None and built.generation == generation:
            return built.instance  # type: ignore[no-any-return]
        with self._lock:
            spec = self.configured()
            if self.allow_instances and not isinstance(spec, (str, type)):
                self.resolve(spec)
                instance = spec
            else:
                instance = self.resolve(spec)(**kwargs)
            self._built = _Built(generation, spec, instance)
            return instance  # type: ignore[no-any-return]

    def reset(self) -> None:
        """Drop the built instance, so the next :meth:`get` builds a new one."""
        self._built = None


ENVELOPES: Registry[Any] = Registry(
    "error envelope",
    base="restflow.exceptions.envelopes.BaseEnvelope",
    setting=("EXCEPTIONS", "ENVELOPE"),
    builtins={
        "restflow": "restflow.exceptions.envelopes.RestflowEnvelope",
        "problem": "restflow.exceptions.envelopes.ProblemEnvelope",
    },
)

CACHE_BACKENDS: Registry[Any] = Registry(
    "cache backend adapter",
    base="restflow.caching.backends.base.BaseCacheBackend",
    setting=("CACHE_SETTINGS", "BACKEND"),
    builtins={
        "django": "restflow.caching.backends.django.DjangoCacheBackend",
        "redis": "restflow.caching.backends.redis.RedisCacheBackend",
    },
)

DISPATCHERS: Registry[Any] = Registry(
    "invalidation dispatcher",
    base="restflow.caching.dispatchers.base.Dispatcher",
    setting=("CACHE_SETTINGS", "DEFAULT_DISPATCHER"),
    builtins={
        "inline": "restflow.caching.dispatchers.inline.InlineDispatcher",
        "threadpool": "restflow.caching.dispatchers.threadpool.ThreadPoolDispatcher",
        "asyncio": "restflow.caching.dispatchers.asyncio.AsyncIODispatcher",
        "celery": "restflow.caching.dispatchers.celery.CeleryDispatcher",
        "django_rq": "restflow.caching.dispatchers.django_rq.DjangoRqDispatcher",
        "django_q": "restflow.caching.dispatchers.django_q.DjangoQDispatcher",
        "dramatiq": "restflow.caching.dispatchers.dramatiq.DramatiqDispatcher",
    },
)

JWT_BLACKLIST_STORES: Registry[Any] = Registry(
    "JWT blacklist store",
    base="restflow.authentication.blacklist.base.BlacklistBackend",
    setting=("JWT", "BLACKLIST_BACKEND"),
    builtins={
        "cache": "restflow.authentication.blacklist.cache.CacheBlacklistBackend",
        "model": "restflow.authentication.blacklist.model.ModelBlacklistBackend",
        "redis": "restflow.authentication.blacklist.redis.RedisBlacklistBackend",
    },
    allow_instances=True,
)

THROTTLE_STORES: Registry[Any] = Registry(
    "throttle store",
    base="restflow.throttling.stores.base.BaseThrottleStore",
    setting=("THROTTLING", "STORE"),
    builtins={
        "cache": "restflow.throttling.stores.cache.CacheThrottleStore",
        "redis": "restflow.throttling.stores.redis.RedisThrottleStore",
    },
)

# Every registry, in the order the system checks report them.
REGISTRIES: tuple[Registry[Any], ...] = (
    ENVELOPES,
    CACHE_BACKENDS,
    DISPATCHERS,
    JWT_BLACKLIST_STORES,
    THROTTLE_STORES,
)
