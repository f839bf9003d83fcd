"""The Celery app the caching tests run a real worker with (Redis broker, JSON payloads)."""

from __future__ import annotations

import os

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.cacheapp.worker_settings")
django.setup()

app = Celery("restflow_cache_tests", broker=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
app.conf.task_serializer = "json"
app.conf.accept_content = ["json"]
app.conf.broker_connection_retry_on_startup = True
# No remote-control mailbox: it would leave shared keys in the machine's Redis.
app.conf.worker_enable_remote_control = False
app.conf.imports = ["restflow.caching.tasks", "tests.cacheapp.cached"]
