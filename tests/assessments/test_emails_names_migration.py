"""Migration 0012 puts the names already stored on one line before it adds the constraints:
a collaboration whose name had a line break could send no e-mail at all."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("assessments", "0011_snapshot_collaboration_means")]
AFTER = [("assessments", "0012_one_line_names_and_failed_sends")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_0012_puts_stored_names_on_one_line(before, content):
    apps = before
    version = apps.get_model("frameworks", "FrameworkVersion").objects.get(pk=content.pk)
    Collaboration = apps.get_model("assessments", "Collaboration")
    collaboration = Collaboration.objects.create(
        name="North Yorkshire\r\nICS", framework_version=version
    )
    Team = apps.get_model("assessments", "Team")
    Team.objects.create(collaboration=collaboration, name="Acute Trust")
    broken_team = Team.objects.create(collaboration=collaboration, name="Acute\nTrust")
    round = apps.get_model("assessments", "Round").objects.create(
        collaboration=collaboration,
        framework_version=version,
        title="Spring\u20282027\t",
        opens_on="2027-03-01",
        closes_on="2027-03-31",
    )

    apps = _migrate(AFTER)

    assert apps.get_model("assessments", "Collaboration").objects.get(pk=collaboration.pk).name == (
        "North Yorkshire ICS"
    )
    # The team's name would now equal its neighbour's: it gets a number after it.
    assert apps.get_model("assessments", "Team").objects.get(pk=broken_team.pk).name == (
        "Acute Trust (2)"
    )
    assert apps.get_model("assessments", "Round").objects.get(pk=round.pk).title == "Spring 2027"
