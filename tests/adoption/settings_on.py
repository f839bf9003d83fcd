"""The plain DRF catalog project with restflow switched on by settings alone.

Everything in ``settings_off`` stays; the lines below are the whole
difference. ``docs/guide/adopting.md`` walks through them one by one.
"""

from tests.adoption.settings_off import *  # noqa: F403
from tests.adoption.settings_off import INSTALLED_APPS, MIDDLEWARE, REDIS_URL, REST_FRAMEWORK

ROOT_URLCONF = "tests.adoption.urls_on"

INSTALLED_APPS = [
    *INSTALLED_APPS,
    # restflow's system checks in `manage.py check`.
    "restflow",
    # Connects route-rule invalidation at startup, so a process that saves
    # models without serving a request (a worker, a shell) invalidates too.
    "restflow.caching",
]

# RestflowMiddleware goes first, so its request id covers every other
# middleware and it handles the final response of every request.
MIDDLEWARE = ["restflow.middleware.RestflowMiddleware", *MIDDLEWARE]
# CSRF failures return the envelope too.
CSRF_FAILURE_VIEW = "restflow.middleware.csrf_failure"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "EXCEPTION_HANDLER": "restflow.exceptions.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "restflow.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["restflow.filters.RestflowFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "restflow.pagination.FastPageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": ["restflow.throttling.ScopedRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "restflow.spectacular.RestflowAutoSchema",
}

RESTFLOW_SETTINGS = {
    "JWT": {
        "SIGNING_KEY": "adoption-signing-key-" + "x" * 43,
        # The test project's default cache is process-local. A deployment
        # keeps the blacklist in a shared cache and leaves this False.
        "BLACKLIST_ALLOW_LOCMEM": True,
    },
    "MIDDLEWARE": {
        "CACHE_RULES": [
            {
                "path": r"^/api/products/\d+/$",
                "ttl": 300,
                "invalidates_on": ["catalog.Product"],
            },
        ],
    },
}
if REDIS_URL:
    # Throttle counts in Redis: one atomic sliding window shared by every
    # process. Without REDIS_URL the counts stay in the default cache.
    RESTFLOW_SETTINGS["THROTTLING"] = {"STORE": "redis", "CACHE_ALIAS": "redis"}
