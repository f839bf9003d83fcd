"""``BaseCacheBackend``: cache access with generation numbers per scope.

Every key carries a token derived from the generation numbers of the
scopes it belongs to (everything, its namespace, its function, its
partition) and, once the entry was retired, the entry's own. A wipe or a
retirement replaces one number in O(1) on any Django cache, so a value
computed before it is stored under a key that is no longer read.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import default_key_func

from restflow.caching.constants import CACHE_MISSING, MAX_BACKEND_KEY_LENGTH
from restflow.caching.key_constructor import CacheKey, KeyTooLongError
from restflow.caching.retry import retry_queue

__all__ = ["BaseCacheBackend", "generation_key", "new_generation"]

logger = logging.getLogger(__name__)

GENERATION_ROOT = "rfg"
# Generation numbers expire so that one per partition does not pile up
# forever. An expired number is replaced by a new random one, which only
# makes the scope's entries unreachable (a wipe), never serves stale data.
GENERATION_TIMEOUT = 30 * 24 * 3600
LOCK_ROOT = "rfl"


@functools.lru_cache(maxsize=4096)
def generation_key(scope: str) -> str:
    """Return the cache key that stores the generation number of ``scope``."""
    return f"{GENERATION_ROOT}:{hashlib.sha256(scope.encode('utf-8')).hexdigest()[:40]}"


@functools.lru_cache(maxsize=4096)
def _scope_generation_keys(
    namespace: str, identifier: str, partition: str | None
) -> tuple[str, ...]:
    scope = CacheKey(namespace=namespace, identifier=identifier, partition=partition, version=1)
    return tuple(generation_key(name) for name in scope.scopes)


def scope_generation_keys(key: CacheKey) -> tuple[str, ...]:
    """Return the keys of the generation numbers of ``key``'s scopes, widest first."""
    return _scope_generation_keys(key.namespace, key.identifier, key.partition)


def new_generation() -> str:
    # Random rather than counted: a generation key that the cache evicted
    # must never come back with a value an older entry was written under.
    return secrets.token_hex(6)


def _combine(generations: Sequence[str]) -> str:
    return hashlib.blake2b("|".join(generations).encode("ascii"), digest_size=6).hexdigest()


class BaseCacheBackend:
    """Read, write and wipe restflow entries in one Django cache.

    Subclasses may add :meth:`reclaim` (delete the stale entries of a wiped
    scope) and :meth:`stats`. Async twins use Django's async cache API.
    """

    name = "base"
    # Whether the backend can delete the entries of a scope (see reclaim()).
    supports_reclaim = False

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias

    def __repr__(self) -> str:
        return f"<{type(self).__name__} alias={self.alias!r}>"

    @property
    def cache(self) -> BaseCache:
        return caches[self.alias]

    @property
    def is_process_local(self) -> bool:
        """Return True when entries live in this process only (local memory, dummy)."""
        backend = type(self.cache).__module__
        return backend.endswith(("locmem", "dummy"))

    # --- generations -------------------------------------------------------------

    def _fill_generations(self, scopes: Sequence[str], found: Mapping[str, Any]) -> list[str]:
        tokens = []
        for scope in scopes:
            key = generation_key(scope)
            value = found.get(key)
            if not isinstance(value, str):
                candidate = new_generation()
                if self.cache.add(key, candidate, timeout=GENERATION_TIMEOUT):
                    value = candidate
                else:
                    value = self.cache.get(key) or candidate
            tokens.append(value)
        return tokens

    @staticmethod
    def _entry_generation(key: CacheKey, found: Mapping[str, Any]) -> list[str]:
        # An entry's own number exists only after delete_cache retired it;
        # until then the token is that of its scopes alone.
        if key.suffix is None:
            return []
        value = found.get(generation_key(key.entry_scope))
        return [value] if isinstance(value, str) else []

    @staticmethod
    def _generation_keys(key: CacheKey) -> list[str]:
        keys = list(scope_generation_keys(key))
        if key.suffix is not None:
            keys.append(generation_key(key.entry_scope))
        return keys

    def generation_token(self, key: CacheKey) -> str:
        """Return the combined generation token of ``key``'s scopes.

        Raises :class:`~restflow.caching.retry.PendingInvalidationError`
        while failed invalidations of this process wait for a retry (after
        retrying them once when the backoff allows), so the caller computes
        without the cache instead of reading entries they should remove.
        """
        retry_queue.check()
        return self._token(key)

    def token_from(self, key: CacheKey, found: Mapping[str, Any]) -> str | None:
        """Return ``key``'s generation token from numbers read with :meth:`_generation_keys`.

        Returns ``None`` when a scope has no number yet: only
        :meth:`generation_token` may create one, so the caller asks it then.
        """
        tokens = []
        for name in scope_generation_keys(key):
            value = found.get(name)
            if not isinstance(value, str):
                return None
            tokens.append(value)
        return _combine(tokens + self._entry_generation(key, found))

    def fits(self, rendered: str, cache: BaseCache | None = None) -> bool:
        """Return whether ``rendered`` stays within the key length limit in this cache.

        ``cache`` is this adapter's cache when the caller already has it.
        """
        if cache is None:
            cache = self.cache
        if getattr(cache, "key_func", None) is default_key_func:
            # What make_key would build, measured without building it.
            length = len(cache.key_prefix) + len(str(cache.version)) + 2 + len(rendered)
            return length <= MAX_BACKEND_KEY_LENGTH
        return len(cache.make_key(rendered)) <= MAX_BACKEND_KEY_LENGTH

    def _token(self, key: CacheKey) -> str:
        found = self.cache.get_many(self._generation_keys(key))
        tokens = self._fill_generations(key.scopes, found)
        return _combine(tokens + self._entry_generation(key, found))

    async def ageneration_token(self, key: CacheKey) -> str:
        """Async twin of :meth:`generation_token`; the retry itself is left to its thread."""
        retry_queue.check(run=False)
        scopes = key.scopes
        found = await self.cache.aget_many(self._generation_keys(key))
        tokens = []
        for scope in scopes:
            gkey = generation_key(scope)
            value = found.get(gkey)
            if not isinstance(value, str):
                candidate = new_generation()
                if await self.cache.aadd(gkey, candidate, timeout=GENERATION_TIMEOUT):
                    value = candidate
                else:
                    value = await self.cache.aget(gkey) or candidate
            tokens.append(value)
        return _combine(tokens + self._entry_generation(key, found))

    def _finish_key(self, key: CacheKey, generation: str) -> str:
        rendered = key.render(generation)
        if len(self.cache.make_key(rendered)) <= MAX_BACKEND_KEY_LENGTH:
            return rendered
        if key.suffix is not None and key.hash_on_overflow:
            rendered = key.render(generation, key.hashed_suffix())
            if len(self.cache.make_key(rendered)) <= MAX_BACKEND_KEY_LENGTH:
                return rendered
        raise KeyTooLongError(
            f"The cache key for {key.identifier} would be "
            f"{len(self.cache.make_key(rendered))} characters in cache {self.alias!r}, over "
            f"memcached's limit of {MAX_BACKEND_KEY_LENGTH}. Shorten the cache's KEY_PREFIX, "
            "or set HASH_SUFFIX_ON_OVERFLOW to True."
        )

    def make_key(self, key: CacheKey) -> str:
        """Return the string stored in the cache for ``key`` (generations included)."""
        return self._finish_key(key, self.generation_token(key))

    async def amake_key(self, key: CacheKey) -> str:
        """Async twin of :meth:`make_key`."""
        return self._finish_key(key, await self.ageneration_token(key))

    def retire(self, key: CacheKey, timeout: float | None) -> None:
        """Make the entry of ``key`` unreachable, including a value stored for it later.

        Gives the entry a generation number of its own for ``timeout``
        seconds (``None``: no expiry), then deletes the stored value. A
        reader that built the key before this call stores under the old
        number, which is no longer read. ``timeout`` must outlast the entry's
        physical TTL plus the longest compute, or a late value could come
        back when the number expires. Cache errors propagate.
        """
        old = self._finish_key(key, self._token(key))
        self.cache.set(generation_key(key.entry_scope), new_generation(), timeout=timeout)
        self.cache.delete(old)

    async def aretire(self, key: CacheKey, timeout: float | None) -> None:
        """Async twin of :meth:`retire`."""
        found = await self.cache.aget_many(self._generation_keys(key))
        tokens = []
        for scope in key.scopes:
            value = found.get(generation_key(scope))
            # A scope without a number has no entries: nothing to delete.
            tokens.append(value if isinstance(value, str) else new_generation())
        old = self._finish_key(key, _combine(tokens + self._entry_generation(key, found)))
        await self.cache.aset(generation_key(key.entry_scope), new_generation(), timeout=timeout)
        await self.cache.adelete(old)

    def wipe(self, scope: CacheKey) -> None:
        """Make every entry in ``scope`` unreachable by replacing its generation number."""
        self.cache.set(generation_key(scope.prefix), new_generation(), timeout=GENERATION_TIMEOUT)
        logger.info("Wiped cache scope %s in cache %r", scope.prefix, self.alias)

    async def awipe(self, scope: CacheKey) -> None:
        """Async twin of :meth:`wipe`."""
        await self.cache.aset(
            generation_key(scope.prefix), new_generation(), timeout=GENERATION_TIMEOUT
        )
        logger.info("Wiped cache scope %s in cache %r", scope.prefix, self.alias)

    def wipe_prefix(self, prefix: str) -> None:
        """Wipe a scope given as text (``"rf"``, ``"rf:<namespace>"``, ...)."""
        self.cache.set(generation_key(prefix), new_generation(), timeout=GENERATION_TIMEOUT)
        logger.info("Wiped cache scope %s in cache %r", prefix, self.alias)

    def reclaim_pattern(self, pattern: str) -> int | None:
        """Delete stored keys matching a glob over restflow keys; ``None`` when unsupported."""
        return None

    def reclaim(self, prefix: str) -> int | None:
        """Delete the stored entries under ``prefix``; ``None`` when the backend cannot."""
        return None

    async def areclaim(self, prefix: str) -> int | None:
        """Async twin of :meth:`reclaim`."""
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.reclaim)(prefix)

    def stats(self) -> dict[str, Any]:
        """Return what the backend can tell about its entries and hit ratio."""
        return {"backend": self.name, "cache": self.alias}

    # --- entries -------------------------------------------------------------------

    def get(self, raw_key: str) -> Any:
        """Return the stored payload or :data:`CACHE_MISSING`."""
        return self.cache.get(raw_key, CACHE_MISSING)

    async def aget(self, raw_key: str) -> Any:
        return await self.cache.aget(raw_key, CACHE_MISSING)

    def set(self, raw_key: str, payload: Any, timeout: float | None) -> None:
        self.cache.set(raw_key, payload, timeout=timeout)

    async def aset(self, raw_key: str, payload: Any, timeout: float | None) -> None:
        await self.cache.aset(raw_key, payload, timeout=timeout)

    def delete(self, raw_key: str) -> None:
        self.cache.delete(raw_key)

    async def adelete(self, raw_key: str) -> None:
        await self.cache.adelete(raw_key)

    # --- locks ----------------------------------------------------------------------

    @staticmethod
    def lock_key(raw_key: str) -> str:
        return f"{LOCK_ROOT}:{hashlib.sha256(raw_key.encode('utf-8')).hexdigest()[:40]}"

    def acquire_lock(self, raw_key: str, token: str, timeout: float) -> bool:
        """Take the compute lock of ``raw_key`` with ``add``; True when this caller holds it."""
        return bool(self.cache.add(self.lock_key(raw_key), token, timeout=timeout))

    async def aacquire_lock(self, raw_key: str, token: str, timeout: float) -> bool:
        return bool(await self.cache.aadd(self.lock_key(raw_key), token, timeout=timeout))

    def release_lock(self, raw_key: str, token: str) -> None:
        # Only the holder deletes the lock; one that expired and was taken by
        # another caller stays. (get-then-delete is not atomic: a lock taken
        # over in between is deleted early, which costs one extra compute.)
        lock = self.lock_key(raw_key)
        if self.cache.get(lock) == token:
            self.cache.delete(lock)

    async def arelease_lock(self, raw_key: str, token: str) -> None:
        lock = self.lock_key(raw_key)
        if await self.cache.aget(lock) == token:
            await self.cache.adelete(lock)
