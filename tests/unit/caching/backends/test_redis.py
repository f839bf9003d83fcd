"""The redis adapter: generation wipes plus SCAN/UNLINK of the wiped keys."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import caches
from django.test import override_settings

from restflow.caching import CACHE_MISSING, ArgsKeyField, KeyConstructor, cache_result
from restflow.caching.backends import get_backend
from restflow.caching.backends.redis import RedisCacheBackend

pytestmark = pytest.mark.redis

REDIS_ADAPTER = {"CACHE_SETTINGS": {"BACKEND": "redis", "CACHE_ALIAS": "redis"}}


class TeamKey(KeyConstructor):
    team = ArgsKeyField("team_id", partition=True)
    member = ArgsKeyField("member_id")

    class Meta:
        namespace = "teams-redis"


def _count(pattern_prefix: str) -> int:
    cache = caches["redis"]
    client = cache.client.get_client(write=False)
    return sum(1 for _ in client.scan_iter(match=cache.client.make_pattern(pattern_prefix + ":*")))


@override_settings(RESTFLOW_SETTINGS=REDIS_ADAPTER)
def test_wipe_deletes_the_partition_keys():
    @cache_result(TeamKey, ttl=60)
    def member(team_id, member_id):
        return member_id

    member.invalidate_all()
    for team in (1, 2):
        for person in range(5):
            member(team, person)
    assert isinstance(member.backend, RedisCacheBackend)
    team_one = member.build_scope((), {"team_id": 1}).prefix
    team_two = member.build_scope((), {"team_id": 2}).prefix
    assert _count(team_one) == 5
    member.delete_by_prefix(team_id=1)
    assert _count(team_one) == 0
    assert _count(team_two) == 5
    assert member.get_cache_only(2, 3) == 3
    assert member.get_cache_only(1, 3) is CACHE_MISSING
    member.invalidate_all()
    assert _count(team_two) == 0


@override_settings(RESTFLOW_SETTINGS=REDIS_ADAPTER)
async def test_wipe_deletes_the_partition_keys_async():
    @cache_result(TeamKey, ttl=60)
    async def member(team_id, member_id):
        return member_id

    await member.ainvalidate_all()
    await member(3, 1)
    prefix = member.build_scope((), {"team_id": 3}).prefix
    assert _count(prefix) == 1
    await member.adelete_by_prefix(team_id=3)
    assert _count(prefix) == 0


@override_settings(RESTFLOW_SETTINGS=REDIS_ADAPTER)
def test_stats_count_restflow_keys():
    @cache_result(TeamKey, ttl=60)
    def member(team_id, member_id):
        return member_id

    member(9, 9)
    stats = get_backend().stats()
    assert stats["backend"] == "redis"
    assert stats["keys"] >= 1


@override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"BACKEND": "redis"}})
def test_redis_adapter_on_a_non_redis_cache_says_so():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="django-redis"):
        get_backend("default").reclaim("rf")


def test_cache_outage_serves_computed_values_and_logs_once(private_redis, caplog):
    config = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "flaky": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
    }
    with override_settings(CACHES=config):
        calls = []

        @cache_result(ttl=60, cache_alias="flaky")
        def load(value):
            calls.append(value)
            return value

        assert load(1) == 1
        assert load(1) == 1
        assert calls == [1]
        private_redis.stop()
        with caplog.at_level(logging.WARNING, logger="restflow.caching"):
            assert load(1) == 1
            assert load(2) == 2
        warnings = [r for r in caplog.records if "failed to" in r.getMessage()]
        assert len(warnings) == 1
        assert "flaky" in warnings[0].getMessage()


@override_settings(RESTFLOW_SETTINGS=REDIS_ADAPTER)
def test_delete_previous_versions_frees_old_entries():
    class VersionOne(KeyConstructor):
        member = ArgsKeyField("member_id")

        class Meta:
            namespace = "versions-redis"
            version = 1

    class VersionTwo(VersionOne):
        class Meta:
            version = 2

    @cache_result(VersionOne, ttl=60)
    def old(member_id):
        return member_id

    @cache_result(VersionTwo, ttl=60)
    def new(member_id):
        return member_id

    old(1)
    old(2)
    new(1)
    assert VersionTwo.delete_previous_versions() == 2
    assert old.get_cache_only(1) is CACHE_MISSING
    assert new.get_cache_only(1) == 1
