"""Celery and Dramatiq set up on the harness's broker, and one cached function for each.

Imported by the harness's URLs. Both brokers point at ``FAULTS_BROKER_URL``
(the harness's second redis-server); the tests stop that server and check
that the invalidation runs inline instead.
"""

from __future__ import annotations

import os

import dramatiq
from catalog.models import Category
from celery import Celery
from dramatiq.brokers.redis import RedisBroker

from restflow.caching import ArgsKeyField, InvalidationRule, KeyConstructor, cache_result

__all__ = ["celery_app", "celery_label", "dramatiq_label"]

BROKER_URL = os.environ.get("FAULTS_BROKER_URL", "redis://127.0.0.1:1/0")

celery_app = Celery("restflow_faults", broker=BROKER_URL)
celery_app.conf.task_serializer = "json"
celery_app.conf.accept_content = ["json"]
celery_app.conf.worker_enable_remote_control = False
celery_app.set_default()

dramatiq.set_broker(RedisBroker(url=BROKER_URL))


class LabelKey(KeyConstructor):
    category_id = ArgsKeyField("category_id", partition=True)

    class Meta:
        namespace = "faults-labels"


def _label(category_id: int) -> str:
    return Category.objects.values_list("name", flat=True).get(pk=category_id)


def _rule(dispatcher: str) -> InvalidationRule:
    return InvalidationRule(
        model="catalog.Category", field_mapping={"category_id": "pk"}, dispatcher=dispatcher
    )


@cache_result(LabelKey, ttl=300, invalidates_on=[_rule("celery")])
def celery_label(category_id: int) -> str:
    return _label(category_id)


@cache_result(LabelKey, ttl=300, invalidates_on=[_rule("dramatiq")])
def dramatiq_label(category_id: int) -> str:
    return _label(category_id)
