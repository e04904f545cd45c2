"""The e-mails CollabAssess sends: plain text with an HTML alternative, each opening with a
greeting, naming the collaboration (and the round's closing date) and carrying the privacy line.

They come from the person behind them, over the configured address: ``"Jane Smith via
CollabAssess" <DEFAULT_FROM_EMAIL's address>`` (the collaboration's name when no person is
known, a scheduled reminder say), with Reply-To that person's own address when they have one, so
a question reaches a person and not a no-reply box. Headers are built with
``email.utils.formataddr``, never by pasting names into a string, and every name is put on one
line first: a line break in a header made every send of a collaboration fail.
"""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from assessments.models import IndividualLink, MemberInvitation, Round

SITE_NAME = "CollabAssess"


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks, tabs, Unicode's separators) made one
    space. Names are validated as one line; this keeps older or admin-entered ones safe too."""
    return " ".join(str(text).split())


def person_name(user) -> str:
    """The name a person is known by, or "" when only a user name is stored: a user name is
    often an e-mail address, which as a display name looks like a forged sender."""
    if user is None:
        return ""
    return one_line(user.get_full_name())


def sender(name: str) -> str:
    """The From header: ``name via CollabAssess`` over DEFAULT_FROM_EMAIL's address."""
    site, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{one_line(name)} via {one_line(site) or SITE_NAME}", address))


def reply_to(user) -> list[str]:
    """Reply-To the person behind an e-mail, when their stored address is a valid one."""
    address = (getattr(user, "email", "") or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return []
    return [formataddr((person_name(user), address))]


def closing_day(round: Round) -> str:
    """The closing day as "31 March", with the year only when it is not this year's."""
    closes = round.closes_on
    return dateformat.format(closes, "j F" if closes.year == timezone.localdate().year else "j F Y")


def _message(
    template: str, *, subject: str, to: str, from_name: str, sent_by, context: dict
) -> EmailMultiAlternatives:
    context = {
        **context,
        "retention_days": settings.INVITATION_EMAIL_RETENTION_DAYS,
        "retention_months": settings.RESPONSE_RETENTION_MONTHS,
        "privacy_contact": settings.PRIVACY_CONTACT,
    }
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=text,
        from_email=sender(from_name),
        to=[to],
        reply_to=reply_to(sent_by),
    )
    message.attach_alternative(html, "text/html")
    return message


def personal_invitation(
    link: IndividualLink, *, base_url: str, reminder: bool = False, sent_by=None
) -> EmailMultiAlternatives:
    """A partner's personal link (or the reminder of it), from ``sent_by`` (the facilitator who
    sent it; None for a scheduled reminder)."""
    round = link.round
    collaboration = round.collaboration
    name = one_line(collaboration.name)
    url = base_url.rstrip("/") + reverse("invitation", args=[link.token])
    subject = (
        f"{name}: 10 minutes to assess how your partnership works (closes {closing_day(round)})"
    )
    if reminder:
        subject = f"Reminder: {subject}"
    facilitator = person_name(sent_by)
    return _message(
        "personal_invitation",
        subject=subject,
        to=link.email,
        from_name=facilitator or name,
        sent_by=sent_by,
        context={
            "link": link,
            "round": round,
            "collaboration": collaboration,
            "collaboration_name": name,
            "facilitator": facilitator,
            "url": url,
            "reminder": reminder,
        },
    )


def member_invitation(invitation: MemberInvitation, *, base_url: str) -> EmailMultiAlternatives:
    url = base_url.rstrip("/") + reverse("member_invitation", args=[invitation.token])
    name = one_line(invitation.collaboration.name)
    inviter = person_name(invitation.invited_by)
    subject = (
        f"{inviter} invites you to help run {name} on {SITE_NAME}"
        if inviter
        else f"You are invited to help run {name} on {SITE_NAME}"
    )
    return _message(
        "member_invitation",
        subject=subject,
        to=invitation.email,
        from_name=inviter or name,
        sent_by=invitation.invited_by,
        context={
            "invitation": invitation,
            "collaboration": invitation.collaboration,
            "collaboration_name": name,
            "inviter": inviter,
            "url": url,
        },
    )
