"""Results shared back: a round's release to the partners who answered, and read-only board
links.

A **release** makes the round's group results (the same figures as the facilitators' pages,
through the one disclosure module) visible on every partner's private results link and on the
round's board links. It can be withdrawn and given again; while withdrawn nothing is shown. The
facilitator chooses whether team names and comments are shared (by default neither: teams are
Team A, B, …, as on a shared screen).

A **board link** shows the same partner view without signing in, to a board or a wider audience.
Like a personal invitation it stores only a digest of its token and a random secret the token is
derived from again (with SECRET_KEY) when a facilitator wants to copy it: a copy of the database
alone opens nothing. It works only while the round is released, until it is revoked, and until
the end of its expiry date.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assessments.models.collaborations import Round, one_line_constraint, validate_one_line
from assessments.models.links import board_link_token, token_digest


class ResultsRelease(models.Model):
    """A round's results, released to its partners (at most one per round)."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="release")
    released_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    share_team_names = models.BooleanField(
        default=False,
        help_text="Show teams by name. Otherwise they are Team A, B, … as on a shared screen.",
    )
    share_comments = models.BooleanField(
        default=False,
        help_text="Show partners' comments, as the characteristic page shows them.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=models.F("released_at")),
                name="release_withdrawn_after_released",
            ),
        ]

    def __str__(self) -> str:
        return f"Release of {self.round}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class BoardLinkQuerySet(models.QuerySet):
    def working(self, today=None) -> BoardLinkQuerySet:
        """Links that open: not revoked, not expired, and their round released."""
        today = today or timezone.localdate()
        return self.filter(
            revoked_at__isnull=True,
            expires_on__gte=today,
            round__release__isnull=False,
            round__release__withdrawn_at__isnull=True,
        )


class BoardLink(models.Model):
    """A read-only, revocable link to a round's shared results, with an expiry."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="board_links")
    label = models.CharField(
        max_length=200,
        validators=[validate_one_line],
        help_text="Who it is for, e.g. “ICB board, March meeting”.",
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    secret = models.CharField(max_length=64, editable=False)
    expires_on = models.DateField(help_text="The last day the link works.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = BoardLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="board_link_label_not_empty"),
            one_line_constraint("label", "board_link_label_one_line"),
            models.CheckConstraint(condition=~Q(secret=""), name="board_link_secret_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def prepare(cls, *, round: Round, label: str, expires_on, created_by=None) -> BoardLink:
        """A new, unsaved link with its secret and the digest of the token made from it."""
        secret = secrets.token_urlsafe(32)
        return cls(
            round=round,
            label=label,
            expires_on=expires_on,
            created_by=created_by,
            secret=secret,
            token_digest=token_digest(board_link_token(secret)),
        )

    @property
    def token(self) -> str:
        return board_link_token(self.secret)

    def is_working(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and self.expires_on >= today
