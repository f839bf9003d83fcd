"""Declarative cache keys, cached functions and views, and model-driven invalidation.

Names are imported lazily, so adding ``restflow.caching`` to
``INSTALLED_APPS`` imports nothing that needs the app registry.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "CACHE_MISSING",
    "ArgsKeyField",
    "AsyncIODispatcher",
    "CacheKeyField",
    "CacheRegister",
    "CacheStatus",
    "CachedResponseWrapper",
    "CachedWrapper",
    "CeleryDispatcher",
    "ConstantKeyField",
    "DefaultKeyConstructor",
    "Dispatcher",
    "DjangoModelKeyField",
    "DjangoQDispatcher",
    "DjangoRqDispatcher",
    "DramatiqDispatcher",
    "DrfSerializerKeyField",
    "HeadersKeyField",
    "InlineDispatcher",
    "InlineKeyConstructor",
    "InvalidationRule",
    "KeyConstructor",
    "KeyTooLongError",
    "QueryParamsKeyField",
    "RequestIdentityKeyField",
    "RequestValueKeyField",
    "ResponseCacheKeyConstructor",
    "ThreadPoolDispatcher",
    "UnkeyableValueError",
    "ViewKwargsKeyField",
    "ainvalidate_for",
    "cache_response",
    "cache_result",
    "invalidate_for",
    "register_dispatcher",
    "registered_dispatcher_names",
    "set_response_cache_header",
]

_LOCATIONS = {
    "CACHE_MISSING": "constants",
    "CacheStatus": "constants",
    "ArgsKeyField": "key_fields",
    "CacheKeyField": "key_fields",
    "ConstantKeyField": "key_fields",
    "DjangoModelKeyField": "key_fields",
    "DrfSerializerKeyField": "key_fields",
    "HeadersKeyField": "key_fields",
    "QueryParamsKeyField": "key_fields",
    "RequestIdentityKeyField": "key_fields",
    "RequestValueKeyField": "key_fields",
    "ViewKwargsKeyField": "key_fields",
    "DefaultKeyConstructor": "key_constructor",
    "InlineKeyConstructor": "key_constructor",
    "KeyConstructor": "key_constructor",
    "KeyTooLongError": "key_constructor",
    "UnkeyableValueError": "encoding",
    "CachedWrapper": "wrapper",
    "set_response_cache_header": "wrapper",
    "cache_result": "decorators",
    "CachedResponseWrapper": "response_cache",
    "ResponseCacheKeyConstructor": "response_cache",
    "cache_response": "response_cache",
    "InvalidationRule": "rules",
    "CacheRegister": "registry",
    "invalidate_for": "invalidation",
    "ainvalidate_for": "invalidation",
    "AsyncIODispatcher": "dispatchers",
    "CeleryDispatcher": "dispatchers",
    "Dispatcher": "dispatchers",
    "DjangoQDispatcher": "dispatchers",
    "DjangoRqDispatcher": "dispatchers",
    "DramatiqDispatcher": "dispatchers",
    "InlineDispatcher": "dispatchers",
    "ThreadPoolDispatcher": "dispatchers",
    "register_dispatcher": "dispatchers",
    "registered_dispatcher_names": "dispatchers",
}


def __getattr__(name: str) -> Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
