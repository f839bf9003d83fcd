"""The Dramatiq broker and actor the caching tests run a real worker with.

The broker namespace carries the run id, so the tests never read or
write the machine's own Dramatiq queues.
"""

from __future__ import annotations

import os

import django
import dramatiq
from dramatiq.brokers.redis import RedisBroker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.cacheapp.worker_settings")
django.setup()

QUEUE = os.environ.get("RESTFLOW_TEST_QUEUE", "restflow-tests")
broker = RedisBroker(
    url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    namespace=f"restflow-dramatiq-{os.environ.get('RESTFLOW_RUN_ID', 'local')}",
)
dramatiq.set_broker(broker)

from restflow.caching.dispatchers.dramatiq import register_actor  # noqa: E402

actor = register_actor(queue_name=QUEUE)
