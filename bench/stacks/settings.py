"""Django settings shared by every benchmarked stack.

Database aliases: ``default`` is the PostgreSQL catalog (100,000 products),
``deep`` the PostgreSQL catalog with 1,000,000 products, ``sqlite`` an
SQLite file with the same 100,000 products. ``bench/seed.py`` creates them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
# bench/.work/ is git-ignored and, unlike build/, not removed by `make clean`.
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", ROOT / "bench" / ".work"))
PG_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "restflow_bench")
PG_DEEP_DATABASE = f"{PG_DATABASE}_deep"

DEBUG = False
SECRET_KEY = "bench-only-not-a-secret-0123456789abcdef0123456789abcdef"
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "bench.stacks.urls"
# No middleware: every stack pays for Django's request cycle and nothing else.
# Scenario 3's route rule runs on its own handler with RestflowMiddleware.
MIDDLEWARE: list[str] = []
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "django_filters",
    "restflow",
    "restflow.caching",
    "catalog",
]


def _postgres(name: str) -> dict:
    url = urlsplit(PG_URL)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": url.username or "postgres",
        "PASSWORD": url.password or "",
        "HOST": url.hostname or "127.0.0.1",
        "PORT": str(url.port or 5432),
        # Under ASGI every request runs its ORM calls on a fresh thread, so
        # without a pool each request would open a new connection.
        "OPTIONS": {"pool": {"min_size": 1, "max_size": 4}},
    }


DATABASES = {
    "default": _postgres(PG_DATABASE),
    "deep": _postgres(PG_DEEP_DATABASE),
    "sqlite": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "catalog.sqlite3")},
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
}
# Tokens outlive a whole run, which takes longer than the usual 5 minutes.
SIMPLE_JWT = {
    "SIGNING_KEY": SECRET_KEY,
    "ALGORITHM": "HS256",
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=2),
}
RESTFLOW_SETTINGS = {
    # Look for cache rules in no project module: the benchmark's rules are in
    # MIDDLEWARE below, and importing the example project's views is not measured.
    "CACHE_SETTINGS": {"DISCOVER_MODULES": ()},
    "JWT": {
        "SIGNING_KEY": SECRET_KEY,
        "ALGORITHM": "HS256",
        "ACCESS_TOKEN_LIFETIME": timedelta(hours=2),
        # The blacklist check reads the process-local cache; one server process.
        "BLACKLIST_ALLOW_LOCMEM": True,
    },
    "MIDDLEWARE": {
        "CACHE_RULES": [
            {"path": r"^/restflow/pg/rule-cached/\d+/$", "ttl": 3600, "per_user": False},
        ],
    },
}
NINJA_PAGINATION_PER_PAGE = 50
# Server errors go to stderr, so a failing stack shows its traceback in the run's output.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
