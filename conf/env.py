"""Read service locations from the environment for the test and example settings."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote, urlparse


def database_from_url(url: str) -> dict[str, Any]:
    """Return a Django ``DATABASES`` entry for a ``postgres://`` or ``sqlite:///`` URL."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
            "USER": unquote(parsed.username or "postgres"),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "127.0.0.1",
            "PORT": str(parsed.port or 5432),
        }
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parsed.path or ":memory:"}
    raise ValueError(
        f"DATABASE_URL={url!r} is not supported: use postgres://USER@HOST:PORT/NAME "
        "or sqlite:///PATH."
    )


def env_flag(name: str) -> bool:
    """Return True when the variable is set to a true-looking value (1, true, yes, on)."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")
