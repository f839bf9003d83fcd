"""Test app for restflow.caching: models with a UUID key and a many-to-many field."""

from django.apps import AppConfig


class CacheAppConfig(AppConfig):
    name = "tests.cacheapp"
    label = "cacheapp"
    default_auto_field = "django.db.models.BigAutoField"
