"""App config of the plain DRF catalog app used by the end-to-end adoption tests."""

from django.apps import AppConfig


class AdoptionAppConfig(AppConfig):
    name = "tests.adoption.app"
    label = "adoption_app"
    verbose_name = "Adoption catalog API"
