"""The contract every JWT blacklist store implements."""

from __future__ import annotations

from collections.abc import Sequence

from asgiref.sync import async_to_sync, sync_to_async

from restflow.authentication.errors import BlacklistStoreError

__all__ = ["BlacklistBackend", "BlacklistStoreError"]


class BlacklistBackend:
    """Records revoked token ids (``jti``) until the token expires.

    A store implements the sync methods, the async ones, or both, and this
    base class supplies the missing side. The async side runs the sync one
    in a thread; the sync side runs the async one through ``async_to_sync``,
    so it must not be called on an event loop. Override the async methods
    too when the store has a native async client, so async views make no
    thread hop.

    Every method raises :class:`BlacklistStoreError` when the store cannot
    be reached; the caller decides between failing closed and failing open
    (``BLACKLIST_FAIL_OPEN``).
    """

    def blacklist(self, jti: str, *, expires_at: int) -> bool:
        """Record ``jti`` until the epoch second ``expires_at``.

        Return True when this call added it and False when it was already
        recorded. The check and the write are one atomic step, so among
        concurrent calls for one ``jti`` exactly one returns True: token
        rotation relies on that to let a refresh token be used only once.
        """
        if type(self).ablacklist is BlacklistBackend.ablacklist:
            raise NotImplementedError(
                f"{type(self).__qualname__} must implement blacklist() or ablacklist()."
            )
        return bool(async_to_sync(self.ablacklist)(jti, expires_at=expires_at))

    def is_blacklisted(self, jti: str) -> bool:
        """Return True when ``jti`` is recorded."""
        if type(self).ais_blacklisted is BlacklistBackend.ais_blacklisted:
            raise NotImplementedError(
                f"{type(self).__qualname__} must implement is_blacklisted() or ais_blacklisted()."
            )
        return bool(async_to_sync(self.ais_blacklisted)(jti))

    def any_blacklisted(self, jtis: Sequence[str]) -> bool:
        """Return True when any of ``jtis`` is recorded.

        The default calls :meth:`is_blacklisted` once per id. Stores that
        can check several ids in one round trip override it.
        """
        return any(self.is_blacklisted(jti) for jti in jtis if jti)

    def delete_expired(self) -> int:
        """Delete records of expired tokens and return how many (0 where the store expires them)."""
        return 0

    async def ablacklist(self, jti: str, *, expires_at: int) -> bool:
        """Async twin of :meth:`blacklist`."""
        return bool(
            await sync_to_async(self.blacklist, thread_sensitive=True)(jti, expires_at=expires_at)
        )

    async def ais_blacklisted(self, jti: str) -> bool:
        """Async twin of :meth:`is_blacklisted`."""
        return bool(await sync_to_async(self.is_blacklisted, thread_sensitive=True)(jti))

    async def aany_blacklisted(self, jtis: Sequence[str]) -> bool:
        """Async twin of :meth:`any_blacklisted`."""
        for jti in jtis:
            if jti and await self.ais_blacklisted(jti):
                return True
        return False

    async def adelete_expired(self) -> int:
        """Async twin of :meth:`delete_expired`."""
        return int(await sync_to_async(self.delete_expired, thread_sensitive=True)())
