from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frameworks"
    verbose_name = "Framework content"

    def ready(self):
        from frameworks import revision
        from frameworks.models import connect_freeze_guard

        connect_freeze_guard()
        revision.connect()
