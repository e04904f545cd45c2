"""The e-mails CollabAssess sends: plain text with an HTML alternative, each naming the
collaboration (and the round's closing date) and carrying the privacy line."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import IndividualLink, MemberInvitation


def _message(template: str, subject: str, to: str, context: dict) -> EmailMultiAlternatives:
    context = {
        **context,
        "retention_days": settings.INVITATION_EMAIL_RETENTION_DAYS,
        "retention_months": settings.RESPONSE_RETENTION_MONTHS,
        "privacy_contact": settings.PRIVACY_CONTACT,
    }
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def personal_invitation(
    link: IndividualLink, *, base_url: str, reminder: bool = False
) -> EmailMultiAlternatives:
    round = link.round
    collaboration = round.collaboration
    url = base_url.rstrip("/") + reverse("invitation", args=[link.token])
    subject = (
        f"Reminder: {collaboration.name} assessment closes on {round.closes_on:%d %B %Y}"
        if reminder
        else f"{collaboration.name}: how well do we collaborate? (closes {round.closes_on:%d %B %Y})"
    )
    return _message(
        "personal_invitation",
        subject,
        link.email,
        {
            "link": link,
            "round": round,
            "collaboration": collaboration,
            "url": url,
            "reminder": reminder,
        },
    )


def member_invitation(invitation: MemberInvitation, *, base_url: str) -> EmailMultiAlternatives:
    url = base_url.rstrip("/") + reverse("member_invitation", args=[invitation.token])
    inviter = invitation.invited_by
    return _message(
        "member_invitation",
        f"You are invited to help run {invitation.collaboration.name} on CollabAssess",
        invitation.email,
        {
            "invitation": invitation,
            "collaboration": invitation.collaboration,
            "url": url,
            "inviter": (inviter.get_full_name() or inviter.username)
            if inviter
            else "An administrator",
        },
    )
