from django.apps import AppConfig


class FilterAppConfig(AppConfig):
    name = "tests.filterapp"
    label = "filterapp"
    default_auto_field = "django.db.models.BigAutoField"
