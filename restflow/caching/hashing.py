"""Hashing of key parts with the configured ``KEY_HASH_ALGORITHM``."""

from __future__ import annotations

import hashlib

from restflow.settings import restflow_settings, setting_path

__all__ = ["hash_string"]


def hash_string(value: str) -> str:
    """Return the hex digest of ``value`` with ``CACHE_SETTINGS.KEY_HASH_ALGORITHM``.

    The setting is a :mod:`hashlib` name or a callable ``str -> str``.
    Raises ``ValueError`` naming the setting when hashlib does not know the
    name, and ``TypeError`` when a callable returns something other than a
    string.
    """
    algorithm = restflow_settings.CACHE_SETTINGS.KEY_HASH_ALGORITHM
    if callable(algorithm):
        digest = algorithm(value)
        if not isinstance(digest, str):
            raise TypeError(
                f"{setting_path('CACHE_SETTINGS', 'KEY_HASH_ALGORITHM')} returned "
                f"{digest!r}; the callable must return a hex string."
            )
        return digest
    try:
        hasher = hashlib.new(algorithm, value.encode("utf-8"))
    except ValueError as exc:
        raise ValueError(
            f"{setting_path('CACHE_SETTINGS', 'KEY_HASH_ALGORITHM')} = {algorithm!r} is not "
            f"a hashlib algorithm; use one of {', '.join(sorted(hashlib.algorithms_guaranteed))}."
        ) from exc
    if hasher.name.startswith("shake"):
        return hasher.hexdigest(32)  # type: ignore[call-arg]
    return hasher.hexdigest()
