"""Model signal handlers that turn saves and deletes into invalidation jobs.

Each handler evaluates the rules of the instance's model right away, so a
delete still has its primary key and a save can compare old values. The
dispatch waits for ``transaction.on_commit``, so nothing runs on rollback
and inside nested atomic blocks the work waits for the outermost commit.
``QuerySet.update()`` and ``bulk_create()`` send no signals; call
:func:`invalidate_for` after them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save

from restflow.caching.dispatchers.base import InvalidationJob
from restflow.caching.payload import to_json_safe
from restflow.caching.registry import CacheRegister, SignalType
from restflow.caching.rules import InvalidationRule

__all__ = ["ainvalidate_for", "connect_model", "disconnect_all", "invalidate_for"]

logger = logging.getLogger("restflow.caching")

SNAPSHOT_ATTR = "_restflow_cache_snapshot"
_connected_models: set[type[models.Model]] = set()


# --- watch_fields snapshots ---------------------------------------------------------


def _watched_attnames(model: type[models.Model]) -> dict[str, str]:
    names: dict[str, str] = {}
    for rule in CacheRegister.rules_for(model):
        for name in rule.watch_fields or ():
            try:
                field = model._meta.get_field(name)
            except Exception:
                continue
            if getattr(field, "concrete", False) and not field.many_to_many:
                names[name] = field.attname  # type: ignore[union-attr]
    return names


def _snapshot(instance: models.Model, attnames: Mapping[str, str]) -> dict[str, Any]:
    values = instance.__dict__
    return {name: values[attname] for name, attname in attnames.items() if attname in values}


def _on_post_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    attnames = _watched_attnames(sender)
    if attnames and instance.pk is not None:
        instance.__dict__[SNAPSHOT_ATTR] = _snapshot(instance, attnames)


def _on_pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    attnames = _watched_attnames(sender)
    if not attnames or instance.pk is None:
        return
    snapshot = instance.__dict__.get(SNAPSHOT_ATTR)
    if instance._state.adding:
        # Built by hand with a primary key: the post_init snapshot contains the new
        # values, not the stored ones.
        snapshot = None
    missing = [
        attname for name, attname in attnames.items() if snapshot is None or name not in snapshot
    ]
    if missing:
        # Built by hand or loaded with these fields deferred: read the stored values.
        row = (
            sender._default_manager.using(kwargs.get("using") or "default")
            .filter(pk=instance.pk)
            .values(*missing)
            .first()
        )
        by_attname = {attname: name for name, attname in attnames.items()}
        snapshot = dict(snapshot or {})
        if row is not None:
            snapshot.update({by_attname[key]: value for key, value in row.items()})
        instance.__dict__[SNAPSHOT_ATTR] = snapshot


def _changed_fields(instance: models.Model, rule: InvalidationRule) -> set[str]:
    model = type(instance)
    snapshot = instance.__dict__.get(SNAPSHOT_ATTR) or {}
    changed = set()
    for name in rule.watch_fields or ():
        try:
            attname = model._meta.get_field(name).attname  # type: ignore[union-attr]
        except Exception:
            continue
        if name not in snapshot or snapshot[name] != instance.__dict__.get(attname):
            changed.add(name)
    return changed


# --- evaluating rules ---------------------------------------------------------------


def _rule_applies(
    rule: InvalidationRule,
    instance: models.Model,
    signal_type: SignalType,
    created: bool,
    update_fields: frozenset[str] | None,
    m2m_field: str | None,
) -> bool:
    if signal_type is SignalType.POST_SAVE and created and not rule.trigger_on_create:
        return False
    if rule.watch_fields and signal_type is SignalType.POST_SAVE and not created:
        watched = set(rule.watch_fields)
        if update_fields is not None and not (watched & update_fields):
            return False
        if not _changed_fields(instance, rule):
            return False
    if (
        rule.watch_fields
        and signal_type is SignalType.M2M_CHANGED
        and (m2m_field is None or m2m_field not in rule.watch_fields)
    ):
        return False
    return rule.conditions_hold(instance)


def _module_of(rule: InvalidationRule) -> str:
    return str(getattr(rule.wrapper.func, "__module__", "") or "")


def collect_jobs(
    instance: models.Model,
    signal_type: SignalType,
    *,
    created: bool = False,
    update_fields: Iterable[str] | None = None,
    m2m_field: str | None = None,
    rules: Iterable[InvalidationRule] | None = None,
) -> list[tuple[Any, InvalidationJob]]:
    """Return ``(dispatcher, job)`` pairs for the rules that ``instance``'s change triggers.

    Arguments are mapped now, while the instance still has its primary key
    and its current values. A rule whose mapping or dispatcher fails is
    logged and skipped, never raised into the code that saved the model.
    """
    fields = frozenset(update_fields) if update_fields is not None else None
    selected: list[tuple[InvalidationRule, dict[str, Any]]] = []
    for rule in rules if rules is not None else CacheRegister.rules_for(instance):
        try:
            if not _rule_applies(rule, instance, signal_type, created, fields, m2m_field):
                continue
            kwargs = rule.build_kwargs(instance)
            if kwargs is None:
                logger.debug("Rule %s skipped: a required mapped value is None", rule.rule_id)
                continue
            selected.append((rule, to_json_safe(kwargs)))
        except Exception:
            if rule.raise_exception:
                raise
            logger.warning("Evaluating cache rule %s failed", rule.rule_id, exc_info=True)
    if not selected:
        return []
    base_context = {
        "model_label": instance._meta.label,
        "pk": _safe_pk(instance),
        "signal_type": signal_type.value,
        "created": created,
        "update_fields": sorted(fields) if fields is not None else None,
    }
    groups: dict[Any, tuple[Any, list[tuple[InvalidationRule, dict[str, Any]]]]] = {}
    for rule, kwargs in selected:
        try:
            dispatcher = rule.get_dispatcher()
        except Exception:
            logger.warning(
                "The dispatcher of cache rule %s (%r) cannot be used; running it inline",
                rule.rule_id,
                rule.dispatcher,
                exc_info=True,
            )
            dispatcher = None
        if dispatcher is not None and rule.batch and dispatcher.supports_batching:
            group_key: Any = ("batch", dispatcher.batch_key())
        else:
            group_key = ("single", rule.rule_id)
        groups.setdefault(group_key, (dispatcher, []))[1].append((rule, kwargs))
    jobs = []
    for dispatcher, members in groups.values():
        rule_ids = [rule.rule_id for rule, _ in members]
        context = {**base_context, "modules": sorted({_module_of(rule) for rule, _ in members})}
        jobs.append(
            (
                dispatcher,
                InvalidationJob(
                    rule_ids=rule_ids,
                    rule_kwargs={rule.rule_id: kwargs for rule, kwargs in members},
                    context=context,
                    instance=instance,
                ),
            )
        )
    return jobs


def _safe_pk(instance: models.Model) -> Any:
    try:
        return to_json_safe(instance.pk)
    except TypeError:
        return str(instance.pk)


def dispatch_safely(dispatcher: Any, job: InvalidationJob) -> None:
    """Hand ``job`` to ``dispatcher``; run it inline if that fails, so nothing is lost.

    Never raises: this runs after the commit, inside the code that saved
    the model, which must not see cache errors.
    """
    if dispatcher is not None:
        try:
            dispatcher.dispatch(
                rule_ids=job.rule_ids, rule_kwargs=job.rule_kwargs, job=job, **job.context
            )
            return
        except Exception:
            if job.started:
                logger.error(
                    "Cache rules %s for %s pk=%r failed in dispatcher %s",
                    ", ".join(job.rule_ids),
                    job.context.get("model_label"),
                    job.context.get("pk"),
                    getattr(dispatcher, "name", dispatcher),
                    exc_info=True,
                )
                return
            logger.warning(
                "Dispatcher %s could not enqueue cache rules %s for %s pk=%r; running them inline",
                getattr(dispatcher, "name", dispatcher),
                ", ".join(job.rule_ids),
                job.context.get("model_label"),
                job.context.get("pk"),
                exc_info=True,
            )
    try:
        job.run()
    except Exception:
        logger.error(
            "Cache rules %s for %s pk=%r failed; the cached entries may be stale until they expire",
            ", ".join(job.rule_ids),
            job.context.get("model_label"),
            job.context.get("pk"),
            exc_info=True,
        )


def schedule(jobs: list[tuple[Any, InvalidationJob]], using: str | None) -> None:
    """Dispatch ``jobs`` once the current transaction on ``using`` commits."""
    for dispatcher, job in jobs:
        transaction.on_commit(functools.partial(dispatch_safely, dispatcher, job), using=using)


def _handle(
    instance: models.Model,
    signal_type: SignalType,
    using: str | None,
    **options: Any,
) -> None:
    try:
        jobs = collect_jobs(instance, signal_type, **options)
        if jobs:
            schedule(jobs, using)
    except Exception:
        if any(rule.raise_exception for rule in CacheRegister.rules_for(instance)):
            raise
        logger.error("Scheduling cache invalidation for %r failed", instance, exc_info=True)


# --- signal handlers ----------------------------------------------------------------


def _on_post_save(
    sender: type[models.Model], instance: models.Model, created: bool = False, **kwargs: Any
) -> None:
    if type(instance) is not sender:
        return
    _handle(
        instance,
        SignalType.POST_SAVE,
        kwargs.get("using"),
        created=created,
        update_fields=kwargs.get("update_fields"),
    )
    attnames = _watched_attnames(sender)
    if attnames:
        # The snapshot mirrors the stored row: with update_fields only those were written.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            attnames = {
                name: attname for name, attname in attnames.items() if name in update_fields
            }
        snapshot = dict(instance.__dict__.get(SNAPSHOT_ATTR) or {})
        snapshot.update(_snapshot(instance, attnames))
        instance.__dict__[SNAPSHOT_ATTR] = snapshot


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if type(instance) is not sender:
        return
    _handle(instance, SignalType.POST_DELETE, kwargs.get("using"))


def _m2m_field_name(instance: models.Model, through: type) -> str | None:
    for field in instance._meta.get_fields():
        remote = getattr(field, "remote_field", None)
        if field.many_to_many and getattr(remote, "through", None) is through:
            return str(getattr(field, "name", None) or field.get_accessor_name())  # type: ignore[union-attr]
    return None


def _on_m2m_changed(sender: type, instance: models.Model, action: str, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    using = kwargs.get("using")
    if CacheRegister.rules_for(instance):
        _handle(
            instance, SignalType.M2M_CHANGED, using, m2m_field=_m2m_field_name(instance, sender)
        )
    other = kwargs.get("model")
    pk_set = kwargs.get("pk_set")
    if other is not None and pk_set and CacheRegister.rules_for(other):
        for related in other._default_manager.using(using).filter(pk__in=pk_set):
            _handle(
                related, SignalType.M2M_CHANGED, using, m2m_field=_m2m_field_name(related, sender)
            )


_UID = "restflow.caching"


def connect_model(model: type[models.Model], *, watch: bool = False) -> None:
    """Connect the invalidation handlers for ``model`` (idempotent).

    ``watch`` also connects the ``post_init`` and ``pre_save`` handlers that
    remember old values for ``watch_fields``; they run for every instance
    loaded, so models without such rules do without them.
    """
    label = model._meta.label
    post_save.connect(_on_post_save, sender=model, dispatch_uid=f"{_UID}.post_save.{label}")
    post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"{_UID}.post_delete.{label}")
    m2m_changed.connect(_on_m2m_changed, dispatch_uid=f"{_UID}.m2m_changed")
    if watch:
        post_init.connect(_on_post_init, sender=model, dispatch_uid=f"{_UID}.post_init.{label}")
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"{_UID}.pre_save.{label}")
    _connected_models.add(model)


def disconnect_all() -> None:
    """Disconnect every handler connected by :func:`connect_model`."""
    for model in list(_connected_models):
        label = model._meta.label
        post_save.disconnect(sender=model, dispatch_uid=f"{_UID}.post_save.{label}")
        post_delete.disconnect(sender=model, dispatch_uid=f"{_UID}.post_delete.{label}")
        post_init.disconnect(sender=model, dispatch_uid=f"{_UID}.post_init.{label}")
        pre_save.disconnect(sender=model, dispatch_uid=f"{_UID}.pre_save.{label}")
    m2m_changed.disconnect(dispatch_uid=f"{_UID}.m2m_changed")
    _connected_models.clear()


# --- explicit invalidation ------------------------------------------------------------


def _instances(model: type[models.Model], objects: Any) -> Iterable[models.Model]:
    if isinstance(objects, models.Model):
        return [objects]
    if isinstance(objects, models.QuerySet):
        return objects.iterator()
    return list(objects)


def invalidate_for(
    model: type[models.Model],
    objects: Any,
    *,
    created: bool = False,
    fields: Iterable[str] | None = None,
    using: str | None = None,
) -> int:
    """Run ``model``'s rules for rows changed without signals; return the number of jobs.

    Use it after ``QuerySet.update()`` (pass the rows, ideally evaluated
    before the update when a mapped field changes, and ``fields`` with the
    updated field names) or ``bulk_create()`` (pass the created objects and
    ``created=True``). ``watch_fields`` rules run when ``fields`` is ``None``
    or overlaps them. Jobs wait for the transaction to commit, as signals do.
    """
    changed = frozenset(fields) if fields is not None else None
    rules = CacheRegister.rules_for(model)
    if not rules:
        return 0
    selected = []
    for rule in rules:
        if created and not rule.trigger_on_create:
            continue
        if rule.watch_fields and changed is not None and not (set(rule.watch_fields) & changed):
            continue
        selected.append(rule)
    count = 0
    for instance in _instances(model, objects):
        jobs = collect_jobs(
            instance, SignalType.MANUAL, created=created, rules=_without_watch(selected)
        )
        schedule(jobs, using)
        count += len(jobs)
    return count


async def ainvalidate_for(
    model: type[models.Model],
    objects: Any,
    *,
    created: bool = False,
    fields: Iterable[str] | None = None,
    using: str | None = None,
) -> int:
    """Async twin of :func:`invalidate_for` (the ORM work runs in a thread)."""
    from asgiref.sync import sync_to_async

    return await sync_to_async(invalidate_for)(
        model, objects, created=created, fields=fields, using=using
    )


class _RuleView:
    """A rule seen without its ``watch_fields`` and create gate (already applied by the caller)."""

    def __init__(self, rule: InvalidationRule) -> None:
        self._rule = rule

    def __getattr__(self, name: str) -> Any:
        if name == "watch_fields":
            return None
        if name == "trigger_on_create":
            return True
        return getattr(self._rule, name)


def _without_watch(rules: list[InvalidationRule]) -> list[Any]:
    return [_RuleView(rule) for rule in rules]
