"""Reads of consensus workshops: a round's workshop and the scores it agreed, for the workshop
pages, the overview, trends, exports, reports and the shared results.

Agreed scores are recorded by the room, not computed from answers: they carry no disclosure
risk of their own, and are always shown with what they are (``AgreedScores.label``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format

from assessments.models import Agreement, Workshop


@dataclass(frozen=True)
class AgreedScores:
    """What a round's workshop agreed: the newest agreement per characteristic number."""

    round_id: int
    held_on: date
    participants: int
    agreements: dict[int, Agreement]

    def score(self, number: int) -> int | None:
        """The agreed score (1–5) on a characteristic; None if not recorded or not agreed."""
        agreement = self.agreements.get(number)
        return agreement.score if agreement else None

    @property
    def scores(self) -> dict[int, int]:
        """Agreed scores by characteristic number, without those the room could not agree."""
        return {n: a.score for n, a in self.agreements.items() if a.score is not None}

    @property
    def label(self) -> str:
        """How every surface names them: "Agreed in a workshop on 3 December 2026 by 12
        people"."""
        return (
            f"Agreed in a workshop on {date_format(self.held_on, 'j F Y')} "
            f"by {self.participants} people"
        )


def agreed_scores(round) -> AgreedScores | None:
    """The round's agreed scores, or None without a workshop (2 queries; 1 without)."""
    return agreed_scores_for_rounds([round.pk]).get(round.pk)


def agreed_scores_for_rounds(round_ids: Iterable[int]) -> dict[int, AgreedScores]:
    """Agreed scores of each round that had a workshop, by round id (2 queries, whatever the
    number of rounds; 1 if none had a workshop)."""
    workshops = {w.pk: w for w in Workshop.objects.filter(round_id__in=list(round_ids))}
    if not workshops:
        return {}
    current: dict[int, dict[int, Agreement]] = {pk: {} for pk in workshops}
    for agreement in Agreement.objects.filter(workshop_id__in=list(workshops)).order_by(
        "workshop_id", "characteristic_number", "-recorded_at", "-pk"
    ):
        current[agreement.workshop_id].setdefault(agreement.characteristic_number, agreement)
    return {
        w.round_id: AgreedScores(w.round_id, w.held_on, w.participants, current[pk])
        for pk, w in workshops.items()
    }
