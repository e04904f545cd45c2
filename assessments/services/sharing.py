"""Writes for results shared back: releasing a round's results to its partners (and
withdrawing them), and a round's read-only board links.

Each is one transaction. Releasing is allowed at any time: at or after closing, or earlier on
purpose (the sharing page says so and asks to confirm). A round has at most one release row:
releasing again gives the same row back with the new options and clears its withdrawal.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from assessments.models import BoardLink, ResultsRelease, Round


@transaction.atomic
def release_results(
    round: Round, user, *, share_team_names: bool, share_comments: bool
) -> ResultsRelease:
    """Release the round's results (or give them again after a withdrawal), with its options.
    ``update_or_create`` locks the row it finds, so two facilitators releasing at once leave
    one release with the options of the later one."""
    release, _ = ResultsRelease.objects.update_or_create(
        round=round,
        defaults={
            "released_at": timezone.now(),
            "released_by": user,
            "withdrawn_at": None,
            "withdrawn_by": None,
            "share_team_names": share_team_names,
            "share_comments": share_comments,
        },
    )
    return release


@transaction.atomic
def withdraw_release(round: Round, user) -> bool:
    """Withdraw the round's live release: partners' links and board links show nothing again.
    False if there was nothing live to withdraw."""
    return bool(
        ResultsRelease.objects.filter(round=round, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=user
        )
    )


@transaction.atomic
def create_board_link(round: Round, user, *, label: str, expires_on: date) -> BoardLink:
    """A new board link for the round. Only the digest of its token is stored
    (``BoardLink.prepare``)."""
    link = BoardLink.prepare(round=round, label=label, expires_on=expires_on, created_by=user)
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def revoke_board_link(link: BoardLink, user) -> bool:
    """Turn the link off for good. False if it was already revoked."""
    return bool(
        BoardLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
