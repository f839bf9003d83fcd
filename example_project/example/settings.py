"""Settings of the example catalog project, served by uvicorn through ``example.asgi``.

SQLite and the local-memory cache by default. ``DATABASE_URL``
(``postgres://USER@HOST:PORT/NAME`` or ``sqlite:///PATH``) and ``REDIS_URL``
switch to PostgreSQL and Redis. ``DJANGO_DEBUG=1`` turns on debug mode and
the browsable API, and ``RESTFLOW_ENVELOPE=problem`` selects RFC 9457 error
responses. ``JWT_SIGNING_KEY`` replaces the demo's token signing key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _database_from_url(url: str) -> dict[str, Any]:
    """Return a ``DATABASES`` entry for a ``postgres://`` or ``sqlite:///`` URL."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
            "USER": unquote(parsed.username or "postgres"),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "127.0.0.1",
            "PORT": str(parsed.port or 5432),
            # Under ASGI each request may run in a different thread, and
            # persistent per-thread connections (CONN_MAX_AGE > 0) exhaust
            # PostgreSQL's connection slots at a few dozen concurrent
            # clients. psycopg's pool shares a bounded set instead; Django
            # requires CONN_MAX_AGE = 0 with it.
            "CONN_MAX_AGE": 0,
            "OPTIONS": {"pool": True},
        }
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parsed.path}
    raise ValueError(
        f"DATABASE_URL={url!r} is not supported: use postgres://USER@HOST:PORT/NAME "
        "or sqlite:///PATH."
    )


DEBUG = _env_flag("DJANGO_DEBUG")
# The fallback key only signs sessions of this local demo; set
# DJANGO_SECRET_KEY anywhere else.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "restflow-example-not-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "restflow",
    "restflow.authentication",
    "restflow.caching",
    # Before drf_spectacular, whose Redoc template it overrides to load
    # the sidecar's assets instead of a CDN's.
    "restflow.spectacular",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "catalog",
]

MIDDLEWARE = [
    # First, so that its request id covers the other middleware and it puts
    # every error response under /api/ into the envelope.
    "restflow.middleware.RestflowMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

# A CSRF failure under /api/ gets the envelope too.
CSRF_FAILURE_VIEW = "restflow.middleware.csrf_failure"

ROOT_URLCONF = "example.urls"
ASGI_APPLICATION = "example.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": _database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": PROJECT_DIR / "db.sqlite3",
        }
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "restflow-example",
            # Without a bound, a Redis that stops answering would hang each cached request.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "restflow-example",
        }
    }

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    # JWT first: its WWW-Authenticate challenge is what a 401 carries.
    # Sessions serve the admin and the browsable API.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "restflow.authentication.JWTAuthentication",
        "restflow.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "restflow.throttling.AnonRateThrottle",
        "restflow.throttling.UserRateThrottle",
    ],
    # Generous, so that trying the demo never hits them.
    "DEFAULT_THROTTLE_RATES": {"anon": "6000/minute", "user": "12000/minute"},
    "DEFAULT_SCHEMA_CLASS": "restflow.spectacular.RestflowAutoSchema",
}

RESTFLOW_SETTINGS: dict[str, Any] = {
    # "restflow" ({"error": {...}}) or "problem" (RFC 9457); the variable
    # lets the demo show both without editing this file.
    "EXCEPTIONS": {"ENVELOPE": os.environ.get("RESTFLOW_ENVELOPE", "restflow")},
    "MIDDLEWARE": {
        "ERROR_ENVELOPE_PATHS": ["/api/"],
        # BrandListView has no decorator: this rule alone caches it and a
        # brand save deletes the entry.
        "CACHE_RULES": [
            {"path": r"^/api/brands/$", "ttl": 300, "invalidates_on": ["catalog.Brand"]},
        ],
    },
    "JWT": {
        # Like SECRET_KEY, the fallback only suits this local demo.
        "SIGNING_KEY": os.environ.get(
            "JWT_SIGNING_KEY", "restflow-example-jwt-key-not-secret-change-me-0123456789"
        ),
        # Blacklisted tokens must be seen by every uvicorn worker: a table
        # by default, Redis when there is one.
        "BLACKLIST_BACKEND": "redis" if REDIS_URL else "model",
    },
    "CACHE_SETTINGS": {"BACKEND": "redis" if REDIS_URL else "django"},
    "THROTTLING": {"STORE": "redis" if REDIS_URL else "cache"},
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "restflow example catalog",
    "DESCRIPTION": "Products, categories and brands of the restflow example project.",
    "VERSION": "1.0.0",
    # Swagger UI and Redoc load their assets from drf-spectacular-sidecar,
    # so the docs pages work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # validatorUrl None: Swagger UI sends the schema to no outside validator.
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "validatorUrl": None,
        "persistAuthorization": True,
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
STATIC_URL = "/static/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "restflow": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
