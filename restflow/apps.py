"""The optional ``restflow`` Django app: installs restflow's system checks."""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["RestflowConfig"]


class RestflowConfig(AppConfig):
    """Add ``"restflow"`` to ``INSTALLED_APPS`` to run restflow's checks in ``manage.py check``."""

    name = "restflow"
    label = "restflow"
    verbose_name = "Restflow"

    def ready(self) -> None:
        from restflow.checks import register_checks

        register_checks()
