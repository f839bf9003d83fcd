"""Settings for the processes the fault harness starts: uvicorn servers and RQ workers.

Every service address comes from the environment the harness sets, so the
processes talk only to the harness's own redis-servers and to PostgreSQL
through the harness's proxy, never to the machine's Redis.
"""

from __future__ import annotations

import os

from psycopg_pool import ConnectionPool

from conf.env import database_from_url

SECRET_KEY = "restflow-faults-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "tests.faults.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "restflow",
    "restflow.authentication",
    "restflow.caching",
    "django_rq",
    "catalog",
    "tests.faults",
]

MIDDLEWARE = [
    "restflow.middleware.RestflowMiddleware",
    "django.middleware.common.CommonMiddleware",
]

_database = database_from_url(
    os.environ.get("FAULTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
)
# Under ASGI every request runs its sync code in a thread of its own, so
# persistent per-thread connections (CONN_MAX_AGE > 0) pile up until the
# server refuses clients. A psycopg pool bounds them, and its check replaces
# a connection that was lost while it sat idle in the pool.
_database["CONN_MAX_AGE"] = 0
_database["OPTIONS"] = {
    "connect_timeout": 2,
    "pool": {
        "min_size": 1,
        "max_size": int(os.environ.get("FAULTS_POOL_SIZE", "8")),
        "timeout": 10,
        "check": ConnectionPool.check_connection,
    },
}
DATABASES = {"default": _database}

CACHE_URL = os.environ.get("FAULTS_CACHE_URL", "redis://127.0.0.1:1/0")
BROKER_URL = os.environ.get("FAULTS_BROKER_URL", CACHE_URL)
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "faults",
    }
}
# Without these a paused Redis holds every request until the kernel gives up
# on the connection, minutes later. FAULTS_CACHE_SOCKET_TIMEOUT="" leaves
# them out, as a project that copies django-redis's minimal example would.
_socket_timeout = os.environ.get("FAULTS_CACHE_SOCKET_TIMEOUT", "0.5")
if _socket_timeout:
    CACHES["default"]["OPTIONS"] = {
        "SOCKET_CONNECT_TIMEOUT": float(_socket_timeout),
        "SOCKET_TIMEOUT": float(_socket_timeout),
    }

QUEUE = os.environ.get("FAULTS_QUEUE", "faults")
RQ_QUEUES = {QUEUE: {"URL": BROKER_URL, "DEFAULT_TIMEOUT": 60}}

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {
        "limited": os.environ.get("FAULTS_LIMITED_RATE", "25/hour"),
        "guarded": "100000/minute",
    },
}

RESTFLOW_SETTINGS = {
    "CACHE_SETTINGS": {
        "BACKEND": "redis",
        "DEFAULT_DISPATCHER": os.environ.get("FAULTS_DISPATCHER", "inline"),
        "DISPATCHER_SETTINGS": {"django_rq": {"QUEUE": QUEUE, "RAISE_EXCEPTION": True}},
        "ERROR_LOG_INTERVAL": float(os.environ.get("FAULTS_LOG_INTERVAL", "60")),
    },
    "THROTTLING": {
        "STORE": "redis",
        "FAIL_OPEN": os.environ.get("FAULTS_THROTTLE_FAIL_OPEN", "1") == "1",
        "SOCKET_TIMEOUT": 0.5,
    },
    "JWT": {
        "SIGNING_KEY": "faults-signing-key-" + "F" * 48,
        "BLACKLIST_BACKEND": "redis",
        "BLACKLIST_CACHE_ALIAS": "default",
    },
    "MIDDLEWARE": {
        "CACHE_RULES": [
            {"path": r"^/api/categories/$", "ttl": 300, "invalidates_on": ["catalog.Category"]},
        ],
    },
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# WARNING and above from restflow and Django go to stderr, which the harness
# captures per process and counts.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "restflow": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "rq": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
