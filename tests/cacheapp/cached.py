"""Cached functions whose invalidation runs in task-queue workers (one per dispatcher).

Worker processes import this module (its name travels in the task
payload), so the rule ids they compute match the ones sent here.
"""

from __future__ import annotations

from restflow.caching import InvalidationRule, cache_result


def _rule(dispatcher: str) -> list[InvalidationRule]:
    return [
        InvalidationRule(
            model="cacheapp.Article",
            field_mapping={"article_id": "pk"},
            dispatcher=dispatcher,
            # Each test's articles name their dispatcher, so a save reaches one queue only.
            invalidate_when={"body": dispatcher},
        )
    ]


def _title(article_id):
    from tests.cacheapp.models import Article

    return Article.objects.get(pk=article_id).title


@cache_result(ttl=300, cache_alias="redis", invalidates_on=_rule("django_rq"))
def title_rq(article_id):
    return _title(article_id)


@cache_result(ttl=300, cache_alias="redis", invalidates_on=_rule("celery"))
def title_celery(article_id):
    return _title(article_id)


@cache_result(ttl=300, cache_alias="redis", invalidates_on=_rule("dramatiq"))
def title_dramatiq(article_id):
    return _title(article_id)


@cache_result(ttl=300, invalidates_on=_rule("django_q"))
def title_django_q(article_id):
    return _title(article_id)


@cache_result(ttl=300, cache_alias="redis")
def slow_counted(token):
    """Count calls in the shared cache, then take long enough for others to pile up."""
    import time

    from django.core.cache import caches

    cache = caches["redis"]
    cache.add(f"calls-{token}", 0, timeout=300)
    cache.incr(f"calls-{token}")
    time.sleep(0.5)
    return f"computed-{token}"
