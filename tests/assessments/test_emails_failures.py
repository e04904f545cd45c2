"""Names that reach e-mail headers are one line, and a send that fails is shown to the
facilitator, with why (never the mail server's words, which name the address), and can be tried
again."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from assessments.models import Collaboration, IndividualLink, MemberInvitation, Round, Team
from tests.assessments.helpers import complete
from tests.assessments.test_facilitate import _collaboration_data
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

ONE_LINE = "Keep it to one line"
BROKEN = [
    "North Yorkshire\nICS",
    "North Yorkshire\r\nICS",
    "North\tYorkshire",
    "North\u2028Yorkshire",
    "North\x85Yorkshire",
]


# --- One-line names ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", BROKEN)
def test_a_collaboration_name_with_a_line_break_is_refused_with_a_message(olive, content, name):
    response = signed_in(olive).post(
        reverse("facilitate_new"), _collaboration_data(content, name=name)
    )
    assert response.status_code == 400
    assert ONE_LINE in response.content.decode()
    assert not Collaboration.objects.filter(name__contains="Yorkshire").exists()


def test_an_edit_cannot_put_a_line_break_in_the_name(olive, collaboration, content):
    response = signed_in(olive).post(
        reverse("facilitate_edit", args=[collaboration.pk]),
        _collaboration_data(content, name="Northshire\nStroke Network"),
    )
    assert response.status_code == 400 and ONE_LINE in response.content.decode()
    collaboration.refresh_from_db()
    assert collaboration.name == "Northshire Stroke Network"


def test_team_and_round_names_are_one_line_too(fred, collaboration, content):
    client = signed_in(fred)
    response = client.post(
        reverse("facilitate_teams", args=[collaboration.pk]), {"name": "Ambulance\nService"}
    )
    assert response.status_code == 400 and ONE_LINE in response.content.decode()
    assert not Team.objects.filter(name__startswith="Ambulance").exists()

    today = timezone.localdate()
    response = client.post(
        reverse("facilitate_round_new", args=[collaboration.pk]),
        {
            "title": "Spring\r\n2027",
            "framework_version": content.pk,
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=20)).isoformat(),
            "min_group_size": "5",
        },
    )
    assert response.status_code == 400 and ONE_LINE in response.content.decode()
    assert not Round.objects.filter(title__startswith="Spring").exists()


def test_a_new_members_name_is_one_line(olive, collaboration):
    signed_in(olive).post(
        reverse("facilitate_members", args=[collaboration.pk]),
        {"email": "nia@example.org", "role": "viewer"},
    )
    url = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/invitation/" in line)
    browser = Client()
    browser.get(url)
    response = browser.post(
        reverse("member_invitation_accept"),
        {
            "name": "Nia\nKhan",
            "password1": "a long Passphrase 42",
            "password2": "a long Passphrase 42",
        },
    )
    assert response.status_code == 400 and ONE_LINE in response.content.decode()


@pytest.mark.parametrize(
    ("model", "field"), [(Collaboration, "name"), (Team, "name"), (Round, "title")]
)
def test_the_database_refuses_a_line_break_in_a_name(collaboration, open_round, model, field):
    row = {Collaboration: collaboration, Team: collaboration.teams.first(), Round: open_round}
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row[model].pk).update(**{field: "two\nlines"})


# --- Failed sends ------------------------------------------------------------------------------


def _refuse(address="sam@example.org"):
    """A send that fails as an SMTP server refusing the address does; its message names it."""

    def send(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({address: (550, f"5.1.1 <{address}>: no such user")})

    return send


def test_a_failed_invitation_says_so_without_the_servers_words_and_can_be_retried(
    fred, collaboration, open_round, monkeypatch
):
    client = signed_in(fred)
    page = reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk])
    real_send = EmailMultiAlternatives.send
    monkeypatch.setattr(EmailMultiAlternatives, "send", _refuse())
    client.post(page, {"addresses": "sam@example.org, lee@example.org"})

    link = IndividualLink.objects.get(email="sam@example.org")
    assert (link.sent_on, link.send_failed_on, link.send_failure) == (
        None,
        timezone.localdate(),
        "address_refused",
    )
    html = client.get(page).content.decode()
    today = dateformat.format(timezone.localdate(), "j M Y")
    assert f"Could not be sent on {today}: the mail server refused the address" in html
    assert "no such user" not in html and "5.1.1" not in html
    assert "2 invitations could not be sent" in html and "Try sending them again" in html

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    response = client.post(
        reverse("facilitate_invitations_retry", args=[collaboration.pk, open_round.pk]),
        follow=True,
    )

    assert sorted(m.to[0] for m in mail.outbox) == ["lee@example.org", "sam@example.org"]
    link.refresh_from_db()
    assert (link.sent_on, link.send_failed_on, link.send_failure) == (
        timezone.localdate(),
        None,
        "",
    )
    html = response.content.decode()
    assert "Sending 2 invitations again." in html
    assert "Could not be sent" not in html and "Try sending" not in html
    # Again: nothing waits, nothing is sent twice.
    client.post(reverse("facilitate_invitations_retry", args=[collaboration.pk, open_round.pk]))
    assert len(mail.outbox) == 2


def test_a_failed_reminder_is_not_shown_and_a_use_wipes_it(
    fred, collaboration, open_round, content, monkeypatch
):
    """The page never says who has answered: a failed reminder (sent only to those who have
    not) is not shown per address, and submitting wipes it, as it wipes the last reminder."""
    client = signed_in(fred)
    page = reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk])
    client.post(page, {"addresses": "a@example.org, b@example.org"})
    monkeypatch.setattr(EmailMultiAlternatives, "send", _refuse("a@example.org"))
    client.post(reverse("facilitate_remind", args=[collaboration.pk, open_round.pk]))

    assert IndividualLink.objects.filter(send_failed_on__isnull=False).count() == 2
    assert "Could not be sent" not in client.get(page).content.decode()
    answered = IndividualLink.objects.get(email="b@example.org")
    complete(Client(), answered.token, content)
    answered.refresh_from_db()
    assert (answered.send_failed_on, answered.send_failure, answered.reminded_on) == (
        None,
        "",
        None,
    )


def test_a_failed_member_invitation_says_so_and_can_be_tried_again(
    olive, collaboration, monkeypatch
):
    client = signed_in(olive)
    members = reverse("facilitate_members", args=[collaboration.pk])
    real_send = EmailMultiAlternatives.send
    monkeypatch.setattr(EmailMultiAlternatives, "send", _refuse("nia@example.org"))
    client.post(members, {"email": "nia@example.org", "role": "viewer"})

    invitation = MemberInvitation.objects.get()
    assert (invitation.sent_at, invitation.send_failure) == (None, "address_refused")
    html = client.get(members).content.decode()
    today = dateformat.format(timezone.localdate(), "j M Y")
    assert f"could not be sent on {today}: the mail server refused the address" in html
    assert "no such user" not in html
    assert "Try again" in html

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    # The button posts the address and role again: the waiting invitation is sent, no new one.
    response = client.post(members, {"email": "nia@example.org", "role": "viewer"}, follow=True)

    assert [m.to for m in mail.outbox] == [["nia@example.org"]]
    assert MemberInvitation.objects.get().pk == invitation.pk
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.send_failed_on is None
    html = response.content.decode()
    assert "it is on its way again" in html and "could not be sent" not in html


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), "sign_in"),
        (smtplib.SMTPServerDisconnected("gone"), "unreachable"),
        (ConnectionRefusedError(111, "Connection refused"), "unreachable"),
        (smtplib.SMTPDataError(554, b"spam"), "message"),
        (RuntimeError("a bug"), "other"),
    ],
)
def test_each_kind_of_failure_gets_a_reason(open_round, monkeypatch, error, reason):
    from assessments.tasks import send_invitations

    def send(self, fail_silently=False):
        raise error

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    link, _ = IndividualLink.issue(round=open_round, email="one@example.org")
    send_invitations.enqueue([link.pk], "http://testserver/")
    link.refresh_from_db()
    assert link.send_failure == reason and link.sent_on is None
