from django.apps import AppConfig


class ViewsAppConfig(AppConfig):
    name = "tests.viewsapp"
    label = "viewsapp"
    default_auto_field = "django.db.models.BigAutoField"
