"""The snapshot keeps the collaboration's means that later rounds draw as their previous round,
worked out when it moves; the charts it kept (``figures``, built by the first GET after a move,
and ``moves``, which keyed them) go: pages compose their charts from the figures they show."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from assessments import group_results

    RoundSnapshot = apps.get_model("assessments", "RoundSnapshot")
    for snapshot in RoundSnapshot.objects.only("round_id", "data").iterator(chunk_size=100):
        RoundSnapshot.objects.filter(pk=snapshot.pk).update(
            collaboration_means=group_results.collaboration_means(snapshot.data)
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0010_round_waiting_parts")]

    operations = [
        migrations.AddField(
            model_name="roundsnapshot",
            name="collaboration_means",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RemoveField(model_name="roundsnapshot", name="figures"),
        migrations.RemoveField(model_name="roundsnapshot", name="moves"),
    ]
