"""The restflow_cache management command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from restflow.caching import CACHE_MISSING, ArgsKeyField, KeyConstructor, cache_result


class CatalogKey(KeyConstructor):
    item = ArgsKeyField("item_id")

    class Meta:
        namespace = "catalog list"


class OtherKey(KeyConstructor):
    item = ArgsKeyField("item_id")

    class Meta:
        namespace = "other"


def _pair():
    @cache_result(CatalogKey)
    def listed(item_id):
        return item_id

    @cache_result(OtherKey)
    def other(item_id):
        return item_id

    listed(1)
    other(1)
    return listed, other


def run(*args: str) -> str:
    out = StringIO()
    call_command("restflow_cache", *args, stdout=out)
    return out.getvalue()


def test_wipe_namespace_leaves_other_namespaces():
    listed, other = _pair()
    output = run("wipe", "--namespace", "catalog list")
    assert "Wiped namespace 'catalog list'" in output
    assert listed.get_cache_only(1) is CACHE_MISSING
    assert other.get_cache_only(1) == 1


def test_wipe_all():
    listed, other = _pair()
    run("wipe", "--all")
    assert listed.get_cache_only(1) is CACHE_MISSING
    assert other.get_cache_only(1) is CACHE_MISSING


def test_wipe_needs_a_target():
    with pytest.raises(CommandError):
        run("wipe")


def test_reclaim_on_local_memory_says_it_cannot_list_keys():
    _pair()
    assert "cannot list keys" in run("wipe", "--all", "--reclaim")


def test_stats_on_local_memory():
    output = run("stats")
    assert "'django' adapter" in output
    assert "cannot list keys" in output
    assert "invalidation rules:" in output


def test_unknown_cache_alias():
    with pytest.raises(CommandError, match="not in CACHES"):
        run("--cache", "missing", "stats")


@pytest.mark.redis
@override_settings(
    RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"BACKEND": "redis", "CACHE_ALIAS": "redis"}}
)
def test_stats_on_redis_counts_entries():
    @cache_result(CatalogKey)
    def listed(item_id):
        return item_id

    listed(1)
    output = run("stats")
    assert "restflow entries:" in output
    assert "server hit ratio" in output
    run("wipe", "--all")
    assert "restflow entries: 0" in run("stats")
