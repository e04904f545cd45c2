"""Migration 0013 gives rounds that existed before automatic reminders no schedule: nobody
invited to an open round starts getting e-mails that nobody chose. New rounds get the default."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Round

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("assessments", "0012_one_line_names_and_failed_sends")]
AFTER = [("assessments", "0013_round_reminders_and_expected_rate")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_rounds_from_before_send_no_automatic_reminders_and_new_ones_do(content):
    apps = _migrate(BEFORE)
    try:
        version = apps.get_model("frameworks", "FrameworkVersion").objects.get(pk=content.pk)
        collaboration = apps.get_model("assessments", "Collaboration").objects.create(
            name="Older ICS", framework_version=version
        )
        old = apps.get_model("assessments", "Round").objects.create(
            collaboration=collaboration,
            framework_version=version,
            title="Open before the upgrade",
            opens_on=date(2026, 11, 1),
            closes_on=date(2026, 12, 31),
            status="open",
        )
        _migrate(AFTER)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert Round.objects.get(pk=old.pk).reminder_schedule == "none"
    new = Round.objects.create(
        collaboration_id=old.collaboration_id,
        framework_version=content,
        title="After the upgrade",
        opens_on=date(2027, 1, 1),
        closes_on=date(2027, 1, 31),
    )
    assert new.reminder_schedule == "7,2"
