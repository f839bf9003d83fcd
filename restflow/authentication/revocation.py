"""Revocation policy: asking the blacklist store, and what to do when it is down.

The store is the one configured in ``BLACKLIST_BACKEND``. A token counts as
revoked when its own ``jti`` or its family id is recorded. When the store
cannot be reached, ``BLACKLIST_FAIL_OPEN`` decides: off (the default) turns
the request into a 503 ``service_unavailable``; on lets it through. Both are
logged at WARNING with the token id, never the token.
"""

from __future__ import annotations

import logging
import math
import threading
import time

from restflow.authentication.blacklist.base import BlacklistBackend
from restflow.authentication.errors import BlacklistStoreError, BlacklistUnavailable
from restflow.authentication.jwt import Token, get_jwt_settings, get_leeway, get_now_time
from restflow.registry import JWT_BLACKLIST_STORES

__all__ = [
    "FAMILY_PREFIX",
    "aclaim_rotation",
    "ais_family_revoked",
    "ais_token_revoked",
    "arevoke_family",
    "arevoke_token",
    "claim_rotation",
    "get_blacklist_backend",
    "is_token_revoked",
    "revocation_ids",
    "revoke_family",
    "revoke_token",
]

logger = logging.getLogger(__name__)

# Family ids share the store with token ids; the prefix keeps them apart
# (minted ids never contain a colon).
FAMILY_PREFIX = "fam:"


def get_blacklist_backend() -> BlacklistBackend:
    """Return the configured blacklist store, built once per settings generation."""
    return JWT_BLACKLIST_STORES.get()  # type: ignore[no-any-return]


def revocation_ids(token: Token) -> list[str]:
    """Return the store ids that revoke ``token``: its ``jti`` and its family id."""
    ids = [token.jti]
    if token.family:
        ids.append(FAMILY_PREFIX + token.family)
    return ids


def _record_until(exp: int) -> int:
    # A token stays acceptable for LEEWAY seconds after `exp`, so its record must too.
    return int(exp) + math.ceil(get_leeway()) + 1


# While the store is down every request fails the same way, so the warning is
# logged at most once per interval, with the number of failures it replaces.
_WARNING_INTERVAL = 30.0
_warning_state = {"last": 0.0, "suppressed": 0}
_warning_lock = threading.Lock()


def _store_failed(action: str, token: Token, exc: BlacklistStoreError, *, may_open: bool) -> bool:
    fail_open = may_open and bool(get_jwt_settings().BLACKLIST_FAIL_OPEN)
    now = time.monotonic()
    with _warning_lock:
        due = now - _warning_state["last"] >= _WARNING_INTERVAL
        if due:
            repeats = int(_warning_state["suppressed"])
            _warning_state["last"] = now
            _warning_state["suppressed"] = 0
        else:
            _warning_state["suppressed"] += 1
    if due:
        logger.warning(
            "JWT blacklist store unreachable while %s token jti=%s (%s); failing %s. "
            "%d similar failure(s) since the last warning.",
            action,
            token.jti,
            exc,
            "open" if fail_open else "closed",
            repeats,
        )
    if not fail_open:
        raise BlacklistUnavailable() from exc
    return False


def is_token_revoked(token: Token, backend: BlacklistBackend | None = None) -> bool:
    """Return True when ``token`` or its family is blacklisted.

    Raises :class:`BlacklistUnavailable` (503) when the store is down and
    ``BLACKLIST_FAIL_OPEN`` is off; returns False when it is on.
    """
    store = backend or get_blacklist_backend()
    try:
        revoked = store.any_blacklisted(revocation_ids(token))
    except BlacklistStoreError as exc:
        return _store_failed("checking", token, exc, may_open=True)
    if revoked:
        logger.info("Rejected blacklisted JWT jti=%s.", token.jti)
    return revoked


async def ais_token_revoked(token: Token, backend: BlacklistBackend | None = None) -> bool:
    """Async twin of :func:`is_token_revoked`."""
    store = backend or get_blacklist_backend()
    try:
        revoked = await store.aany_blacklisted(revocation_ids(token))
    except BlacklistStoreError as exc:
        return _store_failed("checking", token, exc, may_open=True)
    if revoked:
        logger.info("Rejected blacklisted JWT jti=%s.", token.jti)
    return revoked


async def ais_family_revoked(token: Token) -> bool:
    """Return True when the family of ``token`` was revoked (logout or detected reuse)."""
    if not token.family:
        return False
    try:
        return await get_blacklist_backend().ais_blacklisted(FAMILY_PREFIX + token.family)
    except BlacklistStoreError as exc:
        return _store_failed("checking the family of", token, exc, may_open=True)


def revoke_token(token: Token) -> bool:
    """Blacklist ``token`` until it expires; return True when this call recorded it.

    Raises :class:`BlacklistUnavailable` when the store is down, even with
    ``BLACKLIST_FAIL_OPEN``, because a logout that was not recorded must not
    look successful.
    """
    try:
        return get_blacklist_backend().blacklist(token.jti, expires_at=_record_until(token.exp))
    except BlacklistStoreError as exc:
        return _store_failed("revoking", token, exc, may_open=False)


async def arevoke_token(token: Token) -> bool:
    """Async twin of :func:`revoke_token`."""
    try:
        return await get_blacklist_backend().ablacklist(
            token.jti, expires_at=_record_until(token.exp)
        )
    except BlacklistStoreError as exc:
        return _store_failed("revoking", token, exc, may_open=False)


def claim_rotation(token: Token) -> bool:
    """Blacklist a refresh token that is being rotated; return True when this caller won.

    The blacklist write is atomic, so of two concurrent refreshes with the
    same token exactly one gets True. When the store is down and
    ``BLACKLIST_FAIL_OPEN`` is on, the rotation goes ahead unrecorded.
    """
    try:
        return get_blacklist_backend().blacklist(token.jti, expires_at=_record_until(token.exp))
    except BlacklistStoreError as exc:
        _store_failed("rotating", token, exc, may_open=True)
        return True


async def aclaim_rotation(token: Token) -> bool:
    """Async twin of :func:`claim_rotation`."""
    try:
        return await get_blacklist_backend().ablacklist(
            token.jti, expires_at=_record_until(token.exp)
        )
    except BlacklistStoreError as exc:
        _store_failed("rotating", token, exc, may_open=True)
        return True


def _family_until() -> int:
    # Every descendant of the family was minted before now, so none outlives this.
    lifetime = get_jwt_settings().REFRESH_TOKEN_LIFETIME
    return _record_until(int(get_now_time().timestamp() + lifetime.total_seconds()))


def _log_family(token: Token, reason: str) -> None:
    if reason == "reused":
        logger.warning(
            "A rotated refresh token was reused (jti=%s); revoking its family %s.",
            token.jti,
            token.family,
        )
    else:
        logger.info("Revoking token family %s (%s, jti=%s).", token.family, reason, token.jti)


def revoke_family(token: Token, *, reason: str = "logout") -> None:
    """Blacklist every token descended from the same login as ``token``.

    ``reason`` ("logout" or "reused") only chooses the log line: a reuse is
    logged at WARNING because it suggests a stolen token.
    """
    if not token.family:
        return
    _log_family(token, reason)
    try:
        get_blacklist_backend().blacklist(FAMILY_PREFIX + token.family, expires_at=_family_until())
    except BlacklistStoreError as exc:
        _store_failed("revoking the family of", token, exc, may_open=False)


async def arevoke_family(token: Token, *, reason: str = "logout") -> None:
    """Async twin of :func:`revoke_family`."""
    if not token.family:
        return
    _log_family(token, reason)
    try:
        await get_blacklist_backend().ablacklist(
            FAMILY_PREFIX + token.family, expires_at=_family_until()
        )
    except BlacklistStoreError as exc:
        _store_failed("revoking the family of", token, exc, may_open=False)
