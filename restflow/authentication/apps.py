"""The optional ``restflow.authentication`` app: the blacklist table and the JWT checks."""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["AuthenticationConfig"]


class AuthenticationConfig(AppConfig):
    name = "restflow.authentication"
    label = "restflow_authentication"
    verbose_name = "Restflow Authentication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from restflow.checks import register_checks

        # Registers the settings checks and, through them, the JWT checks (E05x/W05x).
        register_checks()
