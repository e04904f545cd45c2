"""Personal invitations by e-mail: addresses checked, each sent once, reminders only to those
who have not answered (at most once a day), addresses erased after the round."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import IndividualLink, Round
from assessments.services.facilitate import addresses_from_csv, addresses_from_text
from assessments.tasks import send_invitations
from tests.assessments.helpers import complete
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _invite(client, collaboration, round, **data):
    return client.post(reverse("facilitate_invitations", args=[collaboration.pk, round.pk]), data)


def test_pasted_addresses_are_checked_and_the_page_says_what_happened(
    fred, collaboration, open_round
):
    IndividualLink.issue(round=open_round, email="kim@example.org")
    client = signed_in(fred)
    team = collaboration.teams.first()
    pasted = (
        "Sam Jones <sam@example.org>, lee@example.org\n"
        "LEE@example.org; kim@example.org\n"
        "not-an-address\n"
        "pat@example"
    )

    response = _invite(client, collaboration, open_round, team=team.pk, addresses=pasted)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Added 2, skipped 2, refused 2" in html
    assert "given more than once: lee@example.org" in html
    assert "already invited to this round: kim@example.org" in html
    assert "“not-an-address”, not a valid e-mail address" in html
    added = IndividualLink.objects.filter(
        round=open_round, email__in=["sam@example.org", "lee@example.org"]
    )
    assert added.count() == 2 and all(link.team == team for link in added)
    # Each new invitee got one e-mail: plain text and HTML, with the collaboration, the
    # closing date and the privacy line.
    assert sorted(m.to[0] for m in mail.outbox) == ["lee@example.org", "sam@example.org"]
    message = mail.outbox[0]
    closing = open_round.closes_on.strftime("%-d %B %Y")
    assert collaboration.name in message.subject
    for body in (message.body, message.alternatives[0][0]):
        assert collaboration.name in body and closing in body
        assert "never stored with your answers" in body
    assert message.alternatives[0][1] == "text/html"
    link = IndividualLink.objects.get(email=message.to[0])
    assert f"/i/{link.token}/" in message.body
    assert link.sent_on == timezone.localdate()


def test_a_csv_upload_takes_every_cell_with_an_address(fred, collaboration, open_round):
    csv = "\ufeffName,E-mail\nAmy Rose,amy@example.org\nBen Oak,ben@example.org\n,\n".encode()
    response = _invite(
        signed_in(fred),
        collaboration,
        open_round,
        csv_file=SimpleUploadedFile("people.csv", csv, content_type="text/csv"),
    )
    assert response.status_code == 200
    assert set(IndividualLink.objects.values_list("email", flat=True)) == {
        "amy@example.org",
        "ben@example.org",
    }
    assert addresses_from_text("a@x.org;b@x.org\nC <c@x.org>") == ["a@x.org", "b@x.org", "c@x.org"]
    assert addresses_from_csv(b"x,y@z.org\n") == ["y@z.org"]


def test_a_csv_that_is_not_utf8_is_refused_with_a_message(fred, collaboration, open_round):
    csv = "Zoë,zoe@example.org\n".encode("utf-16")
    response = _invite(
        signed_in(fred),
        collaboration,
        open_round,
        csv_file=SimpleUploadedFile("people.csv", csv, content_type="text/csv"),
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not IndividualLink.objects.exists()


def test_an_empty_submission_says_what_is_missing(fred, collaboration, open_round):
    response = _invite(signed_in(fred), collaboration, open_round, addresses="  ")
    assert response.status_code == 400
    assert "Paste some e-mail addresses or upload a CSV file." in response.content.decode()


def test_each_invitation_is_sent_once_even_if_the_task_runs_again(open_round):
    link, _ = IndividualLink.issue(round=open_round, email="one@example.org")
    send_invitations.enqueue([link.pk], "http://testserver/")
    send_invitations.enqueue([link.pk], "http://testserver/")
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        send_invitations.enqueue([link.pk], "http://testserver/")  # a retry, days later
    assert len(mail.outbox) == 1


def test_a_failed_send_is_tried_again_next_time(open_round, monkeypatch):
    link, _ = IndividualLink.issue(round=open_round, email="one@example.org")
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send
    monkeypatch.setattr(EmailMultiAlternatives, "send", lambda self: (_ for _ in ()).throw(OSError))
    send_invitations.enqueue([link.pk], "http://testserver/")
    link.refresh_from_db()
    assert link.sent_on is None
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    send_invitations.enqueue([link.pk], "http://testserver/")
    assert len(mail.outbox) == 1


def test_reminders_go_only_to_those_who_have_not_answered_at_most_once_a_day(
    fred, collaboration, open_round, content
):
    client = signed_in(fred)
    _invite(
        client,
        collaboration,
        open_round,
        addresses="a@example.org, b@example.org, c@example.org",
    )
    answered = IndividualLink.objects.get(email="b@example.org")
    complete(Client(), answered.token, content)
    mail.outbox.clear()
    remind = reverse("facilitate_remind", args=[collaboration.pk, open_round.pk])

    client.post(remind)

    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "c@example.org"]
    assert all(m.subject.startswith("Reminder:") for m in mail.outbox)
    response = client.post(remind, follow=True)
    assert "already went out for this round today" in response.content.decode()
    assert len(mail.outbox) == 2
    tomorrow = datetime.combine(
        timezone.localdate() + timedelta(days=1), datetime.min.time(), ZoneInfo("Europe/London")
    ) + timedelta(hours=10)
    with time_machine.travel(tomorrow, tick=False):
        client.post(remind)
    assert len(mail.outbox) == 4


def test_no_reminder_for_a_closed_round(fred, collaboration, open_round):
    IndividualLink.issue(round=open_round, email="a@example.org")
    Round.objects.filter(pk=open_round.pk).update(status="closed")
    response = signed_in(fred).post(
        reverse("facilitate_remind", args=[collaboration.pk, open_round.pk]), follow=True
    )
    assert "only go out while the round is open" in response.content.decode()
    assert not mail.outbox


def test_the_invitations_page_never_says_who_has_answered(fred, collaboration, open_round, content):
    _invite(signed_in(fred), collaboration, open_round, addresses="a@example.org, b@example.org")
    complete(Client(), IndividualLink.objects.get(email="b@example.org").token, content)
    html = (
        signed_in(fred)
        .get(reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk]))
        .content.decode()
    )
    row_a = html[html.index("a@example.org") : html.index("</tr>", html.index("a@example.org"))]
    row_b = html[html.index("b@example.org") : html.index("</tr>", html.index("b@example.org"))]
    assert row_a.replace("a@", "") == row_b.replace("b@", "")


def test_addresses_are_erased_the_configured_days_after_the_round_closes(open_round, settings):
    settings.INVITATION_EMAIL_RETENTION_DAYS = 30
    link, _ = IndividualLink.issue(round=open_round, email="a@example.org")
    Round.objects.filter(pk=open_round.pk).update(
        opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1), status="closed"
    )
    at = datetime(2026, 3, 3, 12, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=False):
        call_command("apply_retention", verbosity=0)
    link.refresh_from_db()
    assert link.email == "a@example.org"  # 30 days after 1 February is 3 March
    with time_machine.travel(at + timedelta(days=1), tick=False):
        call_command("apply_retention", verbosity=0)
    link.refresh_from_db()
    assert link.email == ""


@pytest.mark.django_db(transaction=True)  # the worker closes the connection between tasks
def test_in_production_the_worker_sends_the_queued_emails_and_the_queue_holds_no_token(
    fred, collaboration, open_round, settings, content
):
    """With the database backend (the default without DEBUG), e-mails wait for db_worker."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    _invite(signed_in(fred), collaboration, open_round, addresses="q@example.org")
    assert not mail.outbox
    queued = DBTaskResult.objects.get()
    link = IndividualLink.objects.get(email="q@example.org")
    assert link.token not in str(queued.args_kwargs) and str(link.pk) in str(queued.args_kwargs)

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert [m.to for m in mail.outbox] == [["q@example.org"]]
    assert f"/i/{link.token}/" in mail.outbox[0].body
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
