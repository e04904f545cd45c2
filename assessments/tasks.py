"""Background tasks (django-tasks): e-mails go out here, not in the request.

Tasks receive ids, never tokens: a personal link's or a member invitation's token is derived
again from its stored secret when the e-mail is built, so the task queue holds no working link.
Each e-mail is claimed with a conditional update before it is sent, so running a task twice
(a retry, two workers) sends nothing twice; a failed send gives the claim back and records the
day and a short reason (``SendFailure``, never the server's message, which names the address),
which the facilitator sees with a button to try again. The next attempt clears it.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from assessments import emails
from assessments.models import IndividualLink, MemberInvitation, Round
from assessments.models.links import SendFailure
from assessments.models.membership import INVITATION_RESEND_AFTER
from assessments.services import facilitate

logger = logging.getLogger(__name__)


def send_failure(error: Exception) -> SendFailure:
    """What a facilitator is told about a send that raised ``error``. smtplib's errors are
    OSErrors too: the specific ones come first."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return SendFailure.ADDRESS_REFUSED
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return SendFailure.SIGN_IN_REFUSED
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return SendFailure.SERVER_UNREACHABLE
    if isinstance(error, smtplib.SMTPException):
        return SendFailure.MESSAGE_REFUSED
    if isinstance(error, OSError):  # refused connection, unknown host, timeout
        return SendFailure.SERVER_UNREACHABLE
    return SendFailure.OTHER


def _log_failure(what: str, pk: int, error: Exception, failure: SendFailure) -> None:
    # The exception's text may carry the address (SMTPRecipientsRefused's does): only an
    # unexpected error is logged with its traceback.
    if failure == SendFailure.OTHER:
        logger.exception("Could not send the e-mail of %s %s", what, pk)
    else:
        logger.warning(
            "Could not send the e-mail of %s %s: %s (%s)",
            what,
            pk,
            failure.label,
            type(error).__name__,
        )


def _user(user_id: int | None):
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


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
    if not unclaimed.update(**{field: today, "send_failed_on": None, "send_failure": ""}):
        return False
    try:
        message.send()
    except Exception as error:
        failure = send_failure(error)
        IndividualLink.objects.filter(pk=link.pk).update(
            **{field: previous, "send_failed_on": today, "send_failure": failure}
        )
        _log_failure("personal link", link.pk, error, failure)
        return False
    return True


@task()
def send_invitations(link_ids: list[int], base_url: str, sent_by: int | None = None) -> int:
    """E-mail each new personal link once, from ``sent_by`` (a user id). Returns how many were
    sent."""
    sent, facilitator = 0, _user(sent_by)
    for link in _links(link_ids).filter(sent_on__isnull=True):
        message = emails.personal_invitation(link, base_url=base_url, sent_by=facilitator)
        sent += _send_claimed(link, "sent_on", message)
    return sent


@task()
def send_reminders(link_ids: list[int], base_url: str, sent_by: int | None = None) -> int:
    """Remind invitees who have not submitted (at most once a day each), from ``sent_by`` (a
    user id; None: from the collaboration)."""
    sent, facilitator = 0, _user(sent_by)
    for link in _links(link_ids).filter(sent_on__isnull=False):
        message = emails.personal_invitation(
            link, base_url=base_url, reminder=True, sent_by=facilitator
        )
        sent += _send_claimed(link, "reminded_on", message)
    return sent


# Automatic reminders (``Round.reminder_schedule``) are queued for this time of their day.
REMINDER_TIME = time(9)


@task()
def send_due_reminders(round_id: int, base_url: str) -> int:
    """Send a round's automatic reminder if one is due today, and only once. Queued for each
    reminder day when a round is saved (``reminders_schedule``) and by the daily
    ``send_due_reminders`` command; the round is read again when this runs
    (``services.facilitate.reminders_claim_due``), so a stale task sends nothing."""
    link_ids = facilitate.reminders_claim_due(round_id=round_id)
    return send_reminders.call(link_ids, base_url) if link_ids else 0


def reminders_schedule(round: Round, base_url: str) -> int:
    """Queue ``send_due_reminders`` for each of the round's reminder days still to come, at
    ``REMINDER_TIME``, when the task backend can run a task later (the database backend; the
    immediate one of development cannot: there the daily command is what sends them).

    Tasks queued before an edit stay queued: each one re-reads the round when it runs, so one
    whose day is no longer a reminder day (the closing date moved, the schedule changed) sends
    nothing. Returns how many were queued."""
    if not send_due_reminders.get_backend().supports_defer:
        return 0
    today = timezone.localdate()
    days = [day for day in round.reminder_dates() if day >= today]
    for day in days:
        run_after = timezone.make_aware(datetime.combine(day, REMINDER_TIME))
        send_due_reminders.using(run_after=run_after).enqueue(round.pk, base_url)
    return len(days)


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
    message = emails.member_invitation(invitation, base_url=base_url)
    # Claimed like a personal link: however many requests and workers run this at once, one
    # e-mail per invitation within INVITATION_RESEND_AFTER.
    now = timezone.now()
    claimed = (
        MemberInvitation.objects.filter(pk=invitation.pk)
        .filter(Q(sent_at__isnull=True) | Q(sent_at__lte=now - INVITATION_RESEND_AFTER))
        .update(sent_at=now, send_failed_on=None, send_failure="")
    )
    if not claimed:
        return False
    try:
        message.send()
    except Exception as error:
        failure = send_failure(error)
        MemberInvitation.objects.filter(pk=invitation.pk, sent_at=now).update(
            sent_at=invitation.sent_at,
            send_failed_on=timezone.localdate(),
            send_failure=failure,
        )
        _log_failure("member invitation", invitation.pk, error, failure)
        return False
    return True
