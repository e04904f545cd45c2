"""Rounds that were already open or closed record their collaboration's value modes now.

Before this, results read the collaboration's current value modes; recording them at this point
keeps every existing result exactly as it was shown until now.
"""

from django.db import migrations


def record(apps, schema_editor):
    Round = apps.get_model("assessments", "Round")
    for round in Round.objects.filter(status__in=["open", "closed"], opened_on__isnull=True):
        round.opened_on = round.opens_on
        round.save(update_fields=["opened_on"])
        round.value_modes.set(round.collaboration.value_modes.all())


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_round_records_value_modes")]

    operations = [migrations.RunPython(record, migrations.RunPython.noop)]
