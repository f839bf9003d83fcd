"""Delete the restflow keys a test run wrote to the machine's Redis (its own key prefix only)."""

from __future__ import annotations

from django.core.cache import caches


def delete_restflow_keys(alias: str = "redis") -> int:
    """Delete the entry, generation and lock keys (``rf:``, ``rfg:``, ``rfl:``) of ``alias``.

    The cache's ``KEY_PREFIX`` carries the run id, so keys of other runs
    and of the machine's own users are never matched.
    """
    cache = caches[alias]
    client = cache.client.get_client(write=True)
    deleted = 0
    for root in ("rf:*", "rfg:*", "rfl:*"):
        keys = list(client.scan_iter(match=cache.client.make_pattern(root), count=1000))
        for start in range(0, len(keys), 500):
            deleted += int(client.unlink(*keys[start : start + 500]))
    return deleted
