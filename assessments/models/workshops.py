"""A consensus workshop: the partners of a round meet, look at the anonymous results together
and agree, characteristic by characteristic, a score for the collaboration.

One workshop per round. For each characteristic the room records an **agreement**: a score from
1 to 5, or that it could not agree, the reasoning in a few lines, and any dissent (a minority
view, without names). Agreements are never edited or deleted: recording again adds a new row, so
every earlier one is kept with who recorded it and when; the newest row per characteristic is
the agreed score (``AgreementQuerySet.current``).

Agreed scores are the room's judgement, not a figure computed from anyone's answers: they are
always shown labelled "agreed in a workshop", with its date and how many took part.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from assessments.models.collaborations import Round

AGREEMENT_TEXT_MAX_LENGTH = 1000
WORKSHOP_MIN_PARTICIPANTS = 2
WORKSHOP_MAX_PARTICIPANTS = 1000


class Workshop(models.Model):
    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="workshop")
    held_on = models.DateField(default=timezone.localdate)
    participants = models.PositiveSmallIntegerField(
        "how many took part",
        help_text="Everyone in the room who took part in agreeing, facilitators included.",
    )
    hide_team_names = models.BooleanField(
        default=True, help_text="Show teams as Team A, B, … on the shared screen."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=WORKSHOP_MIN_PARTICIPANTS)
                & Q(participants__lte=WORKSHOP_MAX_PARTICIPANTS),
                name="workshop_participants_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Workshop on {self.round}"


class AgreementQuerySet(models.QuerySet):
    def current(self) -> dict[int, Agreement]:
        """The newest agreement per characteristic number (one query)."""
        latest: dict[int, Agreement] = {}
        for agreement in self.order_by("characteristic_number", "-recorded_at", "-pk"):
            latest.setdefault(agreement.characteristic_number, agreement)
        return latest


class Agreement(models.Model):
    """What the room agreed on one characteristic, as recorded once (append-only)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="agreements")
    characteristic_number = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 to 5; empty when the room could not agree."
    )
    reasoning = models.TextField(max_length=AGREEMENT_TEXT_MAX_LENGTH)
    dissent = models.TextField(
        max_length=AGREEMENT_TEXT_MAX_LENGTH,
        blank=True,
        help_text="A minority view, without names.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["characteristic_number", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=5)),
                name="agreement_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(characteristic_number__gte=1),
                name="agreement_characteristic_number_valid",
            ),
            models.CheckConstraint(
                condition=~Q(reasoning=""), name="agreement_reasoning_not_empty"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("reasoning"), AGREEMENT_TEXT_MAX_LENGTH)
                & LessThanOrEqual(Length("dissent"), AGREEMENT_TEXT_MAX_LENGTH),
                name="agreement_text_max_length",
            ),
        ]
        indexes = [
            models.Index(
                fields=["workshop", "characteristic_number", "-recorded_at"],
                name="agreement_latest_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Agreement on characteristic {self.characteristic_number}"

    @property
    def could_not_agree(self) -> bool:
        return self.score is None
