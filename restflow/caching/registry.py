"""``CacheRegister``: the process-wide table of invalidation rules, and running them.

Rules are registered when their ``@cache_result`` decorator runs. Signal
handlers (see :mod:`restflow.caching.invalidation`) are connected per model
once apps are ready. Rule ids are stable digests (see
:meth:`InvalidationRule.bind`), so a worker process that imports the same
code finds the same rule; one that has not imported the module yet imports
it from the module names in the task payload.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from asgiref.sync import async_to_sync

from restflow.caching.payload import from_json_safe
from restflow.caching.rules import InvalidationRule
from restflow.settings import restflow_settings

__all__ = ["CacheRegister", "CacheRegistry", "SignalType"]

logger = logging.getLogger("restflow.caching")

# Module names imported from each project app at startup, so that the rules
# declared in them are connected before the first save.
DEFAULT_DISCOVER_MODULES = ("cache_rules", "caching", "views", "api", "services")


# Rule id -> (when its failure was last logged, failures not logged since).
_rule_failures: dict[str, tuple[float, int]] = {}
_rule_failures_lock = threading.Lock()


def _log_rule_failure(rule_id: str, identifier: str) -> None:
    """Log the current exception of a rule at WARNING, at most once per ``ERROR_LOG_INTERVAL``.

    While the cache is down every write fails each of its rules the same
    way, so the repeats of one rule are counted and reported with its next
    record instead of flooding the log. Call it from an ``except`` block.
    """
    interval = float(restflow_settings.CACHE_SETTINGS.ERROR_LOG_INTERVAL)
    now = time.monotonic()
    with _rule_failures_lock:
        last, suppressed = _rule_failures.get(rule_id, (None, 0))
        if last is not None and now - last < interval:
            _rule_failures[rule_id] = (last, suppressed + 1)
            return
        _rule_failures[rule_id] = (now, 0)
    logger.warning(
        "Cache rule %s for %s failed; it waits for a retry, and this process reads no "
        "cache until it succeeds. %d similar failures of this rule were not logged in the "
        "last interval.",
        rule_id,
        identifier,
        suppressed,
        exc_info=True,
    )


def _queue_retry(
    registry: CacheRegistry,
    rule: InvalidationRule,
    payload: Any,
    context: Mapping[str, Any],
    instance: Any,
) -> None:
    """Hand a rule that failed to the retry queue, keyed so that repeats replace each other."""
    import json

    from restflow.caching.retry import retry_queue

    kwargs = from_json_safe(payload)
    context = dict(context)
    signature = json.dumps([payload, context.get("pk")], sort_keys=True, default=str)

    def retry() -> None:
        registry.process_rule(rule, kwargs, context=context, instance=instance)

    wrapper = rule.wrapper
    try:
        scope = wrapper.key_constructor.build_scope(wrapper.func, None, None).prefix
        backend = wrapper.backend
    except Exception:
        scope, backend = None, None
    retry_queue.add(
        ("rule", rule.rule_id, signature),
        retry,
        f"cache rule {rule.rule_id} for {wrapper.identifier}",
        backend=backend,
        scope=scope,
    )


class SignalType(str, Enum):
    """The kind of change: a save, a delete, a many-to-many change or an explicit call."""

    POST_SAVE = "POST_SAVE"
    POST_DELETE = "POST_DELETE"
    M2M_CHANGED = "M2M_CHANGED"
    MANUAL = "MANUAL"


class CacheRegistry:
    """The rules of every cached function, by id and by model."""

    SignalTypes = SignalType
    _instance: CacheRegistry | None = None

    def __new__(cls) -> CacheRegistry:
        if cls._instance is None:
            instance = super().__new__(cls)
            instance._setup()
            cls._instance = instance
        return cls._instance

    def _setup(self) -> None:
        self._lock = threading.RLock()
        self._rules: dict[str, InvalidationRule] = {}
        self._by_model: dict[str, list[InvalidationRule]] = {}
        self._pending: list[InvalidationRule] = []
        self._discovered = False
        self._connected: set[str] = set()
        self._warned_not_installed = False

    # --- registration ----------------------------------------------------------------

    def add(self, model: Any, func: Any, rule: InvalidationRule) -> InvalidationRule:
        """Register ``rule`` for the cached function ``func``.

        Raises ``AttributeError`` when ``func`` is not a cached function.
        """
        if not getattr(func, "is_cached_function", False):
            raise AttributeError(
                f"{func!r} is not a cached function; decorate it with @cache_result first."
            )
        rule.bind(func)
        with self._lock:
            if rule.rule_id in self._rules and self._rules[rule.rule_id] is not rule:
                # The same rule declared again (module reloaded): keep the newest.
                self._drop(rule.rule_id)
            self._rules[rule.rule_id] = rule
            if self._discovered or self._apps_ready_without_caching_app():
                self._attach(rule)
            else:
                self._pending.append(rule)
        return rule

    def _apps_ready_without_caching_app(self) -> bool:
        # Without the app nothing calls auto_discover(), so queued rules would
        # never connect. Connect them as they come, and log once why they connect late.
        from django.apps import apps

        if not apps.ready or apps.is_installed("restflow.caching"):
            return False
        if not self._warned_not_installed:
            self._warned_not_installed = True
            logger.warning(
                "Add 'restflow.caching' to INSTALLED_APPS: without it, invalidation rules "
                "connect only when the module declaring them is imported, so saves made "
                "before that do not invalidate."
            )
        return True

    register = add

    def _drop(self, rule_id: str) -> None:
        old = self._rules.pop(rule_id, None)
        if old is None:
            return
        for rules in self._by_model.values():
            if old in rules:
                rules.remove(old)
        if old in self._pending:
            self._pending.remove(old)

    def _attach(self, rule: InvalidationRule) -> None:
        from django.apps import apps

        label = rule.model_label
        try:
            model = rule.model if isinstance(rule.model, type) else apps.get_model(label)
        except (LookupError, ValueError):
            logger.warning(
                "Invalidation rule %s on %s names model %r, which is not installed; it will "
                "never run (see check restflow.E030).",
                rule.rule_id,
                rule.wrapper.identifier,
                label,
            )
            return
        key = model._meta.label_lower  # type: ignore[union-attr,attr-defined]
        self._by_model.setdefault(key, []).append(rule)
        from restflow.caching.invalidation import connect_model

        if key not in self._connected:
            connect_model(model)  # type: ignore[arg-type]
            self._connected.add(key)
        if rule.watch_fields and f"{key}:watch" not in self._connected:
            connect_model(model, watch=True)  # type: ignore[arg-type]
            self._connected.add(f"{key}:watch")

    def auto_discover(self, modules: Iterable[str] | None = None) -> None:
        """Import the rule modules of every project app, then connect queued rules.

        Apps installed from site-packages or dist-packages are skipped. A
        module that does not exist is skipped; one that fails to import is
        logged at WARNING with its traceback.
        """
        from django.apps import apps

        names = tuple(modules) if modules is not None else _discover_modules()
        for app in apps.get_app_configs():
            path = str(getattr(app, "path", ""))
            if "site-packages" in path or "dist-packages" in path:
                continue
            for module in names:
                dotted = f"{app.name}.{module}"
                try:
                    if importlib.util.find_spec(dotted) is None:
                        continue
                    importlib.import_module(dotted)
                except Exception:
                    logger.warning("Importing %s for cache rules failed", dotted, exc_info=True)
        with self._lock:
            self._discovered = True
            pending, self._pending = self._pending, []
            for rule in pending:
                self._attach(rule)

    def clear(self) -> None:
        """Drop every rule and disconnect the signal handlers (for tests)."""
        from restflow.caching.invalidation import disconnect_all

        with self._lock:
            disconnect_all()
            self._setup()

    # --- lookup ------------------------------------------------------------------------

    @property
    def is_discovered(self) -> bool:
        return self._discovered

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def model_count(self) -> int:
        return sum(1 for rules in self._by_model.values() if rules)

    def get_rule(self, rule_id: str) -> InvalidationRule | None:
        return self._rules.get(rule_id)

    def rules(self) -> list[InvalidationRule]:
        return list(self._rules.values())

    def rules_for(self, model: Any) -> list[InvalidationRule]:
        """Return the rules of ``model`` (a class or instance), exact class only."""
        return list(self._by_model.get(model._meta.label_lower, ()))

    def get_status(self) -> dict[str, Any]:
        models: dict[str, list[dict[str, Any]]] = {}
        for label, rules in sorted(self._by_model.items()):
            models[label] = [
                {"function": rule.wrapper.identifier, "id": rule.rule_id} for rule in rules
            ]
        return {
            "name": "default",
            "discovered": self._discovered,
            "pending": len(self._pending),
            "models": models,
        }

    # --- running rules (worker side) ----------------------------------------------------

    def _find_rule(self, rule_id: str, context: Mapping[str, Any]) -> InvalidationRule | None:
        rule = self._rules.get(rule_id)
        if rule is not None:
            return rule
        for module in context.get("modules", ()):
            try:
                importlib.import_module(module)
            except Exception:
                logger.warning(
                    "Importing %s to find cache rule %s failed", module, rule_id, exc_info=True
                )
        if not self._discovered:
            self.auto_discover()
        return self._rules.get(rule_id)

    def run_cache_rules(
        self,
        *,
        rule_ids: Iterable[str],
        rule_kwargs: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        instance: Any = None,
    ) -> None:
        """Run the rules with these ids, with their JSON-safe argument payloads.

        Unknown ids are logged at WARNING and skipped. A rule's error is
        logged unless its ``raise_exception`` is set.
        """
        context = dict(context or {})
        rule_kwargs = rule_kwargs or {}
        for rule_id in rule_ids:
            rule = self._find_rule(str(rule_id), context)
            if rule is None:
                logger.warning(
                    "Cache rule %s is not registered in this process; import the module that "
                    "declares it (payload modules: %s).",
                    rule_id,
                    ", ".join(context.get("modules", ())) or "none",
                )
                continue
            payload = rule_kwargs.get(str(rule_id), {})
            kwargs = from_json_safe(payload)
            try:
                self.process_rule(rule, kwargs, context=context, instance=instance)
            except Exception:
                if rule.raise_exception:
                    raise
                _log_rule_failure(str(rule_id), rule.wrapper.identifier)
                _queue_retry(self, rule, payload, context, instance)

    async def arun_cache_rules(
        self,
        *,
        rule_ids: Iterable[str],
        rule_kwargs: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        instance: Any = None,
    ) -> None:
        """Async twin of :meth:`run_cache_rules`."""
        context = dict(context or {})
        rule_kwargs = rule_kwargs or {}
        for rule_id in rule_ids:
            rule = self._find_rule(str(rule_id), context)
            if rule is None:
                logger.warning("Cache rule %s is not registered in this process", rule_id)
                continue
            payload = rule_kwargs.get(str(rule_id), {})
            kwargs = from_json_safe(payload)
            try:
                await self.aprocess_rule(rule, kwargs, context=context, instance=instance)
            except Exception:
                if rule.raise_exception:
                    raise
                _log_rule_failure(str(rule_id), rule.wrapper.identifier)
                _queue_retry(self, rule, payload, context, instance)

    def _instance_for(self, context: Mapping[str, Any], instance: Any) -> Any:
        if instance is not None:
            return instance
        from django.apps import apps

        model = apps.get_model(context["model_label"])
        pk = from_json_safe(context.get("pk"))
        found = model._default_manager.filter(pk=pk).first()
        if found is None:
            # Deleted rows: an unsaved stub that carries the primary key.
            found = model()
            found.pk = pk
        return found

    def _extras(self, context: Mapping[str, Any]) -> dict[str, Any]:
        update_fields = context.get("update_fields")
        return {
            "signal_type": SignalType(context.get("signal_type", SignalType.MANUAL.value)),
            "instance_created": bool(context.get("created", False)),
            "update_fields": frozenset(update_fields) if update_fields is not None else None,
        }

    def process_rule(
        self,
        rule: InvalidationRule,
        kwargs: Mapping[str, Any],
        *,
        context: Mapping[str, Any] | None = None,
        instance: Any = None,
    ) -> None:
        """Apply one rule: call its invalidator, recompute, or delete the mapped entries."""
        wrapper = rule.wrapper
        context = context or {}
        invalidator = rule.resolve_invalidator()
        if invalidator is not None:
            target = self._instance_for(context, instance)
            result = invalidator(wrapper, target, **_accepted(invalidator, self._extras(context)))
            if hasattr(result, "__await__"):
                async_to_sync(_await)(result)
            return
        if rule.rewarm and kwargs and _is_complete_call(wrapper, kwargs):
            # Retire the entry first, so that a value computed before the
            # change cannot overwrite the recomputed one.
            wrapper.delete_cache(**kwargs)
            try:
                if wrapper.is_async:
                    async_to_sync(wrapper.arefresh)(**kwargs)
                else:
                    wrapper.refresh(**kwargs)
                return
            except Exception:
                logger.warning(
                    "Recomputing %s after a change failed; deleting the entry instead",
                    wrapper.identifier,
                    exc_info=True,
                )
        _delete_mapped(wrapper, kwargs)

    async def aprocess_rule(
        self,
        rule: InvalidationRule,
        kwargs: Mapping[str, Any],
        *,
        context: Mapping[str, Any] | None = None,
        instance: Any = None,
    ) -> None:
        """Async twin of :meth:`process_rule`."""
        from asgiref.sync import sync_to_async

        wrapper = rule.wrapper
        context = context or {}
        invalidator = rule.resolve_invalidator()
        if invalidator is not None:
            target = instance
            if target is None:
                target = await sync_to_async(self._instance_for)(context, None)
            result = invalidator(wrapper, target, **_accepted(invalidator, self._extras(context)))
            if hasattr(result, "__await__"):
                await result
            return
        if rule.rewarm and kwargs and _is_complete_call(wrapper, kwargs):
            await wrapper.adelete_cache(**kwargs)
            try:
                if wrapper.is_async:
                    await wrapper.arefresh(**kwargs)
                else:
                    await sync_to_async(wrapper.refresh)(**kwargs)
                return
            except Exception:
                logger.warning(
                    "Recomputing %s after a change failed; deleting the entry instead",
                    wrapper.identifier,
                    exc_info=True,
                )
        await _adelete_mapped(wrapper, kwargs)


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _accepted(func: Any, extras: Mapping[str, Any]) -> dict[str, Any]:
    import inspect

    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return dict(extras)
    return {name: value for name, value in extras.items() if name in parameters}


def _is_complete_call(wrapper: Any, kwargs: Mapping[str, Any]) -> bool:
    import inspect

    try:
        inspect.signature(wrapper.func).bind(**kwargs)
    except TypeError:
        return False
    return True


def _delete_mapped(wrapper: Any, kwargs: Mapping[str, Any]) -> None:
    """Delete what mapped arguments name: a partition, one entry, or the whole function.

    With no arguments the whole function is wiped. When the arguments cover
    every partition field, that partition is wiped. Otherwise, when they
    form a complete call, only that call's entry is deleted; anything less
    precise wipes the whole function, which is never wrong, only wasteful.
    """
    if not kwargs:
        wrapper.invalidate_all()
        return
    constructor = wrapper.key_constructor
    if constructor.partition_fields:
        try:
            wrapper.delete_by_prefix(**kwargs)
            return
        except TypeError:
            pass
    if _is_complete_call(wrapper, kwargs):
        wrapper.delete_cache(**kwargs)
        return
    logger.debug(
        "Mapped arguments %s do not name one entry or partition of %s; wiping all of it",
        sorted(kwargs),
        wrapper.identifier,
    )
    wrapper.invalidate_all()


async def _adelete_mapped(wrapper: Any, kwargs: Mapping[str, Any]) -> None:
    """Async twin of :func:`_delete_mapped`."""
    if not kwargs:
        await wrapper.ainvalidate_all()
        return
    if wrapper.key_constructor.partition_fields:
        try:
            await wrapper.adelete_by_prefix(**kwargs)
            return
        except TypeError:
            pass
    if _is_complete_call(wrapper, kwargs):
        await wrapper.adelete_cache(**kwargs)
        return
    await wrapper.ainvalidate_all()


def _discover_modules() -> tuple[str, ...]:
    from restflow.settings import restflow_settings

    try:
        configured = restflow_settings.CACHE_SETTINGS.DISCOVER_MODULES
    except AttributeError:
        return DEFAULT_DISCOVER_MODULES
    return tuple(configured)


CacheRegister = CacheRegistry()
