"""Settings for the live view tests: the view test app on a file SQLite database.

The database path comes from ``RESTFLOW_VIEWS_LIVE_DB``, so the test that
starts the server also migrates and fills that file first.
"""

import os

from conf.settings import *  # noqa: F403

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "restflow",
    "catalog",
    "tests.viewsapp",
]
ROOT_URLCONF = "tests.viewsapp.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("RESTFLOW_VIEWS_LIVE_DB", ":memory:"),
    }
}
