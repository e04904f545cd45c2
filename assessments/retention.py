"""Deleting what the privacy notice promises to delete.

- Responses of rounds that closed more than ``RESPONSE_RETENTION_MONTHS`` ago, with their answers,
  comments and chosen value modes, and the round's personal invitation links (used or not: a
  used link still ties an e-mail address to having taken part).
- Drafts abandoned in any round that closed more than a week ago (they can never be submitted).
- Invitees' e-mail addresses, ``INVITATION_EMAIL_RETENTION_DAYS`` after their round closed (the
  links stay, without an address, until the responses go).
- The copies of those responses' comments kept in the round's results snapshot. The snapshot's
  sums stay: they are group figures, about at least the minimum group size, and later rounds
  compare with them.

"Closed" is the round's closing date. Run daily by ``manage.py apply_retention`` (see README).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from assessments.models import IndividualLink, Response, RoundSnapshot

ABANDONED_DRAFT_GRACE = timedelta(days=7)


def months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


@dataclass
class RetentionReport:
    expired_before: date
    responses: int = 0
    drafts: int = 0
    links: int = 0
    addresses: int = 0


@transaction.atomic
def retention_apply(*, today: date, dry_run: bool = False) -> RetentionReport:
    """Delete (or, with ``dry_run``, count) what is past its retention date on ``today``."""
    report = RetentionReport(
        expired_before=months_before(today, settings.RESPONSE_RETENTION_MONTHS)
    )
    expired = Response.objects.filter(round__closes_on__lt=report.expired_before)
    abandoned = Response.objects.filter(
        status=Response.Status.DRAFT, round__closes_on__lt=today - ABANDONED_DRAFT_GRACE
    ).exclude(round__closes_on__lt=report.expired_before)
    links = IndividualLink.objects.filter(round__closes_on__lt=report.expired_before)
    addresses = (
        IndividualLink.objects.filter(
            round__closes_on__lt=today - timedelta(days=settings.INVITATION_EMAIL_RETENTION_DAYS)
        )
        .exclude(round__closes_on__lt=report.expired_before)
        .exclude(email="")
    )
    report.responses = expired.count()
    report.drafts = abandoned.count()
    report.links = links.count()
    report.addresses = addresses.count()
    if not dry_run:
        # Responses first: a draft still points at its personal link.
        expired.delete()
        RoundSnapshot.objects.filter(round__closes_on__lt=report.expired_before).exclude(
            comments={}
        ).update(comments={})
        abandoned.delete()
        links.delete()
        addresses.update(email="")
    return report
