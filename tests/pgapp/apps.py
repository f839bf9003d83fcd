from django.apps import AppConfig


class PgAppConfig(AppConfig):
    name = "tests.pgapp"
    label = "pgapp"
    default_auto_field = "django.db.models.BigAutoField"
