"""Lazy, validated access to ``RESTFLOW_SETTINGS``.

``restflow_settings`` merges the project's ``RESTFLOW_SETTINGS`` dict over
:data:`DEFAULTS`, one key at a time at every depth, and validates it the
first time a value is read. A wrong shape, an unknown section or key, or a
value of the wrong type raises :class:`SettingsError` naming the full key
path, the value and the accepted forms. The cache is cleared on Django's
``setting_changed`` signal, so ``override_settings`` works in tests.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = [
    "DEFAULTS",
    "REMOVED",
    "SCHEMA",
    "RestflowSettings",
    "SettingsError",
    "SettingsProblem",
    "reload_restflow_settings",
    "restflow_settings",
    "setting_path",
    "validate_user_settings",
]

SETTING_NAME = "RESTFLOW_SETTINGS"


# --- value checks ----------------------------------------------------------
# Each check is a predicate plus the human description of what it accepts,
# so an error can say both what was wrong and what would be right.


@dataclass(frozen=True)
class Check:
    predicate: Callable[[Any], bool]
    accepted: str

    def __call__(self, value: Any) -> bool:
        try:
            return bool(self.predicate(value))
        except Exception:
            return False


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_non_negative_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _is_str_tuple(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)


def _is_component(value: Any) -> bool:
    # A registered short name, a dotted path, a class or an instance; whether
    # it resolves is the registry's question, asked by the system checks.
    return (isinstance(value, str) and bool(value)) or callable(value) or hasattr(value, "__dict__")


BOOL = Check(_is_bool, "True or False")
POSITIVE_INT = Check(lambda v: _is_int(v) and v > 0, "a positive integer")
NON_NEGATIVE_INT = Check(lambda v: _is_int(v) and v >= 0, "an integer >= 0")
NON_NEGATIVE_NUMBER = Check(_is_non_negative_number, "a number of seconds >= 0")
OPTIONAL_NON_NEGATIVE_NUMBER = Check(
    lambda v: v is None or _is_non_negative_number(v), "None or a number of seconds >= 0"
)
STRING = Check(lambda v: isinstance(v, str) and bool(v), "a non-empty string")
OPTIONAL_STRING = Check(lambda v: v is None or isinstance(v, str), "None or a string")
OPTIONAL_BOOL = Check(lambda v: v is None or isinstance(v, bool), "None, True or False")
KEY = Check(lambda v: v is None or isinstance(v, (str, bytes)), "None, a str or bytes key")
STRING_TUPLE = Check(_is_str_tuple, "a list or tuple of strings")
NON_EMPTY_STRING_TUPLE = Check(
    lambda v: _is_str_tuple(v) and len(v) > 0, "a non-empty list or tuple of strings"
)
POSITIVE_TIMEDELTA = Check(
    lambda v: isinstance(v, timedelta) and v > timedelta(0),
    "a datetime.timedelta greater than zero, e.g. timedelta(minutes=5)",
)
NON_NEGATIVE_TIMEDELTA = Check(
    lambda v: isinstance(v, timedelta) and v >= timedelta(0),
    "a datetime.timedelta >= 0, e.g. timedelta(seconds=10)",
)
LEEWAY = Check(
    lambda v: _is_non_negative_number(v) or (isinstance(v, timedelta) and v >= timedelta(0)),
    "a number of seconds >= 0 or a datetime.timedelta",
)
AUDIENCE = Check(
    lambda v: v is None or isinstance(v, str) or _is_str_tuple(v),
    "None, a string or a list of strings",
)
COMPONENT = Check(
    _is_component, "a registered short name, a dotted import path, a class or an instance"
)
CALLABLE_OR_PATH = Check(
    lambda v: callable(v) or (isinstance(v, str) and "." in v),
    "a callable or a dotted import path to one",
)
HASH_ALGORITHM = Check(
    lambda v: callable(v) or (isinstance(v, str) and bool(v)),
    "a hashlib algorithm name such as 'sha256', or a callable str -> hex str",
)
VERIFYING_KEYS = Check(
    lambda v: isinstance(v, (list, tuple, dict)),
    "a list of keys, a dict of key id -> key, or a JWKS dict {'keys': [...]}",
)
SAMESITE = Check(lambda v: v in ("Lax", "Strict", "None"), "'Lax', 'Strict' or 'None'")
PATH_PREFIXES = Check(
    lambda v: _is_str_tuple(v) and all(item.startswith("/") for item in v),
    "a list or tuple of URL path prefixes starting with '/', such as ['/api/']",
)
# RFC 9110 token characters: what an HTTP header name may contain.
HEADER_NAME = Check(
    lambda v: isinstance(v, str) and re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", v) is not None,
    "an HTTP header name such as 'X-Request-ID'",
)
RULE_LIST = Check(
    lambda v: isinstance(v, (list, tuple)) and all(isinstance(item, Mapping) for item in v),
    "a list of dicts",
)
ANY = Check(lambda v: True, "any value")


@dataclass(frozen=True)
class Setting:
    """One key of a section: its default and what it accepts."""

    default: Any
    check: Check = ANY


@dataclass(frozen=True)
class Section:
    """A dict of settings; ``open`` sections also accept keys they do not declare."""

    keys: Mapping[str, Setting | Section]
    open: bool = False
    # Check applied to each undeclared key's value in an open section.
    extra: Section | None = None


def _dispatcher_block(**keys: Setting) -> Section:
    return Section({**keys, "RAISE_EXCEPTION": Setting(None, OPTIONAL_BOOL)})


# --- the schema --------------------------------------------------------------

SCHEMA = Section(
    {
        # JSON Web Tokens (restflow.authentication).
        "JWT": Section(
            {
                "SIGNING_KEY": Setting(None, KEY),
                "VERIFYING_KEY": Setting(None, KEY),
                "VERIFYING_KEYS": Setting((), VERIFYING_KEYS),
                "SIGNING_KEY_ID": Setting(None, OPTIONAL_STRING),
                "ALGORITHM": Setting("HS256", STRING),
                "ACCESS_TOKEN_LIFETIME": Setting(timedelta(minutes=5), POSITIVE_TIMEDELTA),
                "REFRESH_TOKEN_LIFETIME": Setting(timedelta(days=1), POSITIVE_TIMEDELTA),
                "ISSUER": Setting(None, OPTIONAL_STRING),
                "AUDIENCE": Setting(None, AUDIENCE),
                "USER_ID_CLAIM": Setting("user_id", STRING),
                "USER_ID_FIELD": Setting("id", STRING),
                "USER_ID_FIELD_ALLOWLIST": Setting(
                    ("id", "pk", "uuid", "username", "email"), STRING_TUPLE
                ),
                "AUTH_HEADER_TYPES": Setting(("Bearer",), NON_EMPTY_STRING_TUPLE),
                "BLACKLIST_ENABLED": Setting(True, BOOL),
                "BLACKLIST_BACKEND": Setting("cache", COMPONENT),
                "BLACKLIST_CACHE_ALIAS": Setting("default", STRING),
                "BLACKLIST_ALLOW_LOCMEM": Setting(False, BOOL),
                "BLACKLIST_FAIL_OPEN": Setting(False, BOOL),
                "BLACKLIST_REDIS_URL": Setting(None, OPTIONAL_STRING),
                "ROTATE_REFRESH_TOKENS": Setting(True, BOOL),
                "REFRESH_REUSE_GRACE_PERIOD": Setting(timedelta(0), NON_NEGATIVE_TIMEDELTA),
                "LEEWAY": Setting(0, LEEWAY),
                "CHECK_USER_IS_ACTIVE": Setting(True, BOOL),
                "CHECK_REVOKE_TOKEN": Setting(False, BOOL),
                "REVOKE_TOKEN_CLAIM": Setting("hash_password", STRING),
                "USER_AUTHENTICATION_RULE": Setting(
                    "restflow.authentication.jwt.default_user_authentication_rule",
                    CALLABLE_OR_PATH,
                ),
                "AUTH_COOKIE_ENABLED": Setting(False, BOOL),
                "AUTH_COOKIE_ACCESS_NAME": Setting("restflow_access", STRING),
                "AUTH_COOKIE_REFRESH_NAME": Setting("restflow_refresh", STRING),
                "AUTH_COOKIE_DOMAIN": Setting(None, OPTIONAL_STRING),
                "AUTH_COOKIE_PATH": Setting("/", STRING),
                "AUTH_COOKIE_SECURE": Setting(True, BOOL),
                "AUTH_COOKIE_SAMESITE": Setting("Lax", SAMESITE),
            }
        ),
        # Response and result caching (restflow.caching).
        "CACHE_SETTINGS": Section(
            {
                "BACKEND": Setting("django", COMPONENT),
                "CACHE_ALIAS": Setting("default", STRING),
                "MAX_KEY_SUFFIX_LENGTH": Setting(250, POSITIVE_INT),
                "HASH_SUFFIX_ON_OVERFLOW": Setting(True, BOOL),
                "KEY_HASH_ALGORITHM": Setting("sha256", HASH_ALGORITHM),
                "STAMPEDE_PROTECTION": Setting(True, BOOL),
                "STAMPEDE_LOCK_TIMEOUT": Setting(30, NON_NEGATIVE_NUMBER),
                "STAMPEDE_MAX_WAIT": Setting(10, NON_NEGATIVE_NUMBER),
                "ERROR_LOG_INTERVAL": Setting(60, NON_NEGATIVE_NUMBER),
                # Modules imported from each project app at startup to find cache rules.
                "DISCOVER_MODULES": Setting(
                    ("cache_rules", "caching", "views", "api", "services"), STRING_TUPLE
                ),
                "DEFAULT_DISPATCHER": Setting("inline", COMPONENT),
                "DISPATCHER_RAISE_EXCEPTION": Setting(False, BOOL),
                "DISPATCHER_SETTINGS": Section(
                    {
                        "celery": _dispatcher_block(
                            TASK_NAME=Setting(
                                "restflow.caching.tasks.task_run_cache_rules", STRING
                            ),
                            QUEUE=Setting(None, OPTIONAL_STRING),
                        ),
                        "threadpool": _dispatcher_block(MAX_WORKERS=Setting(4, POSITIVE_INT)),
                        "django_rq": _dispatcher_block(
                            QUEUE=Setting("default", STRING),
                            FUNCTION_PATH=Setting("restflow.caching.tasks.run_cache_rules", STRING),
                        ),
                        "dramatiq": _dispatcher_block(
                            QUEUE=Setting("default", STRING),
                            ACTOR_NAME=Setting("restflow.task_run_cache_rules", STRING),
                        ),
                        "django_q": _dispatcher_block(
                            CLUSTER=Setting(None, OPTIONAL_STRING),
                            GROUP=Setting(None, OPTIONAL_STRING),
                            FUNCTION_PATH=Setting("restflow.caching.tasks.run_cache_rules", STRING),
                        ),
                        "asyncio": _dispatcher_block(),
                        "inline": _dispatcher_block(),
                    },
                    # Third-party dispatchers keep their own block here: a dict
                    # of any keys, read by that dispatcher through to_dict().
                    open=True,
                    extra=Section({}, open=True),
                ),
            }
        ),
        # Rate limiting (restflow.throttling).
        "THROTTLING": Section(
            {
                "STORE": Setting("cache", COMPONENT),
                "CACHE_ALIAS": Setting("default", STRING),
                "REDIS_URL": Setting(None, OPTIONAL_STRING),
                "FAIL_OPEN": Setting(True, BOOL),
                "SOCKET_TIMEOUT": Setting(0.5, NON_NEGATIVE_NUMBER),
                "ERROR_LOG_INTERVAL": Setting(60, NON_NEGATIVE_NUMBER),
            }
        ),
        # The error envelope (restflow.exceptions).
        "EXCEPTIONS": Section(
            {
                "ENVELOPE": Setting("restflow", COMPONENT),
                "PROBLEM_TYPE_BASE_URI": Setting(None, OPTIONAL_STRING),
                "EXPOSE_INTERNAL_ERRORS": Setting(None, OPTIONAL_BOOL),
            }
        ),
        # RestflowMiddleware (restflow.middleware).
        "MIDDLEWARE": Section(
            {
                "REQUEST_ID_ENABLED": Setting(True, BOOL),
                "REQUEST_ID_HEADER": Setting("X-Request-ID", HEADER_NAME),
                "TRUST_REQUEST_ID_HEADER": Setting(True, BOOL),
                "ERROR_ENVELOPE_ENABLED": Setting(True, BOOL),
                "ERROR_ENVELOPE_PATHS": Setting(("/api/",), PATH_PREFIXES),
                "CACHE_RULES": Setting((), RULE_LIST),
            }
        ),
    }
)


def _defaults_of(section: Section) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, item in section.keys.items():
        result[name] = _defaults_of(item) if isinstance(item, Section) else item.default
    return result


DEFAULTS: dict[str, Any] = _defaults_of(SCHEMA)

# Keys that existed in an earlier release, by key path, with what to do
# instead. Setting one is reported as restflow.E004 with that advice, so an
# upgrade does not fail with a bare "unknown key". Add an entry whenever a
# key leaves SCHEMA.
REMOVED: dict[tuple[str, ...], str] = {}


# --- validation --------------------------------------------------------------


def setting_path(*parts: str) -> str:
    """Return the subscript form of a key path: ``RESTFLOW_SETTINGS["JWT"]["ALGORITHM"]``."""
    return SETTING_NAME + "".join(f"[{json.dumps(str(part))}]" for part in parts)


@dataclass(frozen=True)
class SettingsProblem:
    """One invalid entry of ``RESTFLOW_SETTINGS``, as reported by the checks."""

    id: str
    path: tuple[str, ...]
    message: str
    hint: str


class SettingsError(ImproperlyConfigured):
    """``RESTFLOW_SETTINGS`` contains a value restflow cannot use."""

    def __init__(self, problems: list[SettingsProblem]) -> None:
        self.problems = problems
        first = problems[0]
        # The id leads, as in `manage.py check` output, so the message is the
        # same whether the checks or a first read at startup report it.
        text = f"({first.id}) {first.message} {first.hint}"
        if len(problems) > 1:
            text += f" ({len(problems) - 1} more problem(s); run `manage.py check`.)"
        super().__init__(text)


def _suggest(name: str, choices: Iterator[str] | list[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def _validate_section(
    section: Section, value: Any, path: tuple[str, ...], problems: list[SettingsProblem]
) -> None:
    where = setting_path(*path) if path else SETTING_NAME
    if not isinstance(value, Mapping):
        problems.append(
            SettingsProblem(
                "restflow.E001",
                path,
                f"{where} must be a dict, not {type(value).__name__} ({value!r}).",
                "Use a dict such as {'JWT': {...}, 'CACHE_SETTINGS': {...}}."
                if not path
                else f"Use a dict of {', '.join(sorted(section.keys)) or 'settings'}.",
            )
        )
        return
    for name, item_value in value.items():
        item = section.keys.get(name) if isinstance(name, str) else None
        child_path = (*path, str(name))
        if item is None and child_path in REMOVED:
            problems.append(
                SettingsProblem(
                    "restflow.E004",
                    child_path,
                    f"{setting_path(*child_path)} was removed from restflow.",
                    REMOVED[child_path],
                )
            )
        elif item is None:
            if section.open and isinstance(name, str):
                if section.extra is not None:
                    _validate_section(section.extra, item_value, child_path, problems)
                continue
            known = sorted(section.keys)
            kind = "section" if not path else "key"
            problems.append(
                SettingsProblem(
                    "restflow.E002",
                    child_path,
                    f"{setting_path(*child_path)} is not a known restflow {kind}."
                    + _suggest(str(name), known),
                    f"Known {kind}s here: {', '.join(known)}.",
                )
            )
        elif isinstance(item, Section):
            _validate_section(item, item_value, child_path, problems)
        elif not item.check(item_value):
            problems.append(
                SettingsProblem(
                    "restflow.E003",
                    child_path,
                    f"{setting_path(*child_path)} has an invalid value {item_value!r} "
                    f"({type(item_value).__name__}).",
                    f"Expected {item.check.accepted}.",
                )
            )


def validate_user_settings(user_settings: Any) -> list[SettingsProblem]:
    """Return every problem in a ``RESTFLOW_SETTINGS`` value (empty when it is valid)."""
    problems: list[SettingsProblem] = []
    _validate_section(SCHEMA, user_settings, (), problems)
    return problems


# --- access ------------------------------------------------------------------


def _load_user_settings() -> Any:
    from django.conf import settings

    if not settings.configured:
        return {}
    return getattr(settings, SETTING_NAME, {})


class RestflowSettings:
    """Attribute access to one level of settings, merged over its defaults.

    A default that is a dict becomes a nested :class:`RestflowSettings`, so
    ``restflow_settings.CACHE_SETTINGS.DISPATCHER_SETTINGS.celery.QUEUE``
    works and a user dict only needs the keys it changes.
    """

    def __init__(
        self,
        defaults: Mapping[str, Any] | None = None,
        user_settings_loader: Callable[[], Any] | None = None,
        *,
        validate: bool = True,
        path: tuple[str, ...] = (),
    ) -> None:
        self._defaults = dict(DEFAULTS if defaults is None else defaults)
        self._loader = user_settings_loader or _load_user_settings
        self._validate = validate
        self._path = path
        self._cache: dict[str, Any] = {}
        self._children: dict[str, RestflowSettings] = {}
        self._user: Mapping[str, Any] | None = None
        self._lock = threading.Lock()
        # Incremented on every reload; registries key their instance caches on it.
        self.generation = 0

    @property
    def user_settings(self) -> Mapping[str, Any]:
        if self._user is None:
            with self._lock:
                if self._user is None:
                    loaded = self._loader()
                    if self._validate:
                        problems = validate_user_settings(loaded)
                        if problems:
                            raise SettingsError(problems)
                    self._user = loaded if isinstance(loaded, Mapping) else {}
        return self._user

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._defaults:
            raise AttributeError(
                f"Invalid restflow setting: {name!r}." + _suggest(name, list(self._defaults))
            )
        if name in self._cache:
            return self._cache[name]
        default = self._defaults[name]
        user_value = self.user_settings.get(name, _UNSET)
        if isinstance(default, dict):
            child = RestflowSettings(
                default,
                _constant_loader({} if user_value is _UNSET else user_value),
                validate=False,
                path=(*self._path, name),
            )
            self._children[name] = child
            value: Any = child
        else:
            value = default if user_value is _UNSET else user_value
        self._cache[name] = value
        return value

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        """Return the resolved settings, nested sections included, plus extra user keys."""
        result: dict[str, Any] = {}
        for name in self._defaults:
            value = getattr(self, name)
            result[name] = value.to_dict() if isinstance(value, RestflowSettings) else value
        for name, value in self.user_settings.items():
            if name not in result:
                result[name] = dict(value) if isinstance(value, Mapping) else value
        return result

    def reload(self) -> None:
        """Forget cached values so the next read sees the current Django settings."""
        for child in self._children.values():
            child.reload()
        self._cache.clear()
        self._children.clear()
        self._user = None
        self.generation += 1


_UNSET: Any = object()


def _constant_loader(value: Any) -> Callable[[], Any]:
    def load() -> Any:
        return value

    return load


restflow_settings = RestflowSettings()


@receiver(setting_changed)
def reload_restflow_settings(*, setting: str, **kwargs: Any) -> None:
    """Reload :data:`restflow_settings` when ``RESTFLOW_SETTINGS`` changes."""
    if setting == SETTING_NAME:
        restflow_settings.reload()
