"""Settings for task-queue worker processes started by the caching tests.

The test passes ``RESTFLOW_RUN_ID`` (so the worker's Redis key prefix
matches the test process) and the queue name to use.
"""

from __future__ import annotations

import os

from conf.settings import *  # noqa: F403
from conf.settings import REDIS_URL

_queue = os.environ.get("RESTFLOW_TEST_QUEUE", "restflow-tests")

RQ_QUEUES = {_queue: {"URL": REDIS_URL}}

# rqworker is a management command of the django_rq app.
INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]  # noqa: F405
