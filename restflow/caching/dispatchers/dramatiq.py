"""``DramatiqDispatcher``: send invalidation jobs to a Dramatiq actor."""

from __future__ import annotations

import threading
from typing import Any

from restflow.caching.dispatchers.base import Dispatcher, InvalidationJob, missing_package

__all__ = ["DramatiqDispatcher", "register_actor"]

DEFAULT_ACTOR_NAME = "restflow.task_run_cache_rules"

_actors: dict[str, Any] = {}
_lock = threading.Lock()


def _run(
    rule_ids: list[str], rule_kwargs: dict[str, Any], context: dict[str, Any] | None = None
) -> None:
    from restflow.caching.tasks import run_cache_rules

    run_cache_rules(rule_ids, rule_kwargs, dispatcher_name="dramatiq", context=context)


def register_actor(actor_name: str = DEFAULT_ACTOR_NAME, queue_name: str = "default") -> Any:
    """Declare (once per name) the actor that runs cache rules on the current broker.

    Call it in worker processes, e.g. from the module given to the
    ``dramatiq`` command. Each actor name gets its own actor.
    """
    try:
        import dramatiq
    except ImportError as exc:
        raise missing_package("dramatiq", "dramatiq", exc) from exc
    # One actor per broker and name: a broker set later (dramatiq.set_broker)
    # gets its own actor instead of silently reusing one bound to the old broker.
    broker = dramatiq.get_broker()
    key = f"{id(broker)}:{actor_name}"
    with _lock:
        actor = _actors.get(key)
        if actor is None or actor.broker is not broker:
            declare = dramatiq.actor(actor_name=actor_name, queue_name=queue_name, broker=broker)
            actor = declare(_run)
            _actors[key] = actor
        return actor


class DramatiqDispatcher(Dispatcher):
    """Send the job to the actor ``actor_name`` (``ACTOR_NAME``) on ``queue`` (``QUEUE``)."""

    name = "dramatiq"
    cross_process = True
    extra = "dramatiq"
    requires = "dramatiq"

    def __init__(self, **config: Any) -> None:
        try:
            import dramatiq  # noqa: F401
        except ImportError as exc:
            raise missing_package("dramatiq", "dramatiq", exc) from exc
        super().__init__(**config)

    @property
    def queue(self) -> str:
        return str(self.option("queue", "default"))

    @property
    def actor_name(self) -> str:
        return str(self.option("actor_name", DEFAULT_ACTOR_NAME))

    def batch_key(self) -> tuple[Any, ...]:
        return (type(self), self.queue, self.actor_name)

    def enqueue(self, job: InvalidationJob) -> None:
        actor = register_actor(self.actor_name, self.queue)
        message = actor.message_with_options(
            args=(job.rule_ids, job.rule_kwargs), kwargs={"context": job.context}
        )
        # The actor's queue is fixed when it is declared; a rule may name another.
        actor.broker.enqueue(message.copy(queue_name=self.queue))
