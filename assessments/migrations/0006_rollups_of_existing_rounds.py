"""Rollups and snapshots for rounds that had submitted responses before there were rollups."""

from django.db import migrations


def build(apps, schema_editor):
    from collections import defaultdict

    from django.utils import timezone

    from assessments import rollups

    Round = apps.get_model("assessments", "Round")
    Response = apps.get_model("assessments", "Response")
    Answer = apps.get_model("assessments", "Answer")
    Comment = apps.get_model("assessments", "Comment")
    Indicator = apps.get_model("frameworks", "Indicator")
    RoundRollup = apps.get_model("assessments", "RoundRollup")
    RoundSnapshot = apps.get_model("assessments", "RoundSnapshot")

    for round in Round.objects.filter(responses__status="submitted").distinct():
        grouped = defaultdict(list)
        for number, pk in (
            Indicator.objects.filter(characteristic__version_id=round.framework_version_id)
            .order_by("characteristic__number", "position", "pk")
            .values_list("characteristic__number", "pk")
        ):
            grouped[number].append(pk)
        structure = rollups.Structure(tuple((n, tuple(ids)) for n, ids in sorted(grouped.items())))
        submitted = Response.objects.filter(round=round, status="submitted")
        answers = defaultdict(dict)
        for response_id, indicator_id, value in Answer.objects.filter(
            response__in=submitted
        ).values_list("response_id", "indicator_id", "value"):
            answers[response_id][indicator_id] = value
        modes = defaultdict(list)
        for response_id, slug in Response.value_modes.through.objects.filter(
            response__in=submitted
        ).values_list("response_id", "valuemode__slug"):
            modes[response_id].append(slug)
        rows = list(submitted.values_list("pk", "team_id", "stakeholder_group"))
        data = rollups.rebuild(
            structure, ((team, group, answers[pk], modes[pk]) for pk, team, group in rows)
        )
        RoundRollup.objects.update_or_create(
            round=round, defaults={"responses": len(rows), "data": data}
        )
        if len(rows) >= round.min_group_size:
            comments = defaultdict(list)
            for number, text in Comment.objects.filter(response__in=submitted).values_list(
                "characteristic__number", "text"
            ):
                comments[f"c{number}"].append(text)
            RoundSnapshot.objects.update_or_create(
                round=round,
                defaults={
                    "responses": len(rows),
                    "taken_on": timezone.localdate(),
                    "data": data,
                    "comments": dict(comments),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_round_rollups_and_snapshots")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
