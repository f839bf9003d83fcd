"""The ``restflow.caching`` app: connects model-driven cache invalidation."""

from __future__ import annotations

import contextlib

from django.apps import AppConfig

__all__ = ["CachingConfig"]


class CachingConfig(AppConfig):
    name = "restflow.caching"
    label = "restflow_caching"
    verbose_name = "Restflow Caching"
    default = True
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from restflow.caching import checks  # noqa: F401 - registers the system checks
        from restflow.caching.registry import CacheRegister

        if not self._settings_valid():
            # manage.py check reports the settings problems (restflow.E001-E004);
            # discovery would only stop start-up with a SettingsError traceback.
            return
        CacheRegister.auto_discover()
        self._build_route_rules()

    @staticmethod
    def _settings_valid() -> bool:
        from django.conf import settings

        from restflow.settings import SETTING_NAME, validate_user_settings

        return not validate_user_settings(getattr(settings, SETTING_NAME, {}))

    @staticmethod
    def _build_route_rules() -> None:
        # Route rules connect their invalidation when built; build them now so
        # processes that never serve a request (workers, shells) still invalidate.
        from restflow.caching.middleware import CacheRuleError, route_rules
        from restflow.settings import SettingsError

        # Invalid rules are reported by the system checks (restflow.E037).
        with contextlib.suppress(CacheRuleError, SettingsError):
            route_rules()
