"""Background tasks (django-tasks): e-mails go out here, not in the request.

Tasks receive ids, never tokens: a personal link's or a member invitation's token is derived
again from its stored secret when the e-mail is built, so the task queue holds no working link.
Each e-mail is claimed with a conditional update before it is sent, so running a task twice
(a retry, two workers) sends nothing twice; a failed send gives the claim back.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from assessments import emails
from assessments.models import IndividualLink, MemberInvitation

logger = logging.getLogger(__name__)


def _links(ids: list[int]):
    return (
        IndividualLink.objects.filter(pk__in=ids, used=False)
        .exclude(email="")
        .exclude(secret="")
        .select_related("round__collaboration", "team")
    )


def _send_claimed(link: IndividualLink, field: str, message) -> bool:
    """Claim ``field`` (sent_on or reminded_on) for today, send, and give it back on failure."""
    today = timezone.localdate()
    unclaimed = IndividualLink.objects.filter(pk=link.pk).exclude(**{field: today})
    if field == "sent_on":
        unclaimed = unclaimed.filter(sent_on__isnull=True)
    previous = getattr(link, field)
    if not unclaimed.update(**{field: today}):
        return False
    try:
        message.send()
    except Exception:
        IndividualLink.objects.filter(pk=link.pk).update(**{field: previous})
        logger.exception("Could not send an e-mail for personal link %s", link.pk)
        return False
    return True


@task()
def send_invitations(link_ids: list[int], base_url: str) -> int:
    """E-mail each new personal link once. Returns how many were sent."""
    sent = 0
    for link in _links(link_ids).filter(sent_on__isnull=True):
        message = emails.personal_invitation(link, base_url=base_url)
        sent += _send_claimed(link, "sent_on", message)
    return sent


@task()
def send_reminders(link_ids: list[int], base_url: str) -> int:
    """Remind invitees who have not submitted (at most once a day each)."""
    sent = 0
    for link in _links(link_ids).filter(sent_on__isnull=False):
        message = emails.personal_invitation(link, base_url=base_url, reminder=True)
        sent += _send_claimed(link, "reminded_on", message)
    return sent


@task()
def send_member_invitation(invitation_id: int, base_url: str) -> bool:
    invitation = (
        MemberInvitation.objects.usable()
        .select_related("collaboration", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    emails.member_invitation(invitation, base_url=base_url).send()
    return True
