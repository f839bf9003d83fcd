"""Settings for the live streaming tests: the suite's settings plus GZipMiddleware."""

from conf.settings import *  # noqa: F403

ROOT_URLCONF = "tests.integration.streaming_views"
MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]  # noqa: F405
