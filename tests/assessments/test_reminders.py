"""Automatic reminders: a schedule per round (days before it closes), sent by a task queued for
each reminder day and by the daily ``send_due_reminders`` command, only to personal invitees
who have not answered, at most once a day, never once the round has closed, and following the
closing date when it moves."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import IndividualLink, ReminderSchedule, Round
from assessments.tasks import reminders_schedule, send_due_reminders
from tests.assessments.helpers import complete
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

BASE = "https://collab.example.org/"
TODAY = timezone.localdate()


@contextmanager
def on(day: date, hour: int = 10):
    """Run the block at ``hour`` o'clock, London time, on ``day``."""
    moment = datetime.combine(day, time(hour), ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False):
        yield


def _invite(round, *emails, sent_on=TODAY):
    links = [IndividualLink.issue(round=round, email=email)[0] for email in emails]
    IndividualLink.objects.filter(pk__in=[link.pk for link in links]).update(sent_on=sent_on)
    return links


def _run_command():
    out = StringIO()
    call_command("send_due_reminders", base_url=BASE, stdout=out)
    return out.getvalue()


def _reminded() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if m.subject.startswith("Reminder:"))


@pytest.fixture
def round(open_round):
    """Open, closing in ten days: reminders due in three days (a week before) and in eight
    (two days before) under the default schedule."""
    open_round.closes_on = TODAY + timedelta(days=10)
    open_round.save(update_fields=["closes_on"])
    assert open_round.reminder_schedule == ReminderSchedule.WEEK_AND_TWO_DAYS
    return open_round


# --- The schedule, from the round form ---------------------------------------------------------


def _round_data(round, **changes):
    data = {
        "title": round.title,
        "framework_version": round.framework_version_id,
        "opens_on": round.opens_on.isoformat(),
        "closes_on": round.closes_on.isoformat(),
        "min_group_size": round.min_group_size,
        "reminder_schedule": round.reminder_schedule,
        "expected_response_rate": round.expected_response_rate,
    }
    return {**data, **changes}


def test_a_new_round_offers_a_week_and_two_days_before_it_closes(fred, collaboration):
    html = signed_in(fred).get(reverse("facilitate_round_new", args=[collaboration.pk]))
    html = html.content.decode()
    radios = re.findall(r'<input[^>]*name="reminder_schedule"[^>]*>', html)
    assert [tag for tag in radios if "checked" in tag] == [
        tag for tag in radios if 'value="7,2"' in tag
    ]
    assert len(radios) == 5
    assert "No automatic reminders" in html
    assert 'name="expected_response_rate" value="60"' in html


def test_the_facilitator_chooses_the_schedule_and_none_is_possible(fred, collaboration, round):
    url = reverse("facilitate_round_edit", args=[collaboration.pk, round.pk])
    response = signed_in(fred).post(url, _round_data(round, reminder_schedule="none"))
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.reminder_schedule == ReminderSchedule.NONE and round.reminder_dates() == []
    invitations = signed_in(fred).get(
        reverse("facilitate_invitations", args=[collaboration.pk, round.pk])
    )
    assert "Automatic reminders: no automatic reminders" in invitations.content.decode()
    _invite(round, "a@example.org")
    with on(TODAY + timedelta(days=3)):
        assert "0 round(s)" in _run_command()
        assert send_due_reminders.enqueue(round.pk, BASE).return_value == 0
    assert not mail.outbox


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"reminder_schedule": "5"}, "Select a valid choice"),
        ({"reminder_schedule": ""}, "This field is required"),
        ({"expected_response_rate": "0"}, "a percentage from 1 to 100"),
        ({"expected_response_rate": "101"}, "a percentage from 1 to 100"),
        ({"expected_response_rate": "lots"}, "Enter a whole number"),
    ],
)
def test_a_bad_schedule_or_rate_is_refused_with_a_message_and_nothing_saved(
    fred, collaboration, round, changes, message
):
    url = reverse("facilitate_round_edit", args=[collaboration.pk, round.pk])
    response = signed_in(fred).post(url, _round_data(round, title="Changed", **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    round.refresh_from_db()
    assert round.title == "Autumn round" and round.reminder_schedule == "7,2"
    assert round.expected_response_rate == 60


def test_the_reminder_days_are_counted_back_from_the_closing_date(round):
    assert round.reminder_dates() == [TODAY + timedelta(days=3), TODAY + timedelta(days=8)]
    round.reminder_schedule = ReminderSchedule.TWO_WEEKS_WEEK_AND_TWO_DAYS
    assert round.reminder_dates()[0] == TODAY - timedelta(days=4)
    # A day already past is not due, nor is any day before the round opens.
    assert not round.reminder_due(TODAY - timedelta(days=4))
    assert round.next_reminder_on(TODAY) == TODAY + timedelta(days=3)


# --- Sent once, only to those who have not answered --------------------------------------------


def test_a_due_reminder_goes_once_even_if_the_task_and_the_command_run_twice(round):
    _invite(round, "a@example.org", "b@example.org")
    with on(TODAY + timedelta(days=2)):  # the day before: nothing due
        assert "0 round(s)" in _run_command()
        assert send_due_reminders.enqueue(round.pk, BASE).return_value == 0
    assert not mail.outbox

    with on(TODAY + timedelta(days=3)):
        assert send_due_reminders.enqueue(round.pk, BASE).return_value == 2
        assert send_due_reminders.enqueue(round.pk, BASE).return_value == 0
        assert "0 round(s)" in _run_command()  # already sent today: not even queued
        _run_command()
    assert _reminded() == ["a@example.org", "b@example.org"]
    assert all(BASE + "i/" in m.body for m in mail.outbox)


def test_the_command_alone_sends_a_due_reminder_once(round):
    _invite(round, "a@example.org")
    with on(TODAY + timedelta(days=8), hour=1):  # cron at night, two days before closing
        assert "1 round(s)" in _run_command()
        assert "0 round(s)" in _run_command()
    assert _reminded() == ["a@example.org"]
    with on(TODAY + timedelta(days=9)):  # the day after: nothing more is due
        assert "0 round(s)" in _run_command()
    assert len(mail.outbox) == 1


def test_nothing_goes_to_someone_who_has_submitted(round, content):
    answered, waiting = _invite(round, "done@example.org", "waiting@example.org")
    complete(Client(), answered.token, content)
    with on(TODAY + timedelta(days=3)):
        _run_command()
    assert _reminded() == ["waiting@example.org"]


def test_someone_invited_on_the_day_is_not_reminded_that_day(round):
    due = TODAY + timedelta(days=3)
    _invite(round, "early@example.org")
    _invite(round, "late@example.org", sent_on=due)
    _invite(round, "never-sent@example.org", sent_on=None)
    with on(due):
        _run_command()
    assert _reminded() == ["early@example.org"]


def test_a_manual_reminder_that_day_counts_as_the_days_reminder(fred, collaboration, round):
    _invite(round, "a@example.org")
    with on(TODAY + timedelta(days=3)):
        signed_in(fred).post(reverse("facilitate_remind", args=[collaboration.pk, round.pk]))
        _run_command()
        send_due_reminders.enqueue(round.pk, BASE)
    assert len(mail.outbox) == 1


# --- Never once the round has closed, and a stale task sends nothing ------------------------------


def test_nothing_goes_once_the_round_is_closed(round):
    _invite(round, "a@example.org")
    round.status = Round.Status.CLOSED
    round.save(update_fields=["status"])
    with on(TODAY + timedelta(days=3)):
        assert "0 round(s)" in _run_command()
        assert send_due_reminders.enqueue(round.pk, BASE).return_value == 0
    assert not mail.outbox


def test_nothing_goes_after_the_closing_date_even_if_the_status_still_says_open(round):
    _invite(round, "a@example.org")
    round.reminder_schedule = ReminderSchedule.TWO_DAYS
    round.closes_on = TODAY + timedelta(days=1)
    round.save(update_fields=["reminder_schedule", "closes_on"])
    for day in (1, 2, 3, 12):
        with on(TODAY + timedelta(days=day)):
            _run_command()
            send_due_reminders.enqueue(round.pk, BASE)
    assert not mail.outbox


def test_a_task_for_a_deleted_round_sends_nothing(round):
    _invite(round, "a@example.org")
    round_id = round.pk
    Round.objects.filter(pk=round_id).delete()
    with on(TODAY + timedelta(days=3)):
        assert send_due_reminders.enqueue(round_id, BASE).return_value == 0
    assert not mail.outbox


def test_a_changed_closing_date_moves_the_schedule(fred, collaboration, round):
    _invite(round, "a@example.org")
    url = reverse("facilitate_round_edit", args=[collaboration.pk, round.pk])
    later = round.closes_on + timedelta(days=5)  # reminders now in 8 and 13 days
    assert signed_in(fred).post(url, _round_data(round, closes_on=later.isoformat())).status_code
    round.refresh_from_db()
    assert round.closes_on == later

    with on(TODAY + timedelta(days=3)):  # the old week-before day
        assert "0 round(s)" in _run_command()
        assert send_due_reminders.enqueue(round.pk, BASE).return_value == 0
    assert not mail.outbox
    with on(TODAY + timedelta(days=8)):  # the new one
        _run_command()
    assert _reminded() == ["a@example.org"]


def test_the_command_needs_the_sites_address(round):
    with pytest.raises(CommandError, match="http"):
        call_command("send_due_reminders", base_url="collab.example.org")


# --- Queued for their day, where the backend can wait (the database backend) -------------------


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_with_the_immediate_backend_nothing_is_queued_for_later(round):
    assert reminders_schedule(round, BASE) == 0


# The worker closes the database connection between tasks (close_old_connections), which inside
# a test's wrapping transaction leaves it closed: this test commits as production does.
@pytest.mark.django_db(transaction=True)
def test_saving_a_round_queues_its_reminders_for_their_days_and_the_worker_sends_once(
    fred, collaboration, round, database_tasks
):
    from django_tasks_db.models import DBTaskResult

    _invite(round, "a@example.org")
    url = reverse("facilitate_round_edit", args=[collaboration.pk, round.pk])
    later = round.closes_on + timedelta(days=5)
    signed_in(fred).post(url, _round_data(round, closes_on=later.isoformat()))

    queued = DBTaskResult.objects.filter(task_path__endswith="send_due_reminders")
    london = ZoneInfo("Europe/London")
    assert sorted(row.run_after.astimezone(london) for row in queued) == [
        datetime.combine(later - timedelta(days=days), time(9), london) for days in (7, 2)
    ]
    # Saved again with the same dates and schedule: nothing more queued.
    signed_in(fred).post(url, _round_data(round, closes_on=later.isoformat(), title="Renamed"))
    assert queued.count() == 2

    with on(TODAY + timedelta(days=8), hour=8):  # before nine: the task waits
        _worker()
    assert not mail.outbox
    with on(TODAY + timedelta(days=8), hour=9):
        _worker()
        call_command("send_due_reminders", base_url=BASE, stdout=StringIO())
        _worker()  # the command queued one more: it finds the day's reminder sent
    assert _reminded() == ["a@example.org"]
    with on(TODAY + timedelta(days=13), hour=9):
        _worker()
    assert len(mail.outbox) == 2
