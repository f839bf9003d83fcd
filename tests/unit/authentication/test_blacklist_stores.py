"""Blacklist stores: the cache, model and redis stores, sync and async, and their failures."""

from __future__ import annotations

import time

import pytest
from django.test import override_settings

from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.blacklist.cache import CacheBlacklistBackend
from restflow.authentication.blacklist.model import ModelBlacklistBackend
from restflow.authentication.blacklist.redis import RedisBlacklistBackend
from restflow.authentication.errors import BlacklistStoreError
from restflow.authentication.models import BlacklistedToken
from restflow.authentication.revocation import get_blacklist_backend
from tests.support.services import free_port
from tests.unit.authentication.conftest import run, unique_prefix


def later(seconds: int = 300) -> int:
    return int(time.time()) + seconds


def exercise_sync(store: BlacklistBackend, name: str) -> None:
    jti = f"{name}-sync-{time.monotonic_ns()}"
    assert store.is_blacklisted(jti) is False
    assert store.blacklist(jti, expires_at=later()) is True
    assert store.blacklist(jti, expires_at=later()) is False
    assert store.is_blacklisted(jti) is True
    assert store.any_blacklisted(["unknown", jti]) is True
    assert store.any_blacklisted(["unknown", ""]) is False
    assert store.any_blacklisted([]) is False


def exercise_async(store: BlacklistBackend, name: str) -> None:
    jti = f"{name}-async-{time.monotonic_ns()}"

    async def scenario():
        assert await store.ais_blacklisted(jti) is False
        assert await store.ablacklist(jti, expires_at=later()) is True
        assert await store.ablacklist(jti, expires_at=later()) is False
        assert await store.ais_blacklisted(jti) is True
        assert await store.aany_blacklisted(["unknown", jti]) is True
        assert await store.aany_blacklisted(["unknown"]) is False

    run(scenario)
    # Both paths see the same records.
    assert store.is_blacklisted(jti) is True


def test_cache_store_sync(jwt_settings):
    exercise_sync(CacheBlacklistBackend(), "cache")


def test_cache_store_async(jwt_settings):
    exercise_async(CacheBlacklistBackend(), "cache")


def test_cache_store_expires_with_token(jwt_settings):
    store = CacheBlacklistBackend()
    store.blacklist("short-lived", expires_at=int(time.time()) + 1)
    assert store.is_blacklisted("short-lived")
    time.sleep(2.1)
    assert store.is_blacklisted("short-lived") is False


def test_cache_store_on_locmem_logs_once(jwt_settings, caplog):
    jwt_settings(BLACKLIST_ALLOW_LOCMEM=False)
    store = CacheBlacklistBackend()
    with caplog.at_level("WARNING", logger="restflow.authentication"):
        store.blacklist("a", expires_at=later())
        store.is_blacklisted("a")
    warnings = [r for r in caplog.records if "process-local" in r.getMessage()]
    assert len(warnings) == 1
    # It still works: the default test setup needs no extra configuration.
    assert store.is_blacklisted("a")


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_cache_store_refuses_dummy_cache(jwt_settings):
    with pytest.raises(BlacklistStoreError, match="DummyCache"):
        CacheBlacklistBackend().blacklist("a", expires_at=later())


@pytest.mark.django_db
def test_model_store_sync(jwt_settings):
    exercise_sync(ModelBlacklistBackend(), "model")


@pytest.mark.django_db
def test_model_store_async(jwt_settings):
    exercise_async(ModelBlacklistBackend(), "model")


@pytest.mark.django_db
def test_model_store_delete_expired(jwt_settings):
    store = ModelBlacklistBackend()
    store.blacklist("gone", expires_at=int(time.time()) - 10)
    store.blacklist("kept", expires_at=later())
    assert store.delete_expired() == 1
    assert list(BlacklistedToken.objects.values_list("jti", flat=True)) == ["kept"]
    store.blacklist("gone-too", expires_at=int(time.time()) - 10)
    assert run(store.adelete_expired) == 1


@pytest.mark.redis
def test_redis_store_sync(jwt_settings, redis_url):
    exercise_sync(RedisBlacklistBackend(redis_url, key_prefix=unique_prefix("bl")), "redis")


@pytest.mark.redis
def test_redis_store_async(jwt_settings, redis_url):
    exercise_async(RedisBlacklistBackend(redis_url, key_prefix=unique_prefix("bl")), "redis")


@pytest.mark.redis
def test_redis_store_sets_ttl(jwt_settings, redis_url):
    import redis

    store = RedisBlacklistBackend(redis_url, key_prefix=unique_prefix("ttl"))
    store.blacklist("ttl-check", expires_at=int(time.time()) + 120)
    ttl = redis.Redis.from_url(redis_url).ttl(store.key("ttl-check"))
    assert 100 < ttl <= 120


@pytest.mark.redis
def test_redis_store_from_cache_alias(jwt_settings, settings):
    jwt_settings(BLACKLIST_BACKEND="redis", BLACKLIST_CACHE_ALIAS="redis")
    store = get_blacklist_backend()
    assert isinstance(store, RedisBlacklistBackend)
    prefix = settings.CACHES["redis"]["KEY_PREFIX"]
    assert store.key("x") == f"{prefix}:restflow:jwt:bl:x"
    exercise_sync(store, "redis-alias")


def test_redis_store_needs_a_url(jwt_settings):
    jwt_settings(BLACKLIST_BACKEND="redis")
    with pytest.raises(BlacklistStoreError, match="BLACKLIST_REDIS_URL"):
        get_blacklist_backend().blacklist("a", expires_at=later())


def test_redis_store_stopped_server(jwt_settings, private_redis):
    store = RedisBlacklistBackend(private_redis.url, socket_timeout=0.3)
    assert store.blacklist("before", expires_at=later()) is True
    private_redis.stop()
    with pytest.raises(BlacklistStoreError):
        store.is_blacklisted("before")
    with pytest.raises(BlacklistStoreError):
        run(store.ais_blacklisted, "before")


def test_unreachable_redis_raises_store_error(jwt_settings):
    store = RedisBlacklistBackend(f"redis://127.0.0.1:{free_port()}/0", socket_timeout=0.2)
    with pytest.raises(BlacklistStoreError):
        store.blacklist("a", expires_at=later())
    with pytest.raises(BlacklistStoreError):
        run(store.aany_blacklisted, ["a"])


def test_backend_setting_accepts_names_paths_classes_instances(jwt_settings):
    for spec, expected in [
        ("cache", CacheBlacklistBackend),
        ("model", ModelBlacklistBackend),
        ("restflow.authentication.blacklist.cache.CacheBlacklistBackend", CacheBlacklistBackend),
        (ModelBlacklistBackend, ModelBlacklistBackend),
    ]:
        jwt_settings(BLACKLIST_BACKEND=spec)
        assert type(get_blacklist_backend()) is expected
    instance = CacheBlacklistBackend(alias="default")
    jwt_settings(BLACKLIST_BACKEND=instance)
    assert get_blacklist_backend() is instance


class AsyncOnlyStore(BlacklistBackend):
    """A custom store that implements only the async side."""

    def __init__(self) -> None:
        self.records: set[str] = set()

    async def ablacklist(self, jti, *, expires_at):
        added = jti not in self.records
        self.records.add(jti)
        return added

    async def ais_blacklisted(self, jti):
        return jti in self.records


class SyncOnlyStore(BlacklistBackend):
    """A custom store that implements only the sync side."""

    def __init__(self) -> None:
        self.records: set[str] = set()

    def blacklist(self, jti, *, expires_at):
        added = jti not in self.records
        self.records.add(jti)
        return added

    def is_blacklisted(self, jti):
        return jti in self.records


def test_custom_async_only_store_works_sync(jwt_settings):
    exercise_sync(AsyncOnlyStore(), "custom")


def test_custom_sync_only_store_works_async(jwt_settings):
    exercise_async(SyncOnlyStore(), "custom")


def test_store_with_nothing_implemented():
    with pytest.raises(NotImplementedError, match="blacklist"):
        BlacklistBackend().blacklist("a", expires_at=later())
