"""E-mails that look like a person sent them: a greeting, the collaboration's name in both parts,
a subject worth opening, and From "<facilitator> via CollabAssess" over the configured address
with Reply-To the facilitator."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import dateformat

from assessments.models import IndividualLink
from assessments.tasks import send_invitations
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

FROM = "CollabAssess <invitations@collab.example>"


@pytest.fixture(autouse=True)
def from_address(settings):
    settings.DEFAULT_FROM_EMAIL = FROM


def _headers(message):
    """The headers as a mail client reads them: the message as sent, parsed again."""
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    sender = parsed["From"].addresses[0]
    replies = parsed["Reply-To"].addresses if parsed["Reply-To"] else ()
    return {
        "subject": str(parsed["Subject"]),
        "from_name": sender.display_name,
        "from_address": sender.addr_spec,
        "reply_to": [address.addr_spec for address in replies],
    }


def _parts(message) -> tuple[str, str]:
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.body, html


def _assert_greets(message):
    """Both parts open with the greeting: the text's first line, the HTML's first paragraph."""
    text, html = _parts(message)
    assert text.startswith("Hello,\n")
    assert html.split("<p>", 1)[1].startswith("Hello,</p>")


def _name(user, first, last):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])


def test_a_personal_invitation_comes_from_the_facilitator_with_a_greeting(
    fred, collaboration, open_round
):
    _name(fred, "Jane", "Smith")
    signed_in(fred).post(
        reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk]),
        {"addresses": "sam@example.org"},
    )

    [message] = mail.outbox
    headers = _headers(message)
    closes = dateformat.format(open_round.closes_on, "j F")
    assert headers["subject"].startswith(
        f"Northshire Stroke Network: 10 minutes to assess how your partnership works (closes {closes}"
    )
    assert headers["from_name"] == "Jane Smith via CollabAssess"
    assert headers["from_address"] == "invitations@collab.example"
    assert headers["reply_to"] == ["fred@example.org"]
    _assert_greets(message)
    for part in _parts(message):
        assert "Northshire Stroke Network" in part
        assert "Jane Smith, for Northshire Stroke Network" in part


def test_a_reminder_says_so_and_comes_from_who_sent_it(fred, collaboration, open_round):
    _name(fred, "Jane", "Smith")
    client = signed_in(fred)
    client.post(
        reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk]),
        {"addresses": "sam@example.org"},
    )
    mail.outbox.clear()
    client.post(reverse("facilitate_remind", args=[collaboration.pk, open_round.pk]))

    [message] = mail.outbox
    headers = _headers(message)
    assert headers["subject"].startswith("Reminder: Northshire Stroke Network: 10 minutes")
    assert headers["from_name"] == "Jane Smith via CollabAssess"
    _assert_greets(message)
    for part in _parts(message):
        assert "A reminder" in part and "Northshire Stroke Network" in part


def test_without_a_known_person_the_collaboration_is_the_sender(open_round):
    """A scheduled reminder, or a facilitator with only a user name (often an address, which
    as a display name would look forged): the collaboration's name, and no Reply-To."""
    link, _ = IndividualLink.issue(round=open_round, email="sam@example.org")
    send_invitations.enqueue([link.pk], "http://testserver/")

    headers = _headers(mail.outbox[0])
    assert headers["from_name"] == "Northshire Stroke Network via CollabAssess"
    assert headers["from_address"] == "invitations@collab.example"
    assert headers["reply_to"] == []


def test_names_are_encoded_not_pasted_into_the_headers(fred, collaboration, open_round):
    """Accents, quotes and a line break stored before names were checked (an admin edit) make a
    valid header: one line, decoded back to the same words."""
    _name(fred, 'Zoë "Zo"', "O'Brien,\nMD")
    signed_in(fred).post(
        reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk]),
        {"addresses": "sam@example.org"},
    )

    headers = _headers(mail.outbox[0])
    assert headers["from_name"] == 'Zoë "Zo" O\'Brien, MD via CollabAssess'
    assert headers["from_address"] == "invitations@collab.example"
    assert headers["reply_to"] == ["fred@example.org"]


def test_a_member_invitation_names_the_inviter_and_the_collaboration(olive, collaboration):
    _name(olive, "Olive", "Owens")
    response = signed_in(olive).post(
        reverse("facilitate_members", args=[collaboration.pk]),
        {"email": "nia@example.org", "role": "facilitator"},
    )
    assert response.status_code == 302

    [message] = mail.outbox
    headers = _headers(message)
    assert (
        headers["subject"]
        == "Olive Owens invites you to help run Northshire Stroke Network on CollabAssess"
    )
    assert headers["from_name"] == "Olive Owens via CollabAssess"
    assert headers["from_address"] == "invitations@collab.example"
    assert headers["reply_to"] == ["olive@example.org"]
    _assert_greets(message)
    for part in _parts(message):
        assert "Olive Owens invites you to help run" in part and "Northshire Stroke Network" in part


def test_the_password_reset_greets_the_person(fred):
    _name(fred, "Fred", "Baker")
    Client().post(reverse("password_reset"), {"email": "fred@example.org"})
    [message] = mail.outbox
    assert message.body.startswith("Hello Fred Baker,")
    assert "/accounts/reset/" in message.body


def test_the_address_example_in_the_help_text_is_shown_not_parsed_as_a_tag(
    fred, collaboration, open_round
):
    html = (
        signed_in(fred)
        .get(reverse("facilitate_invitations", args=[collaboration.pk, open_round.pk]))
        .content.decode()
    )
    assert "“Name &lt;name@example.org&gt;” is fine" in html
