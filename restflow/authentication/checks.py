"""System checks for the ``JWT`` settings (ids ``restflow.E050``-``E069`` and ``W050``-``W069``).

Checks about keys and stores only run when JWT is in use: a restflow JWT
authenticator in DRF's ``DEFAULT_AUTHENTICATION_CLASSES`` or a restflow
token view in the URLconf. Settings that are wrong wherever they are used
(the algorithm, the user id field, the rule) are checked always.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from restflow.authentication.errors import BlacklistStoreError, TokenError
from restflow.authentication.keys import HMAC_ALGORITHMS, get_key_ring, validate_algorithm
from restflow.settings import SettingsError, restflow_settings, setting_path

__all__ = ["check_jwt_deploy_settings", "check_jwt_settings", "jwt_in_use"]

_VIEWS_MODULE = "restflow.authentication.views"
# Minimum HMAC key length in bytes: the digest size of each algorithm (RFC 7518, section 3.2).
_HMAC_MIN_KEY_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


def _walk_patterns(patterns: Iterable[Any]) -> Iterable[Any]:
    for pattern in patterns:
        children = getattr(pattern, "url_patterns", None)
        if children is not None:
            yield from _walk_patterns(children)
        else:
            yield pattern


def _routes_token_views() -> bool:
    from django.urls import get_resolver

    try:
        patterns = get_resolver().url_patterns
    except Exception:
        # A broken URLconf is reported by Django's own URL checks.
        return False
    for pattern in _walk_patterns(patterns):
        callback = getattr(pattern, "callback", None)
        view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if isinstance(view_class, type) and any(
            klass.__module__ == _VIEWS_MODULE for klass in view_class.__mro__
        ):
            return True
    return False


def _jwt_in_drf_defaults() -> bool:
    from restflow.authentication.jwt_authentication import JWTAuthentication

    classes = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_AUTHENTICATION_CLASSES", ())
    for entry in classes or ():
        try:
            cls = import_string(entry) if isinstance(entry, str) else entry
        except ImportError:
            continue
        if isinstance(cls, type) and issubclass(cls, JWTAuthentication):
            return True
    return False


def jwt_in_use() -> bool:
    """Return True when a restflow JWT authenticator is a DRF default or a token view is routed."""
    return _jwt_in_drf_defaults() or _routes_token_views()


def _jwt() -> Any:
    return restflow_settings.JWT


def _blacklist_class() -> type | None:
    from restflow.registry import JWT_BLACKLIST_STORES

    try:
        return JWT_BLACKLIST_STORES.resolve()
    except Exception:
        # An unresolvable store is reported by the registry checks.
        return None


def _algorithm_errors(jwt_settings: Any) -> list[CheckMessage]:
    try:
        validate_algorithm(jwt_settings.ALGORITHM)
    except TokenError as exc:
        return [
            Error(
                str(exc).split(". Use")[0] + ".",
                hint="Set it to an HMAC algorithm (HS256) or an asymmetric one (RS256, ES256, "
                "EdDSA); 'none' would accept unsigned tokens.",
                id="restflow.E050",
            )
        ]
    return []


def _key_errors(jwt_settings: Any, in_use: bool) -> list[CheckMessage]:
    if not jwt_settings.SIGNING_KEY:
        if not in_use:
            return []
        return [
            Error(
                f"{setting_path('JWT', 'SIGNING_KEY')} is not set, so no JWT can be issued "
                "or verified.",
                hint="Set it to a random secret of at least 32 bytes for HS256 (read it from the "
                "environment), or to a PEM private key for RS256/ES256/EdDSA.",
                id="restflow.E051",
            )
        ]
    try:
        get_key_ring()
    except (TokenError, ValueError, TypeError) as exc:
        return [
            Error(
                f"The JWT keys cannot be used: {exc}",
                hint=f"Fix {setting_path('JWT', 'SIGNING_KEY')}, "
                f"{setting_path('JWT', 'VERIFYING_KEY')} or "
                f"{setting_path('JWT', 'VERIFYING_KEYS')} as the message says.",
                id="restflow.E052",
            )
        ]
    return []


def _store_errors(jwt_settings: Any, in_use: bool) -> list[CheckMessage]:
    from django.apps import apps

    from restflow.authentication.blacklist.cache import (
        DUMMY_BACKENDS,
        CacheBlacklistBackend,
        cache_backend_path,
        is_process_local_cache,
    )
    from restflow.authentication.blacklist.model import ModelBlacklistBackend

    store = _blacklist_class()
    if store is None or not jwt_settings.BLACKLIST_ENABLED:
        return []
    messages: list[CheckMessage] = []
    alias = jwt_settings.BLACKLIST_CACHE_ALIAS
    if issubclass(store, CacheBlacklistBackend) and in_use:
        path = cache_backend_path(alias)
        if not path or path in DUMMY_BACKENDS:
            messages.append(
                Error(
                    f"{setting_path('JWT', 'BLACKLIST_CACHE_ALIAS')} = {alias!r} names "
                    + ("no cache in CACHES" if not path else "a DummyCache, which stores nothing")
                    + ", so revoked tokens cannot be recorded.",
                    hint="Point it at a shared cache (Redis, Memcached, the database cache), "
                    "or set BLACKLIST_BACKEND to 'model' or 'redis'.",
                    id="restflow.E054",
                )
            )
        elif (
            is_process_local_cache(alias)
            and not jwt_settings.BLACKLIST_ALLOW_LOCMEM
            and not settings.DEBUG
        ):
            messages.append(
                Error(
                    f"The JWT blacklist uses the cache {alias!r}, a LocMemCache that each "
                    "process keeps to itself: a token revoked (logout, rotation) in one worker "
                    "stays valid in the others.",
                    hint="Point BLACKLIST_CACHE_ALIAS at a shared cache, set BLACKLIST_BACKEND "
                    "to 'model' or 'redis', or set BLACKLIST_ALLOW_LOCMEM = True for a "
                    "single-process server.",
                    id="restflow.E053",
                )
            )
    if issubclass(store, ModelBlacklistBackend) and not apps.is_installed(
        "restflow.authentication"
    ):
        messages.append(
            Error(
                f"{setting_path('JWT', 'BLACKLIST_BACKEND')} uses the model store, but "
                "'restflow.authentication' is not in INSTALLED_APPS, so its table does not exist.",
                hint="Add 'restflow.authentication' to INSTALLED_APPS and run migrate.",
                id="restflow.E057",
            )
        )
    if store.__module__ == "restflow.authentication.blacklist.redis" and in_use:
        from restflow.authentication.blacklist.redis import _url_from_cache

        if not jwt_settings.BLACKLIST_REDIS_URL:
            try:
                _url_from_cache(alias)
            except BlacklistStoreError as exc:
                messages.append(Error(str(exc), id="restflow.E058"))
    return messages


def _user_errors(jwt_settings: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    field = jwt_settings.USER_ID_FIELD
    allowlist = tuple(jwt_settings.USER_ID_FIELD_ALLOWLIST)
    if field not in allowlist:
        messages.append(
            Error(
                f"{setting_path('JWT', 'USER_ID_FIELD')} = {field!r} is not in "
                f"{setting_path('JWT', 'USER_ID_FIELD_ALLOWLIST')} {allowlist!r}.",
                hint="Use a unique, public user field from the allowlist, or add it there.",
                id="restflow.E055",
            )
        )
    rule = jwt_settings.USER_AUTHENTICATION_RULE
    if not callable(rule):
        try:
            rule = import_string(rule)
        except ImportError as exc:
            messages.append(
                Error(
                    f"{setting_path('JWT', 'USER_AUTHENTICATION_RULE')} = {rule!r} cannot be "
                    f"imported ({exc}).",
                    hint="Give a dotted path to a function user -> bool.",
                    id="restflow.E056",
                )
            )
            return messages
        if not callable(rule):
            messages.append(
                Error(
                    f"{setting_path('JWT', 'USER_AUTHENTICATION_RULE')} points at {rule!r}, "
                    "which is not callable.",
                    hint="Give a dotted path to a function user -> bool.",
                    id="restflow.E056",
                )
            )
    return messages


@register(Tags.security, "restflow")
def check_jwt_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report ``JWT`` settings that make token issue or verification fail or unsafe."""
    try:
        jwt_settings = _jwt()
        jwt_settings.ALGORITHM  # noqa: B018 - reading validates RESTFLOW_SETTINGS
    except SettingsError:
        # Malformed RESTFLOW_SETTINGS are reported by the settings checks.
        return []
    algorithm_errors = _algorithm_errors(jwt_settings)
    if algorithm_errors:
        return algorithm_errors + _user_errors(jwt_settings)
    in_use = jwt_in_use()
    return (
        _key_errors(jwt_settings, in_use)
        + _store_errors(jwt_settings, in_use)
        + _user_errors(jwt_settings)
    )


@register(Tags.security, "restflow", deploy=True)
def check_jwt_deploy_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report ``JWT`` settings that work but are unsafe in production (``check --deploy``)."""
    try:
        jwt_settings = _jwt()
        algorithm = jwt_settings.ALGORITHM
    except SettingsError:
        return []
    if not jwt_in_use():
        return []
    messages: list[CheckMessage] = []
    key = jwt_settings.SIGNING_KEY
    minimum = _HMAC_MIN_KEY_BYTES.get(algorithm)
    if algorithm in HMAC_ALGORITHMS and key and minimum:
        length = len(key.encode("utf-8") if isinstance(key, str) else key)
        if length < minimum:
            messages.append(
                Warning(
                    f"{setting_path('JWT', 'SIGNING_KEY')} is {length} bytes long; {algorithm} "
                    f"needs at least {minimum} bytes to resist brute force.",
                    hint='Generate one with `python -c "import secrets; '
                    'print(secrets.token_urlsafe(64))"`.',
                    id="restflow.W050",
                )
            )
    if jwt_settings.AUTH_COOKIE_ENABLED and not jwt_settings.AUTH_COOKIE_SECURE:
        messages.append(
            Warning(
                f"{setting_path('JWT', 'AUTH_COOKIE_SECURE')} is False, so the token cookies "
                "are also sent over plain HTTP.",
                hint="Set AUTH_COOKIE_SECURE = True and serve the API over HTTPS.",
                id="restflow.W051",
            )
        )
    if jwt_settings.BLACKLIST_FAIL_OPEN:
        messages.append(
            Warning(
                f"{setting_path('JWT', 'BLACKLIST_FAIL_OPEN')} is True: while the blacklist "
                "store is down, revoked tokens are accepted.",
                hint="Leave it False (requests get a 503 instead) unless availability matters "
                "more than logout.",
                id="restflow.W052",
            )
        )
    from restflow.authentication.blacklist.cache import (
        CacheBlacklistBackend,
        is_process_local_cache,
    )

    store = _blacklist_class()
    if (
        store is not None
        and issubclass(store, CacheBlacklistBackend)
        and jwt_settings.BLACKLIST_ENABLED
        and jwt_settings.BLACKLIST_ALLOW_LOCMEM
        and is_process_local_cache(jwt_settings.BLACKLIST_CACHE_ALIAS)
    ):
        messages.append(
            Warning(
                f"The JWT blacklist uses the process-local cache "
                f"{jwt_settings.BLACKLIST_CACHE_ALIAS!r} (BLACKLIST_ALLOW_LOCMEM is on): "
                "with more than one worker process, revoked tokens stay valid in the others.",
                hint="Use a shared cache, or the 'model' or 'redis' store, before running "
                "several workers.",
                id="restflow.W053",
            )
        )
    return messages
