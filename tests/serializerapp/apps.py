from django.apps import AppConfig


class SerializerAppConfig(AppConfig):
    name = "tests.serializerapp"
    label = "serializerapp"
    default_auto_field = "django.db.models.BigAutoField"
