"""Dispatchers: registry, in-process runners and the fallback when enqueueing fails."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid

import pytest
from asgiref.sync import sync_to_async

from restflow.caching import (
    CACHE_MISSING,
    InvalidationRule,
    cache_result,
    register_dispatcher,
    registered_dispatcher_names,
)
from restflow.caching.dispatchers import resolve
from restflow.caching.dispatchers.base import Dispatcher, InvalidationJob
from restflow.caching.dispatchers.threadpool import ThreadPoolDispatcher
from restflow.registry import DISPATCHERS, ComponentError

pytestmark = pytest.mark.django_db(transaction=True)

sent: list[InvalidationJob] = []


class RecordingDispatcher(Dispatcher):
    name = "recording_for_tests"

    def enqueue(self, job):
        sent.append(job)


class BrokenDispatcher(Dispatcher):
    name = "broken_for_tests"

    def enqueue(self, job):
        raise ConnectionError("broker is down")


@pytest.fixture(autouse=True)
def test_dispatchers():
    register_dispatcher(RecordingDispatcher)
    register_dispatcher(BrokenDispatcher)
    sent.clear()
    yield
    DISPATCHERS.unregister(RecordingDispatcher.name)
    DISPATCHERS.unregister(BrokenDispatcher.name)


def article_cache(dispatcher):
    from tests.cacheapp.models import Article

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(
                model=Article, field_mapping={"article_id": "pk"}, dispatcher=dispatcher
            )
        ],
    )
    def title(article_id):
        return Article.objects.get(pk=article_id).title

    return title


def test_built_in_names_are_registered():
    names = registered_dispatcher_names()
    for name in ("inline", "threadpool", "asyncio", "celery", "django_rq", "django_q", "dramatiq"):
        assert name in names


def test_register_rejects_non_dispatchers():
    with pytest.raises(TypeError):
        register_dispatcher(object)

    class Nameless(Dispatcher):
        def enqueue(self, job):
            pass

    with pytest.raises(ValueError, match="name"):
        register_dispatcher(Nameless)


def test_resolve_unknown_names_lists_the_registered_ones():
    with pytest.raises(ComponentError, match="inline"):
        resolve("nope")


def test_payload_is_json_with_a_stable_rule_id_and_no_instance():
    from tests.cacheapp.models import Article

    title = article_cache("recording_for_tests")
    article = Article.objects.create(title="first")
    article.title = "second"
    article.save()
    assert len(sent) == 1
    job = sent[0]
    wire = json.loads(
        json.dumps(
            {"rule_ids": job.rule_ids, "rule_kwargs": job.rule_kwargs, "context": job.context}
        )
    )
    assert wire["context"]["model_label"] == "cacheapp.Article"
    assert wire["context"]["pk"] == {"__rf__": "uuid", "v": str(article.pk)}
    assert wire["rule_kwargs"][job.rule_ids[0]] == {
        "article_id": {"__rf__": "uuid", "v": str(article.pk)}
    }
    assert wire["context"]["modules"] == [title.func.__module__]
    rule = title.invalidates_on[0]
    assert job.rule_ids == [rule.rule_id]


def test_rule_ids_depend_on_function_and_content_not_order():
    from tests.cacheapp.models import Article

    def declare(mapping_first):
        @cache_result(
            ttl=60,
            invalidates_on=[
                InvalidationRule(model=Article, field_mapping={"article_id": "pk"}),
                InvalidationRule(model="cacheapp.Tag", field_mapping={}),
            ][:: 1 if mapping_first else -1],
        )
        def title(article_id):
            return article_id

        return sorted(rule.rule_id for rule in title.invalidates_on)

    assert declare(True) == declare(False)
    other = InvalidationRule(model=Article, field_mapping={"article_id": "id"})

    @cache_result(ttl=60, invalidates_on=[other])
    def title(article_id):
        return article_id

    assert other.rule_id not in declare(True)


def test_worker_rebuilds_typed_arguments():
    from tests.cacheapp.models import Article

    title = article_cache("recording_for_tests")
    article = Article.objects.create(title="typed")
    assert title(article.pk) == "typed"
    article.save()
    job = sent[0]
    # As a worker would: only the JSON form crosses the process boundary.
    wire = json.loads(
        json.dumps(
            {"rule_ids": job.rule_ids, "rule_kwargs": job.rule_kwargs, "context": job.context}
        )
    )
    from restflow.caching.tasks import run_cache_rules

    run_cache_rules(wire["rule_ids"], wire["rule_kwargs"], context=wire["context"])
    assert title.get_cache_only(article.pk) is CACHE_MISSING


def test_failed_enqueue_runs_inline_and_warns(caplog):
    from tests.cacheapp.models import Article

    title = article_cache("broken_for_tests")
    article = Article.objects.create(title="x")
    title(article.pk)
    with caplog.at_level(logging.WARNING, logger="restflow.caching"):
        article.save()
    assert title.get_cache_only(article.pk) is CACHE_MISSING
    messages = [
        record.getMessage() for record in caplog.records if record.levelno == logging.WARNING
    ]
    assert any("broken_for_tests" in message and "inline" in message for message in messages)


def test_unknown_rule_ids_are_logged_not_raised(caplog):
    from restflow.caching.tasks import run_cache_rules

    with caplog.at_level(logging.WARNING, logger="restflow.caching"):
        run_cache_rules(["0" * 20], {})
    assert any("not registered" in record.getMessage() for record in caplog.records)


def test_threadpool_runs_on_a_named_thread():
    from tests.cacheapp.models import Article

    title = article_cache("threadpool")
    article = Article.objects.create(title="pool")
    title(article.pk)
    names = []
    original = InvalidationJob.run

    def recording_run(job):
        names.append(threading.current_thread().name)
        original(job)

    InvalidationJob.run = recording_run
    try:
        article.save()
        deadline = time.monotonic() + 10
        while title.get_cache_only(article.pk) is not CACHE_MISSING and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        InvalidationJob.run = original
    assert title.get_cache_only(article.pk) is CACHE_MISSING
    assert names and names[0].startswith("restflow-cache")


def test_threadpool_rejects_bad_sizes():
    with pytest.raises(ValueError, match="max_workers"):
        ThreadPoolDispatcher(max_workers=0)


def test_asyncio_without_a_loop_runs_inline():
    from tests.cacheapp.models import Article

    title = article_cache("asyncio")
    article = Article.objects.create(title="loopless")
    title(article.pk)
    article.save()
    assert title.get_cache_only(article.pk) is CACHE_MISSING


async def test_asyncio_schedules_on_the_serving_loop():
    from tests.cacheapp.models import Article

    title = article_cache("asyncio")
    article = await Article.objects.acreate(title="looped")
    await sync_to_async(title)(article.pk)
    loop = asyncio.get_running_loop()
    seen = []
    original = InvalidationJob.arun

    async def recording(job):
        seen.append(asyncio.get_running_loop())
        await original(job)

    InvalidationJob.arun = recording
    try:
        await sync_to_async(article.save)()
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.01)
        for _ in range(200):
            if await title.aget_cache_only(article.pk) is CACHE_MISSING:
                break
            await asyncio.sleep(0.01)
    finally:
        InvalidationJob.arun = original
    assert seen == [loop]
    assert await title.aget_cache_only(article.pk) is CACHE_MISSING


def test_uuid_primary_keys_survive_the_payload():
    from restflow.caching.payload import from_json_safe, to_json_safe

    value = {"id": uuid.uuid4(), "items": (1, "1"), "when": None}
    assert from_json_safe(json.loads(json.dumps(to_json_safe(value)))) == value
