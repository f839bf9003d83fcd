"""``manage.py delete_expired_blacklist``: remove blacklist records of expired tokens."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from restflow.authentication.errors import BlacklistStoreError
from restflow.authentication.revocation import get_blacklist_backend

__all__ = ["Command"]


class Command(BaseCommand):
    help = (
        "Delete blacklist records whose token has expired from the configured JWT blacklist "
        "store. Stores that expire records themselves (cache, redis) report 0."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_blacklist_backend()
        try:
            deleted = backend.delete_expired()
        except BlacklistStoreError as exc:
            raise CommandError(f"The JWT blacklist store could not be cleaned: {exc}") from exc
        self.stdout.write(
            f"Deleted {deleted} expired blacklist record(s) from {type(backend).__name__}."
        )
