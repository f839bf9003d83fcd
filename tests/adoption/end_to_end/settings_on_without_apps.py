"""``settings_on`` without restflow's ``INSTALLED_APPS`` entries.

restflow is then switched on by ``REST_FRAMEWORK`` defaults,
``RESTFLOW_SETTINGS`` and ``RestflowMiddleware`` alone. The adoption tests
check that every request-time feature still works.
"""

from tests.adoption import settings_off
from tests.adoption.settings_on import *  # noqa: F403

INSTALLED_APPS = settings_off.INSTALLED_APPS
