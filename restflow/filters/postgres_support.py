"""Detect PostgreSQL-only filters and reject them at class creation on another database.

The vendor is ``connections[Meta.using or "default"].vendor``, which Django
reads from the configured engine without opening a connection.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.constants import LOOKUP_SEP

from restflow.filters.lookups import POSTGRES_ONLY_LOOKUPS, LookupSpec

__all__ = [
    "check_lookup_vendor",
    "check_postgres_requirements",
    "database_vendor",
    "require_postgres",
]

# Lookups that are PostgreSQL-only on list, range and JSON values (array and
# JSON containment), although the same names mean substring matching on text.
_CONTAINER_LOOKUPS = frozenset({"contains", "contained_by", "overlap"})


def database_vendor(using: str | None) -> str:
    """Return the vendor (``"postgresql"``, ``"sqlite"``...) of database alias ``using``.

    Raise ``ImproperlyConfigured`` when ``settings.DATABASES`` has no such alias.
    """
    alias = using or DEFAULT_DB_ALIAS
    if alias not in connections.settings:
        raise ImproperlyConfigured(
            f"Meta.using = {alias!r} is not a database alias. Aliases in DATABASES: "
            f"{', '.join(connections.settings)}."
        )
    return connections[alias].vendor


def require_postgres(owner: str, name: str, feature: str, using: str | None) -> None:
    """Raise ``ImproperlyConfigured`` unless database alias ``using`` is PostgreSQL."""
    alias = using or DEFAULT_DB_ALIAS
    vendor = database_vendor(using)
    if vendor != "postgresql":
        raise ImproperlyConfigured(
            f"{owner}.{name}: {feature} needs PostgreSQL, but the database alias {alias!r} is "
            f"{vendor!r}. Remove this filter for {vendor!r}, or set Meta.using to the alias "
            "of a PostgreSQL database."
        )


def _is_container(field: Any) -> bool:
    from restflow.filters.fields import ListField

    return isinstance(field, ListField) or getattr(field, "is_container", False)


def check_lookup_vendor(owner: str, name: str, field: Any, spec: LookupSpec, options: Any) -> None:
    """Reject a PostgreSQL-only lookup variant of ``field`` on another database."""
    parts = spec.lookup.split(LOOKUP_SEP)
    pg_parts = [part for part in parts if part in POSTGRES_ONLY_LOOKUPS]
    if not pg_parts and _is_container(field) and parts[-1] in _CONTAINER_LOOKUPS:
        pg_parts = [parts[-1]]
    if pg_parts:
        require_postgres(
            owner,
            f"{name} (lookup {spec.alias!r})",
            f"the lookup {pg_parts[0]!r}",
            options.using,
        )


def check_postgres_requirements(owner: str, declared: dict[str, Any], options: Any) -> None:
    """Reject fields with ``requires_postgres`` (search, trigram, ranges) on another database."""
    for name, field in declared.items():
        feature = getattr(field, "requires_postgres", None)
        if feature:
            require_postgres(owner, name, feature, options.using)
