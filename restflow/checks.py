"""System checks over ``RESTFLOW_SETTINGS``, run by ``manage.py check``.

Ids: ``restflow.E001``-``E004`` for the shape of the settings (see
:class:`restflow.settings.SettingsProblem`), ``restflow.E010`` for a
component setting that does not resolve, ``restflow.W020``/``W021`` for
configuration that has no effect, and ``restflow.W022`` (``--deploy``
only) for internals exposed in 500 responses. The ``restflow`` app registers them;
the ``restflow.caching`` and ``restflow.authentication`` apps call
:func:`register_checks` too, which registers each check once however often
it is called.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from restflow.registry import REGISTRIES, ComponentError, Registry
from restflow.settings import DEFAULTS, SETTING_NAME, validate_user_settings

__all__ = [
    "W020",
    "W022",
    "check_components",
    "check_deploy",
    "check_settings",
    "check_wiring",
    "register_checks",
    "requires_valid_settings",
    "w021",
]

TAG = "restflow"

CheckFunction = Callable[..., list[CheckMessage]]
MIDDLEWARE_PATH = "restflow.middleware.RestflowMiddleware"
HANDLER_PATH = "restflow.exceptions.exception_handler"


W020 = Warning(
    f'{SETTING_NAME}["MIDDLEWARE"] is set, but {MIDDLEWARE_PATH} is not in MIDDLEWARE, '
    "so the request id and envelope settings have no effect.",
    hint=f"Add {MIDDLEWARE_PATH!r} as the first entry of MIDDLEWARE.",
    id="restflow.W020",
)

W022 = Warning(
    f'{SETTING_NAME}["EXCEPTIONS"]["EXPOSE_INTERNAL_ERRORS"] is True, so 500 responses '
    "show exception messages and tracebacks to every client.",
    hint="Remove the key (it then follows DEBUG) or set it to False in production.",
    id="restflow.W022",
)


def w021(handler: Any) -> Warning:
    """Return the W021 warning for a ``REST_FRAMEWORK["EXCEPTION_HANDLER"]`` of ``handler``."""
    return Warning(
        f'{SETTING_NAME}["EXCEPTIONS"] is set, but REST_FRAMEWORK["EXCEPTION_HANDLER"] is '
        f"{handler!r}. Unless that handler calls {HANDLER_PATH}, errors raised in DRF views "
        "do not use the envelope.",
        hint=f'Set REST_FRAMEWORK["EXCEPTION_HANDLER"] = {HANDLER_PATH!r}, or add '
        '"restflow.W021" to SILENCED_SYSTEM_CHECKS if your handler calls it.',
        id="restflow.W021",
    )


def _user_settings() -> Any:
    return getattr(settings, SETTING_NAME, {})


def requires_valid_settings(check: CheckFunction) -> CheckFunction:
    """Wrap a check so it returns no messages while ``RESTFLOW_SETTINGS`` is invalid.

    A check that reads ``restflow_settings`` would otherwise raise
    ``SettingsError`` and stop ``manage.py check`` with a traceback, hiding
    the E001-E004 messages that :func:`check_settings` reports for the same
    problem. Apply it under ``@register``::

        @register("restflow")
        @requires_valid_settings
        def check_my_feature(app_configs=None, **kwargs): ...
    """

    @functools.wraps(check)
    def wrapper(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
        if validate_user_settings(_user_settings()):
            return []
        return check(app_configs=app_configs, **kwargs)

    return wrapper


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report every problem in the shape, keys and values of ``RESTFLOW_SETTINGS``."""
    return [
        Error(problem.message, hint=problem.hint, id=problem.id)
        for problem in validate_user_settings(_user_settings())
    ]


def _module_exists(dotted_path: str) -> bool:
    module = dotted_path.rpartition(".")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        # A parent package is missing.
        return False


def _configured_value(user: Any, path: tuple[str, ...]) -> Any:
    value: Any = DEFAULTS
    for part in path:
        value = value[part]
    current: Any = user
    for part in path:
        if not isinstance(current, Mapping) or part not in current:
            return value
        current = current[part]
    return current


def _resolve_error(registry: Registry[Any], value: Any) -> Error | None:
    try:
        registry.resolve(value)
    except ComponentError as exc:
        cause = exc.cause
    except Exception as exc:
        # Importing the component's module ran and crashed; report it
        # instead of crashing manage.py check.
        cause = f"importing it raised {type(exc).__name__}: {exc}"
    else:
        return None
    error = ComponentError(registry, value, cause)
    return Error(
        f"{registry.setting_key}: {error.message}",
        hint=error.hint,
        id="restflow.E010",
    )


def check_components(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Report each component setting (envelope, stores, backends, dispatcher) that does not resolve.

    A setting whose own entry already failed :func:`check_settings` is not
    checked again.
    """
    user = _user_settings()
    problem_paths = [problem.path for problem in validate_user_settings(user)]
    messages: list[CheckMessage] = []
    for registry in REGISTRIES:
        if any(registry.setting[: len(path)] == path for path in problem_paths):
            continue
        # NOTE: a registry whose base module is missing belongs to a
        # subsystem that is not installed. Nothing can resolve against it,
        # so it is skipped rather than reported.
        if not _module_exists(registry.base_path):
            continue
        error = _resolve_error(registry, _configured_value(user, registry.setting))
        if error is not None:
            messages.append(error)
    return messages


def check_wiring(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when a ``RESTFLOW_SETTINGS`` section is set but nothing installed reads it."""
    user = _user_settings()
    if not isinstance(user, Mapping):
        return []
    messages: list[CheckMessage] = []
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    if "MIDDLEWARE" in user and MIDDLEWARE_PATH not in middleware:
        messages.append(W020)
    rest_framework = getattr(settings, "REST_FRAMEWORK", None) or {}
    handler = (
        rest_framework.get("EXCEPTION_HANDLER") if isinstance(rest_framework, Mapping) else None
    )
    if "EXCEPTIONS" in user and handler != HANDLER_PATH:
        messages.append(w021(handler))
    return messages


def check_deploy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn about settings that are fine in development but leak information in production.

    Runs only with ``manage.py check --deploy``.
    """
    user = _user_settings()
    if validate_user_settings(user):
        return []
    exceptions = user.get("EXCEPTIONS", {})
    if exceptions.get("EXPOSE_INTERNAL_ERRORS") is True:
        return [W022]
    return []


def register_checks() -> None:
    """Register restflow's checks with Django; calling it again changes nothing.

    Django keeps registered checks in a set, so each function is run once
    per ``manage.py check`` whichever restflow apps call this.
    """
    for check in (check_settings, check_components, check_wiring):
        register(check, TAG)
    register(check_deploy, TAG, deploy=True)
    import restflow.authentication.checks  # noqa: F401 - registers the JWT checks (E05x/W05x)
    from restflow.filters import checks as _filters  # noqa: F401 - W080/W081 checks
    from restflow.pagination import checks as _pagination  # noqa: F401 - W090 check
    from restflow.spectacular import checks as _spectacular  # noqa: F401 - E100/W101 checks
    from restflow.throttling import checks as _throttling  # noqa: F401 - E07x/W07x checks
