"""The django adapter: generation wipes on any Django cache."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import override_settings

from restflow.caching import CACHE_MISSING, ArgsKeyField, KeyConstructor, cache_result
from restflow.caching.backends import get_backend
from restflow.caching.backends.base import generation_key
from restflow.caching.backends.django import DjangoCacheBackend


class ShopKey(KeyConstructor):
    shop = ArgsKeyField("shop_id", partition=True)
    item = ArgsKeyField("item_id")

    class Meta:
        namespace = "shops"


def _cached():
    @cache_result(ShopKey, ttl=60)
    def item(shop_id, item_id):
        return f"{shop_id}/{item_id}"

    return item


@pytest.mark.parametrize("kind", ["locmem", "file"])
def test_partition_wipe_works_on_caches_without_pattern_delete(kind, tmp_path):
    if kind == "locmem":
        config = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wipe"}
    else:
        config = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    with override_settings(CACHES={"default": config}):
        caches["default"].clear()
        item = _cached()
        for shop in (1, 2):
            item(shop, 10)
        assert not hasattr(caches["default"], "delete_pattern")
        item.delete_by_prefix(shop_id=1)
        assert item.get_cache_only(1, 10) is CACHE_MISSING
        assert item.get_cache_only(2, 10) == "2/10"


def test_adapter_is_resolved_from_settings():
    assert isinstance(get_backend(), DjangoCacheBackend)
    with override_settings(RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"BACKEND": "django"}}):
        assert get_backend("default").alias == "default"


def test_evicted_generation_never_revives_old_entries():
    item = _cached()
    item(1, 10)
    key = item.build_key((1, 10), {})
    old_raw = item.get_cache_key(1, 10)
    # The cache evicts every generation number; new ones must not equal the old.
    for scope in key.scopes:
        caches["default"].delete(generation_key(scope))
    assert item.get_cache_key(1, 10) != old_raw
    assert item.get_cache_only(1, 10) is CACHE_MISSING


def test_namespace_wipe_reaches_every_function_in_it():
    item = _cached()

    @cache_result(ShopKey, ttl=60)
    def other(shop_id, item_id):
        return "other"

    item(1, 1)
    other(1, 1)
    get_backend().wipe_prefix("rf:shops")
    assert item.get_cache_only(1, 1) is CACHE_MISSING
    assert other.get_cache_only(1, 1) is CACHE_MISSING


def test_process_local_detection():
    assert get_backend().is_process_local
