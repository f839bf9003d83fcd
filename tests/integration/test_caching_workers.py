"""Invalidation through real task queues: RQ, Celery and Dramatiq workers, django-q sync mode.

Each test caches a value in Redis, saves the model, checks the entry is
still there (the work went to the queue, not inline), runs a real worker
process on a queue named after this run, and checks the entry is gone.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.test import override_settings

from restflow.caching import CACHE_MISSING
from tests.support.services import ROOT

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True, scope="module")
def delete_restflow_keys_afterwards():
    yield
    from tests.cacheapp.redis_cleanup import delete_restflow_keys

    if "redis" in settings.CACHES:
        delete_restflow_keys()


def _environment(queue: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.cacheapp.worker_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
        "RESTFLOW_RUN_ID": str(settings.RUN_ID),
        "RESTFLOW_TEST_QUEUE": queue,
    }


def _wait_for_miss(wrapper, article_pk, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if wrapper.get_cache_only(article_pk) is CACHE_MISSING:
            return True
        time.sleep(0.1)
    return False


@contextlib.contextmanager
def _process(command: list[str], queue: str):
    process = subprocess.Popen(
        command, env=_environment(queue), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _delete_keys(*patterns: str) -> None:
    """Delete this run's own broker keys (unique queue names) from the machine's Redis."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for pattern in patterns:
        keys = list(client.scan_iter(match=pattern))
        if keys:
            client.delete(*keys)


def _cached_article(wrapper, dispatcher: str):
    from tests.cacheapp.models import Article

    article = Article.objects.create(title="before", body=dispatcher)
    wrapper.invalidate_all()
    assert wrapper(article.pk) == "before"
    article.title = "after"
    article.save()
    assert wrapper.get_cache_only(article.pk) == "before", "the rule ran inline, not in a worker"
    return article


def test_django_rq_worker_runs_the_invalidation():
    import django_rq

    from tests.cacheapp.cached import title_rq

    queue = f"restflow-rq-{settings.RUN_ID}-{uuid.uuid4().hex[:6]}"
    with override_settings(
        RQ_QUEUES={queue: {"URL": settings.REDIS_URL}},
        RESTFLOW_SETTINGS={
            "CACHE_SETTINGS": {"DISPATCHER_SETTINGS": {"django_rq": {"QUEUE": queue}}}
        },
    ):
        article = _cached_article(title_rq, "django_rq")
        rq_queue = django_rq.get_queue(queue)
        assert rq_queue.count == 1
        job_ids = list(rq_queue.job_ids)
        try:
            result = subprocess.run(
                [sys.executable, "-m", "django", "rqworker", queue, "--burst"],
                env=_environment(queue),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode == 0, result.stdout + result.stderr
            assert title_rq.get_cache_only(article.pk) is CACHE_MISSING, (
                result.stdout + result.stderr
            )
            assert title_rq(article.pk) == "after"
        finally:
            rq_queue.delete(delete_jobs=True)
            _delete_keys(f"rq:*:{queue}", *(f"rq:*:{job_id}" for job_id in job_ids))


def test_celery_worker_runs_the_invalidation():
    from tests.cacheapp.cached import title_celery
    from tests.cacheapp.celery_app import app

    queue = f"restflow-celery-{settings.RUN_ID}-{uuid.uuid4().hex[:6]}"
    app.conf.broker_url = settings.REDIS_URL
    app.set_current()
    with override_settings(
        RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"DISPATCHER_SETTINGS": {"celery": {"QUEUE": queue}}}}
    ):
        article = _cached_article(title_celery, "celery")
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.cacheapp.celery_app",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ]
        with _process(command, queue) as worker:
            invalidated = _wait_for_miss(title_celery, article.pk)
            if not invalidated:
                worker.terminate()
                output = worker.communicate(timeout=20)[0].decode(errors="replace")
                pytest.fail(f"the Celery worker did not run the rule:\n{output}")
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
        _delete_keys(f"_kombu.binding*.{queue}")
        assert title_celery(article.pk) == "after"


def test_dramatiq_worker_runs_the_invalidation(monkeypatch):
    from tests.cacheapp.cached import title_dramatiq

    queue = f"restflow-dramatiq-{settings.RUN_ID}-{uuid.uuid4().hex[:6]}"
    monkeypatch.setenv("RESTFLOW_RUN_ID", str(settings.RUN_ID))
    monkeypatch.setenv("RESTFLOW_TEST_QUEUE", queue)
    from tests.cacheapp import dramatiq_app

    with override_settings(
        RESTFLOW_SETTINGS={
            "CACHE_SETTINGS": {"DISPATCHER_SETTINGS": {"dramatiq": {"QUEUE": queue}}}
        }
    ):
        article = _cached_article(title_dramatiq, "dramatiq")
        command = [
            sys.executable,
            "-m",
            "dramatiq",
            "tests.cacheapp.dramatiq_app",
            "--processes",
            "1",
            "--threads",
            "1",
            "--queues",
            queue,
        ]
        with _process(command, queue) as worker:
            invalidated = _wait_for_miss(title_dramatiq, article.pk)
            if not invalidated:
                worker.terminate()
                output = worker.communicate(timeout=20)[0].decode(errors="replace")
                pytest.fail(f"the Dramatiq worker did not run the rule:\n{output}")
        dramatiq_app.broker.flush(queue)
        _delete_keys(f"{dramatiq_app.broker.namespace}:*")
        assert title_dramatiq(article.pk) == "after"


def test_django_q_sync_mode_runs_the_invalidation(monkeypatch):
    # django-q2 reads Q_CLUSTER when django_q.conf is imported, so the
    # options of this test are set on its Conf class.
    installed = [*settings.INSTALLED_APPS, "django_q"]
    with override_settings(INSTALLED_APPS=installed):
        from django_q.conf import Conf

        from tests.cacheapp.cached import title_django_q
        from tests.cacheapp.models import Article

        monkeypatch.setattr(Conf, "ORM", "default")
        monkeypatch.setattr(Conf, "SYNC", True)
        monkeypatch.setattr(Conf, "SAVE_LIMIT", -1)
        article = Article.objects.create(title="before", body="django_q")
        assert title_django_q(article.pk) == "before"
        article.title = "after"
        article.save()
        assert title_django_q.get_cache_only(article.pk) is CACHE_MISSING
        assert title_django_q(article.pk) == "after"


def test_broker_down_falls_back_to_inline_with_a_warning(private_redis, caplog):
    import logging

    from tests.cacheapp.cached import title_rq

    queue = f"restflow-rq-down-{settings.RUN_ID}"
    with override_settings(
        RQ_QUEUES={queue: {"URL": private_redis.url, "SOCKET_CONNECT_TIMEOUT": 0.5}},
        RESTFLOW_SETTINGS={
            "CACHE_SETTINGS": {"DISPATCHER_SETTINGS": {"django_rq": {"QUEUE": queue}}}
        },
    ):
        from tests.cacheapp.models import Article

        article = Article.objects.create(title="before", body="django_rq")
        title_rq.invalidate_all()
        assert title_rq(article.pk) == "before"
        private_redis.stop()
        article.title = "after"
        with caplog.at_level(logging.WARNING, logger="restflow.caching"):
            article.save()
        assert title_rq.get_cache_only(article.pk) is CACHE_MISSING
        assert any(
            "django_rq" in record.getMessage() and "inline" in record.getMessage()
            for record in caplog.records
        )
