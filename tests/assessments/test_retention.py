"""What the privacy notice promises to delete is deleted, on the day it is due (frozen clock)."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from assessments.models import Answer, Comment, IndividualLink, Response, Round
from assessments.retention import months_before
from tests.assessments.helpers import answer_page, complete, start

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _at(day: date):
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 12, tzinfo=LONDON), tick=False
    )


def _close(round, on: date):
    Round.objects.filter(pk=round.pk).update(
        opens_on=on - timedelta(days=30), closes_on=on, status="closed"
    )


def _run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_months_before_handles_month_ends():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 11, 22), 36) == date(2023, 11, 22)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


@pytest.fixture
def closed_round_with_data(anon_client, team_link, content, settings):
    """A round with a submitted response (with a comment), a draft and two personal links."""
    settings.RESPONSE_RETENTION_MONTHS = 36
    round = team_link.round
    submitted = complete(anon_client, team_link.token, content)
    Comment.objects.create(
        response=submitted, characteristic=content.characteristics.first(), text="x"
    )
    from django.test import Client

    other = Client()
    draft = start(other, team_link.token)
    answer_page(other, content, 1, value="3")
    used, _ = IndividualLink.issue(round=round, email="a@example.org")
    IndividualLink.objects.filter(pk=used.pk).update(used=True)
    IndividualLink.issue(round=round, email="b@example.org")
    _close(round, date(2026, 1, 31))
    return round, submitted, draft


def test_nothing_is_deleted_before_the_retention_date(closed_round_with_data):
    round, submitted, draft = closed_round_with_data
    with _at(date(2026, 2, 5)):  # closed 5 days ago: drafts still have their week
        assert "Deleted 0 response(s)" in _run()
    assert Response.objects.filter(pk__in=[submitted.pk, draft.pk]).count() == 2
    with _at(date(2029, 1, 31)):  # exactly 36 months after closing: not yet
        _run()
    assert Response.objects.filter(pk=submitted.pk).exists()


def test_abandoned_drafts_go_a_week_after_the_round_closes(closed_round_with_data):
    round, submitted, draft = closed_round_with_data
    with _at(date(2026, 2, 8)):
        output = _run()
    assert "1 abandoned draft(s)" in output
    assert not Response.objects.filter(pk=draft.pk).exists()
    assert not Answer.objects.filter(response_id=draft.pk).exists()
    assert Response.objects.filter(pk=submitted.pk).exists()


def test_responses_comments_and_links_go_after_the_retention_period(closed_round_with_data):
    round, submitted, draft = closed_round_with_data
    with _at(date(2029, 2, 1)):
        output = _run()
    assert "Deleted 2 response(s)" in output and "2 personal invitation link(s)" in output
    assert not Response.objects.filter(round=round).exists()
    assert not Answer.objects.filter(response__round=round).exists()
    assert not Comment.objects.exists()
    assert not IndividualLink.objects.filter(round=round).exists()
    assert Round.objects.filter(pk=round.pk).exists()  # the round itself stays


def test_comments_kept_in_the_results_snapshot_go_with_the_responses(closed_round_with_data):
    from assessments.models import RoundSnapshot

    round, _, _ = closed_round_with_data
    RoundSnapshot.objects.create(
        round=round,
        responses=5,
        taken_on=date(2026, 1, 30),
        data={"cells": {}},
        comments={"1": ["a comment kept for the results"]},
    )
    with _at(date(2029, 1, 31)):
        _run()
    assert RoundSnapshot.objects.get(round=round).comments == {
        "1": ["a comment kept for the results"]
    }
    with _at(date(2029, 2, 1)):
        _run()
    snapshot = RoundSnapshot.objects.get(round=round)
    assert snapshot.comments == {}
    assert snapshot.data == {"cells": {}}  # the group sums stay for later rounds' comparisons


def test_other_rounds_are_untouched(closed_round_with_data, other_collaboration_round, content):
    from django.test import Client

    from assessments.models import TeamLink

    link = TeamLink.objects.get(round=other_collaboration_round)
    kept = complete(Client(), link.token, content)
    with _at(date(2029, 2, 1)):
        Round.objects.filter(pk=other_collaboration_round.pk).update(
            opens_on=date(2029, 1, 1), closes_on=date(2029, 3, 1)
        )
        _run()
    assert Response.objects.filter(pk=kept.pk).exists()


def test_dry_run_counts_and_deletes_nothing(closed_round_with_data):
    round, submitted, draft = closed_round_with_data
    with _at(date(2029, 2, 1)):
        output = _run("--dry-run")
    assert output.startswith("Would delete 2 response(s) of rounds closed before 01 February 2026")
    assert Response.objects.filter(round=round).count() == 2
    assert IndividualLink.objects.filter(round=round).count() == 2


def test_a_dry_run_says_what_it_would_erase_and_erases_nothing(closed_round_with_data, settings):
    round, _, _ = closed_round_with_data
    settings.INVITATION_EMAIL_RETENTION_DAYS = 30
    # Past the addresses' 30 days, long before the responses' 36 months.
    with _at(date(2026, 3, 15)):
        output = _run("--dry-run")
    assert "would erase 2 invitee e-mail address(es)" in output
    assert "erased" not in output and "Deleted" not in output
    assert sorted(round.individual_links.values_list("email", flat=True)) == [
        "a@example.org",
        "b@example.org",
    ]
    with _at(date(2026, 3, 15)):
        output = _run()
    assert output.startswith("Deleted 0 response(s)")
    assert "erased 2 invitee e-mail address(es)" in output and "would" not in output
    assert set(round.individual_links.values_list("email", flat=True)) == {""}
