"""What the group results pages read: per-round rollups and the snapshot facilitators see.

- ``RoundRollup``: the round's live sums (``assessments.rollups``), one row per round, updated in
  the transaction that submits a response, and the parts of submitted responses still waiting
  to be added to the figures. Never shown as such.
- ``RoundSnapshot``: what facilitators see: the sums of the parts added so far. A part is added
  only together with at least k others that change the same figures
  (``disclosure.releasable``), so that comparing any two states of any page reveals nobody's
  answers (``services.snapshots``, docs/privacy.md). It keeps the comments of the responses it
  counts, and the collaboration's mean on each characteristic, which the next round's radar
  draws as its previous round (worked out when the snapshot moves, never during a GET).
- ``ResultsPreference``: a facilitator's choice, per round, to show teams as Team A, B, …
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.models.collaborations import Round


class RoundRollup(models.Model):
    round = models.OneToOneField(
        Round, on_delete=models.CASCADE, primary_key=True, related_name="rollup"
    )
    responses = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    # The submitted responses' parts not in the snapshot yet (``rollups.waiting_entry``), with
    # no response id: which part of whom waits is nobody's business but the rule's.
    waiting = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(responses__gte=0), name="round_rollup_responses_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Rollup of round {self.round_id} ({self.responses} responses)"


class RoundSnapshot(models.Model):
    round = models.OneToOneField(
        Round, on_delete=models.CASCADE, primary_key=True, related_name="snapshot"
    )
    responses = models.PositiveIntegerField(default=0)  # counted in the figures
    taken_on = models.DateField()
    data = models.JSONField(default=dict)
    # {"c<characteristic number>": [comment text, ...]} in random order, from the included
    # responses. Pages read one characteristic's list (a JSON key lookup), never the whole.
    comments = models.JSONField(default=dict)
    # {"<characteristic number>": {"mean": as shown, "n": respondents}}: the collaboration's
    # means (``group_results.collaboration_means``), from this snapshot alone, so that nothing
    # else (teams, content, other rounds) can make them stale. Pages apply the round's k.
    collaboration_means = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(responses__gte=0), name="round_snapshot_responses_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Snapshot of round {self.round_id} ({self.responses} responses)"

    @staticmethod
    def comment_key(number: int) -> str:
        """A characteristic's key in ``comments`` (not a bare number: JSON lookups would read
        that as an array index)."""
        return f"c{number}"


class ResultsPreference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    anonymise_teams = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "round"], name="results_preference_one_per_user_and_round"
            ),
        ]

    def __str__(self) -> str:
        return f"Results preference of user {self.user_id} for round {self.round_id}"
