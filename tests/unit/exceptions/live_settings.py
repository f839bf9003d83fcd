"""Settings for live uvicorn tests of the middleware: the test routes, and
``RESTFLOW_SETTINGS`` from the ``RESTFLOW_SETTINGS_JSON`` variable."""

import json
import os

from conf.settings import *  # noqa: F403

ROOT_URLCONF = "tests.unit.exceptions.urls"
RESTFLOW_SETTINGS = json.loads(os.environ.get("RESTFLOW_SETTINGS_JSON", "{}"))

# restflow's records go to stderr (the server log) with the request id
# added by RequestIdFilter, so a live test can find them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "restflow.logging.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "loggers": {"restflow": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}
