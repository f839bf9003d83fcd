"""Django settings for restflow's own test suite (``DJANGO_SETTINGS_MODULE=conf.settings``).

SQLite in memory by default; ``DATABASE_URL`` switches the default database
to PostgreSQL. ``REDIS_URL`` adds a django-redis cache under the ``redis``
alias. Test databases and Redis key prefixes carry the process id, so that
two suites running at once on one machine do not touch each other's data.
"""

from __future__ import annotations

import os

from conf.env import database_from_url

SECRET_KEY = "restflow-test-suite-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "conf.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

RUN_ID = os.environ.get("RESTFLOW_RUN_ID") or str(os.getpid())

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "restflow",
    "restflow.authentication",
    "catalog",
    "tests.testapp",
    "tests.filterapp",
    "restflow.caching",
    "tests.cacheapp",
    "tests.serializerapp",
    "tests.viewsapp",
]

MIDDLEWARE = [
    # First, so its request id covers every middleware below and it sees final responses.
    "restflow.middleware.RestflowMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

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
    _database = database_from_url(DATABASE_URL)
    _database["TEST"] = {"NAME": f"test_restflow_{RUN_ID}"}
else:
    _database = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
DATABASES = {"default": _database}
if DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://")):
    # PostgreSQL-only filter tests: arrays, ranges, search (the app's models need PostgreSQL).
    INSTALLED_APPS += ["django.contrib.postgres", "tests.pgapp"]

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"restflow-tests-{RUN_ID}",
    },
}
if REDIS_URL:
    CACHES["redis"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"restflow-test-{RUN_ID}",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }

CSRF_FAILURE_VIEW = "restflow.middleware.csrf_failure"

REST_FRAMEWORK = {
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
}

RESTFLOW_SETTINGS: dict = {}

STATIC_URL = "/static/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "loggers": {"restflow": {"handlers": ["null"], "level": "DEBUG", "propagate": True}},
}
