from django.apps import AppConfig


def _refuse_locked_round_save(sender, instance, **kwargs):
    """Every save of a round, raw and fixture saves too, keeps a used round's edition."""
    instance.check_freeze()


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from django.db.models.signals import m2m_changed, pre_save

        from assessments.models import Round, refuse_round_value_mode_change

        pre_save.connect(
            _refuse_locked_round_save, sender=Round, dispatch_uid="freeze:assessments.round"
        )
        m2m_changed.connect(
            refuse_round_value_mode_change,
            sender=Round.value_modes.through,
            dispatch_uid="freeze:assessments.round.value_modes",
        )
