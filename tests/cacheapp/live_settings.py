"""Settings for the live route-caching test: uvicorn workers sharing Redis and a SQLite file.

``RESTFLOW_LIVE_DB`` names the SQLite file and ``RESTFLOW_RUN_ID`` the key
prefix, both set by the test.
"""

from __future__ import annotations

import os

from conf.settings import *  # noqa: F403
from conf.settings import CACHES, INSTALLED_APPS, REDIS_URL, RUN_ID

# The PostgreSQL-only test apps cannot migrate on the SQLite file used here.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("tests.pgapp",)]

DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["RESTFLOW_LIVE_DB"]}
}
CACHES = {
    **CACHES,
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"restflow-live-{RUN_ID}",
    },
}
ROOT_URLCONF = "tests.adoption.urls_caching"
RESTFLOW_SETTINGS = {
    "CACHE_SETTINGS": {"BACKEND": "redis"},
    "MIDDLEWARE": {
        "CACHE_RULES": [
            {"path": r"^/api/products/\d+/$", "ttl": 300, "invalidates_on": ["catalog.Product"]}
        ]
    },
}
