from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frameworks"
    verbose_name = "Framework content"

    def ready(self):
        from frameworks import freeze, revision

        freeze.connect()
        revision.connect()
