"""Settings for the live streaming tests: a small app set plus GZipMiddleware.

The apps are only what the streaming views need, so the live server does
not depend on the rest of the suite's test apps.
"""

from conf.settings import *  # noqa: F403

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "restflow",
]
ROOT_URLCONF = "tests.integration.streaming_views"
MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
