"""Test settings whose ``RESTFLOW_SETTINGS`` comes from the ``RESTFLOW_SETTINGS_JSON`` variable.

Used to run ``django-admin check`` in a subprocess against a broken configuration.
"""

import json
import os

from conf.settings import *  # noqa: F403

RESTFLOW_SETTINGS = json.loads(os.environ.get("RESTFLOW_SETTINGS_JSON", "{}"))
