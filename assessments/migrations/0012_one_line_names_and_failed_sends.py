"""Names are one line, and a failed e-mail is recorded where the facilitator sees it.

Collaboration, team and round names with a line break made every e-mail of their collaboration
fail (a header can't hold one): the names already stored are put on one line (each run of
control characters becomes a space) before the constraints are added. A team whose name would
then equal another team's of the same collaboration gets a number after it.
"""

import re

import django.core.validators
from django.db import migrations, models

NOT_ONE_LINE = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"


def _one_line(value: str) -> str:
    return " ".join(re.sub(NOT_ONE_LINE, " ", value).split())


def names_on_one_line(apps, schema_editor):
    for model_name, field in [("Collaboration", "name"), ("Round", "title"), ("Team", "name")]:
        model = apps.get_model("assessments", model_name)
        # Python's re on SQLite (Django's REGEXP function), the server's regex on PostgreSQL.
        for row in model.objects.filter(**{f"{field}__regex": NOT_ONE_LINE}):
            value = _one_line(getattr(row, field)) or "(no name)"
            if model_name == "Team":
                taken = set(
                    model.objects.filter(collaboration_id=row.collaboration_id)
                    .exclude(pk=row.pk)
                    .values_list("name", flat=True)
                )
                base, number = value, 2
                while value in taken:
                    value, number = f"{base} ({number})", number + 1
            setattr(row, field, value)
            row.save(update_fields=[field])


ONE_LINE = django.core.validators.RegexValidator(
    NOT_ONE_LINE,
    code="not_one_line",
    inverse_match=True,
    message="Keep it to one line: line breaks, tabs and other control characters can't be used.",
)


def _one_line_constraint(field, name):
    return models.CheckConstraint(
        condition=models.Q(
            models.Q((f"{field}__contains", "\n"), _negated=True),
            models.Q((f"{field}__contains", "\r"), _negated=True),
        ),
        name=name,
        violation_error_message=ONE_LINE.message,
    )


SEND_FAILURES = [
    ("address_refused", "the mail server refused the address"),
    ("unreachable", "the mail server could not be reached"),
    ("sign_in", "the mail server refused CollabAssess's sign-in"),
    ("message", "the mail server refused the message"),
    ("other", "an unexpected error"),
]


def _send_failure_valid(model):
    return models.CheckConstraint(
        condition=models.Q(("send_failure__in", ["", *(value for value, _ in SEND_FAILURES)])),
        name=f"{model}_send_failure_valid",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0011_snapshot_collaboration_means"),
    ]

    operations = [
        migrations.RunPython(names_on_one_line, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="collaboration",
            name="name",
            field=models.CharField(max_length=200, validators=[ONE_LINE]),
        ),
        migrations.AlterField(
            model_name="team",
            name="name",
            field=models.CharField(max_length=200, validators=[ONE_LINE]),
        ),
        migrations.AlterField(
            model_name="round",
            name="title",
            field=models.CharField(max_length=200, validators=[ONE_LINE]),
        ),
        migrations.AddConstraint(
            model_name="collaboration",
            constraint=_one_line_constraint("name", "collaboration_name_one_line"),
        ),
        migrations.AddConstraint(
            model_name="team",
            constraint=_one_line_constraint("name", "team_name_one_line"),
        ),
        migrations.AddConstraint(
            model_name="round",
            constraint=_one_line_constraint("title", "round_title_one_line"),
        ),
        migrations.AddField(
            model_name="individuallink",
            name="send_failed_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="individuallink",
            name="send_failure",
            field=models.CharField(
                blank=True, choices=SEND_FAILURES, editable=False, max_length=20
            ),
        ),
        migrations.AddField(
            model_name="memberinvitation",
            name="sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="memberinvitation",
            name="send_failed_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="memberinvitation",
            name="send_failure",
            field=models.CharField(
                blank=True, choices=SEND_FAILURES, editable=False, max_length=20
            ),
        ),
        migrations.AddConstraint(
            model_name="individuallink",
            constraint=_send_failure_valid("individuallink"),
        ),
        migrations.AddConstraint(
            model_name="memberinvitation",
            constraint=_send_failure_valid("memberinvitation"),
        ),
    ]
