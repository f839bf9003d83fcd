"""``Dispatcher``: hands invalidation jobs to a task runner."""

from __future__ import annotations

import abc
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import import_string

from restflow.settings import restflow_settings

__all__ = [
    "DEFAULT_FUNCTION_PATH",
    "Dispatcher",
    "InvalidationJob",
    "get_dispatcher_settings",
    "import_dotted",
    "missing_package",
]

logger = logging.getLogger("restflow.caching")

DEFAULT_FUNCTION_PATH = "restflow.caching.tasks.run_cache_rules"


@dataclass
class InvalidationJob:
    """One batch of rules to run, as JSON-safe data plus the in-process instance.

    ``rule_kwargs`` and ``context`` (model label, primary key, signal type,
    modules declaring the rules) are what a broker carries. ``instance`` is
    only used by dispatchers that run in this process.
    """

    rule_ids: list[str]
    rule_kwargs: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)
    instance: Any = None
    # Set once the rules started running here, so a failure is not mistaken
    # for a failed enqueue and run a second time.
    started: bool = False

    def run(self) -> None:
        """Run the rules now, in this thread."""
        from restflow.caching.tasks import run_cache_rules

        self.started = True
        run_cache_rules(
            self.rule_ids, self.rule_kwargs, context=self.context, instance=self.instance
        )

    async def arun(self) -> None:
        """Run the rules now, on the running event loop."""
        from restflow.caching.tasks import arun_cache_rules

        self.started = True
        await arun_cache_rules(
            self.rule_ids, self.rule_kwargs, context=self.context, instance=self.instance
        )


def import_dotted(path: str) -> Any:
    """Import ``package.module.attribute``; raises ``ImportError`` without a module part."""
    if "." not in path:
        raise ImportError(f"{path!r} is not a dotted path such as 'package.module.function'.")
    return import_string(path)


def missing_package(dispatcher: str, extra: str, exc: ImportError) -> ImportError:
    """Return the ImportError raised when a dispatcher's task library is not installed."""
    error = ImportError(
        f"The {dispatcher!r} invalidation dispatcher needs its task library: "
        f'pip install "drf-restflow[{extra}]" ({exc}).'
    )
    error.__cause__ = exc
    return error


def get_dispatcher_settings(name: str) -> dict[str, Any]:
    """Return ``CACHE_SETTINGS.DISPATCHER_SETTINGS[name]`` as a plain dict (``{}`` if absent)."""
    blocks = restflow_settings.CACHE_SETTINGS.DISPATCHER_SETTINGS.to_dict()
    block = blocks.get(name)
    return dict(block) if isinstance(block, Mapping) else {}


class Dispatcher(abc.ABC):
    """Send invalidation jobs somewhere to run.

    Subclasses set ``name`` and implement :meth:`enqueue`. ``config``
    holds per-rule options (lowercase keys), which win over the
    dispatcher's settings block (uppercase keys). :meth:`dispatch` is what
    the signal handlers call. ``cross_process`` marks dispatchers whose
    jobs run in another process, which therefore need a shared cache.
    ``extra`` names the pip extra that installs the task library.
    """

    name: str = ""
    supports_batching: bool = True
    cross_process: bool = False
    extra: str | None = None
    # Module the dispatcher needs, checked by restflow.E032.
    requires: str | None = None

    def __init__(self, **config: Any) -> None:
        self.config = config
        self.validate_config()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.config!r}>"

    def validate_config(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Check ``self.config``; override to raise ``ValueError`` for bad options."""

    @classmethod
    def settings(cls) -> dict[str, Any]:
        return get_dispatcher_settings(cls.name)

    def option(self, key: str, default: Any = None) -> Any:
        """Return a rule option, else the settings block's value, else ``default``."""
        value = self.config.get(key)
        if value:
            return value
        value = self.settings().get(key.upper())
        return default if value is None else value

    def batch_key(self) -> tuple[Any, ...]:
        return (type(self), tuple(sorted(self.config.items())))

    def raise_exception(self) -> bool:
        """Return whether worker-side errors re-raise (block setting, else the global one)."""
        flag = self.settings().get("RAISE_EXCEPTION")
        if flag is None:
            flag = restflow_settings.CACHE_SETTINGS.DISPATCHER_RAISE_EXCEPTION
        return bool(flag)

    def dispatch(self, *, rule_ids: list[str], rule_kwargs: dict[str, Any], **context: Any) -> None:
        """Enqueue the rules; the caller runs them inline if this raises."""
        job = context.pop("job", None)
        if job is None:
            job = InvalidationJob(list(rule_ids), dict(rule_kwargs), dict(context))
        self.enqueue(job)

    @abc.abstractmethod
    def enqueue(self, job: InvalidationJob) -> None:
        """Send ``job`` to the task runner; raise when it cannot be sent."""
