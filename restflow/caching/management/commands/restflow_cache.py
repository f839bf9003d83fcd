"""``manage.py restflow_cache``: wipe restflow's cache entries and show cache statistics."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

__all__ = ["Command"]


class Command(BaseCommand):
    help = (
        "Wipe restflow cache entries (a namespace, or everything restflow stored) or show "
        "statistics. Wipes are O(1) on every cache; the redis adapter also deletes the keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cache",
            default=None,
            help="Django cache alias (default: CACHE_SETTINGS.CACHE_ALIAS).",
        )
        actions = parser.add_subparsers(dest="action", required=True)
        wipe = actions.add_parser("wipe", help="Make entries unreachable.")
        target = wipe.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--namespace", help="Key constructor namespace to wipe (Meta.namespace)."
        )
        target.add_argument("--all", action="store_true", help="Wipe every restflow entry.")
        wipe.add_argument(
            "--reclaim",
            action="store_true",
            help="Also delete the wiped keys now, where the adapter can list keys (redis).",
        )
        actions.add_parser("stats", help="Show entry counts, hit ratio and invalidation rules.")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.cache import caches
        from django.core.cache.backends.base import InvalidCacheBackendError

        from restflow.caching.backends import get_backend

        try:
            backend = get_backend(options["cache"])
            caches[backend.alias]
        except InvalidCacheBackendError as exc:
            raise CommandError(f"Cache {options['cache']!r} is not in CACHES ({exc}).") from exc
        if options["action"] == "wipe":
            self._wipe(backend, options)
        else:
            self._stats(backend)

    def _wipe(self, backend: Any, options: dict[str, Any]) -> None:
        from restflow.caching.encoding import encode_text
        from restflow.caching.key_constructor import MAX_NAMESPACE_LENGTH, _bounded

        if options["all"]:
            prefix, label = "rf", "every restflow entry"
        else:
            name = options["namespace"]
            if not name:
                raise CommandError("--namespace needs a non-empty name, e.g. --namespace products.")
            prefix = f"rf:{_bounded(encode_text(name), MAX_NAMESPACE_LENGTH)}"
            label = f"namespace {name!r}"
        backend.wipe_prefix(prefix)
        self.stdout.write(self.style.SUCCESS(f"Wiped {label} in cache {backend.alias!r}."))
        if options["reclaim"]:
            if not backend.supports_reclaim:
                self.stdout.write(
                    f"The {backend.name!r} adapter cannot list keys; the wiped entries expire "
                    "by their TTL."
                )
            elif not getattr(backend, "reclaim_on_wipe", False):
                deleted = backend.reclaim(prefix)
                self.stdout.write(f"Deleted {deleted} stored entries.")

    def _stats(self, backend: Any) -> None:
        from restflow.caching.registry import CacheRegister

        stats = backend.stats()
        self.stdout.write(f"Cache {backend.alias!r} through the {stats['backend']!r} adapter")
        if "keys" in stats:
            self.stdout.write(f"  restflow entries: {stats['keys']}")
        else:
            self.stdout.write("  restflow entries: unknown (this cache cannot list keys)")
        ratio = stats.get("server_hit_ratio")
        if ratio is not None:
            self.stdout.write(
                f"  server hit ratio: {ratio:.1%} ({stats['server_hits']} hits, "
                f"{stats['server_misses']} misses, whole Redis server)"
            )
        else:
            self.stdout.write("  hit ratio: not reported by this cache")
        status = CacheRegister.get_status()
        rules = sum(len(entries) for entries in status["models"].values())
        self.stdout.write(f"  invalidation rules: {rules} on {len(status['models'])} model(s)")
        for label, entries in status["models"].items():
            functions = sorted({entry["function"] for entry in entries})
            self.stdout.write(f"    {label}: {', '.join(functions)}")
