"""The collaboration's action plan: what its members agreed to do about a characteristic, and
every change made to it.

An action belongs to a collaboration and to a characteristic **by number** (1–8), not to one
edition's characteristic: the same action is shown against the next round's results even when
that round uses another edition (characteristics are matched across editions by number). It
may name the suggestion it came from; the suggestion's text is copied, so that the plan reads
the same after an admin rewords the suggestion. ``round`` is the round whose results it was
raised from: the next rounds' results show it beside the change in score.

Every change (status, owner, due date, …) is kept in ``ActionChange``: who, when, from, to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from assessments.models.collaborations import Collaboration, Round
from frameworks.models import Suggestion

ACTION_TITLE_MAX_LENGTH = 200
ACTION_NOTES_MAX_LENGTH = 4000


class ActionQuerySet(models.QuerySet):
    def for_collaboration(self, collaboration) -> ActionQuerySet:
        """The collaboration's actions, open ones first, then by characteristic and due date."""
        return (
            self.filter(collaboration=collaboration)
            .select_related("round")
            .order_by("characteristic_number", "due_on", "pk")
        )

    def raised_before(self, round: Round) -> ActionQuerySet:
        """Actions on the collaboration that were in place when ``round`` was answered: raised
        from an earlier round's results, or (raised from no round) created before it opened."""
        return self.filter(collaboration_id=round.collaboration_id).filter(
            Q(round__opens_on__lt=round.opens_on)
            | Q(round__isnull=True, created_at__date__lt=round.opens_on)
        )


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DOING = "doing", "Doing"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    OPEN_STATUSES = (Status.PLANNED, Status.DOING)

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="actions"
    )
    round = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The round whose results it was raised from.",
    )
    workshop = models.ForeignKey(
        "assessments.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The consensus workshop that agreed it, if any.",
    )
    characteristic_number = models.PositiveSmallIntegerField()
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggestion_text = models.TextField(blank=True)
    title = models.CharField(max_length=ACTION_TITLE_MAX_LENGTH)
    owner = models.CharField(max_length=200, blank=True, help_text="Who leads it: a name.")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["characteristic_number", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "doing", "done", "dropped"]),
                name="action_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(characteristic_number__gte=1), name="action_characteristic_number_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="action_title_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), ACTION_NOTES_MAX_LENGTH),
                name="action_notes_max_length",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        """Due before today and still planned or doing."""
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and self.due_on < today


class ActionChange(models.Model):
    """One field of an action changed (or the action created): who, when, from, to."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    field = models.CharField(max_length=40)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.field}"
