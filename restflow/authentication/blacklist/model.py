"""Blacklist store on the ``BlacklistedToken`` table (needs the ``restflow.authentication`` app)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from django.db import DatabaseError

from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.errors import BlacklistStoreError

__all__ = ["ModelBlacklistBackend"]


def _model():  # type: ignore[no-untyped-def]
    # Imported on use: this module is importable before the app registry is ready.
    from restflow.authentication.models import BlacklistedToken

    return BlacklistedToken


def _when(expires_at: int) -> datetime:
    return datetime.fromtimestamp(expires_at, tz=timezone.utc)


class ModelBlacklistBackend(BlacklistBackend):
    """Store revoked ids as ``BlacklistedToken`` rows.

    The unique index on ``jti`` makes :meth:`blacklist` atomic across
    processes. Rows outlive their tokens until
    ``manage.py delete_expired_blacklist`` (or :meth:`delete_expired`)
    removes them.
    """

    def blacklist(self, jti: str, *, expires_at: int) -> bool:
        try:
            _, created = _model().objects.get_or_create(
                jti=jti, defaults={"expires_at": _when(expires_at)}
            )
        except DatabaseError as exc:
            raise BlacklistStoreError(f"Writing the blacklist table failed: {exc}") from exc
        return bool(created)

    def is_blacklisted(self, jti: str) -> bool:
        return self.any_blacklisted([jti])

    def any_blacklisted(self, jtis: Sequence[str]) -> bool:
        ids = [jti for jti in jtis if jti]
        if not ids:
            return False
        try:
            return bool(_model().objects.filter(jti__in=ids).exists())
        except DatabaseError as exc:
            raise BlacklistStoreError(f"Reading the blacklist table failed: {exc}") from exc

    def delete_expired(self) -> int:
        try:
            return int(_model().cleanup_expired())
        except DatabaseError as exc:
            raise BlacklistStoreError(f"Cleaning the blacklist table failed: {exc}") from exc

    async def ablacklist(self, jti: str, *, expires_at: int) -> bool:
        try:
            _, created = await _model().objects.aget_or_create(
                jti=jti, defaults={"expires_at": _when(expires_at)}
            )
        except DatabaseError as exc:
            raise BlacklistStoreError(f"Writing the blacklist table failed: {exc}") from exc
        return bool(created)

    async def ais_blacklisted(self, jti: str) -> bool:
        return await self.aany_blacklisted([jti])

    async def aany_blacklisted(self, jtis: Sequence[str]) -> bool:
        ids = [jti for jti in jtis if jti]
        if not ids:
            return False
        try:
            return bool(await _model().objects.filter(jti__in=ids).aexists())
        except DatabaseError as exc:
            raise BlacklistStoreError(f"Reading the blacklist table failed: {exc}") from exc

    async def adelete_expired(self) -> int:
        try:
            return int(await _model().acleanup_expired())
        except DatabaseError as exc:
            raise BlacklistStoreError(f"Cleaning the blacklist table failed: {exc}") from exc
