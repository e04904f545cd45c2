"""A collaboration's results round after round: pure functions over each round's
``RoundFigures`` (``assessments.group_results``: already through disclosure, so a trend point
is shown exactly when the round's own pages show that figure) and the editions' indicator keys.

* Characteristics are matched across rounds **by number**, indicators **by their stable key**
  (``Indicator.key``). Where the edition changes between two rounds, ``edition_changes`` says
  which indicators were added and dropped, so that nobody reads an edition change as a change
  in the collaboration; the chart marks the round where it happened.
* A point is missing, with its reason, when the round's pages would not show that figure (fewer
  than k respondents, or hidden so that a smaller group cannot be worked out), when the round
  has fewer than k responses in all, or when the team, group or characteristic was not in it.
* Where a round had a consensus workshop, the score its room agreed on a characteristic is a
  second line beside the survey's (``Trends.agreed``): a point per round whose workshop recorded
  one, each with the workshop's date and how many took part. Agreed scores are the room's
  judgement, not a figure from anyone's answers, so they need no disclosure rule.

Nothing here reads answers or queries the database; ``selectors.trends.collaboration_trends``
gathers the inputs in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from assessments import scoring
from assessments.disclosure import EMPTY, FEWER_THAN_K, NOT_SHOWN, SHOWN
from assessments.group_results import Figure, RoundFigures

NOT_IN_ROUND = "absent"  # the team, group or characteristic was not part of that round
ROUND_TOO_SMALL = "round_too_small"  # the round has fewer than k responses in all


@dataclass(frozen=True)
class Agreed:
    """What a round's consensus workshop agreed, as plain data (``selectors.workshops``)."""

    held_on: date
    participants: int
    scores: Mapping[int, int | None]  # by characteristic number; None: the room could not agree


@dataclass(frozen=True)
class TrendRound:
    round_id: int
    title: str
    opens_on: date
    edition: int
    version_id: int
    figures: RoundFigures
    # {characteristic number: {indicator key: statement}} of the round's edition
    indicators: Mapping[int, Mapping[str, str]]
    edition_changed: bool = False  # its edition differs from the round before it
    agreed: Agreed | None = None  # its workshop's agreed scores; None without a workshop

    @property
    def k(self) -> int:
        return self.figures.k


@dataclass(frozen=True)
class Point:
    state: str  # SHOWN, EMPTY, FEWER_THAN_K, NOT_SHOWN, NOT_IN_ROUND or ROUND_TOO_SMALL
    mean: Fraction | None = None
    n: int | None = None
    band: str | None = None
    k: int = 0

    @property
    def shown(self) -> bool:
        return self.state == SHOWN

    @property
    def value(self) -> float | None:
        """The mean as the pages show it (two decimals), for charts."""
        return float(scoring.shown(self.mean)) if self.shown else None

    @property
    def reason(self) -> str:
        return {
            SHOWN: "",
            EMPTY: "no responses counted yet",
            FEWER_THAN_K: f"fewer than {self.k} respondents",
            NOT_SHOWN: "not shown, so that a smaller group cannot be worked out",
            NOT_IN_ROUND: "not in this round",
            ROUND_TOO_SMALL: f"fewer than {self.k} responses in this round",
        }[self.state]


@dataclass(frozen=True)
class Series:
    key: str  # "c:<number>", "team:<id>", "group:<slug>"
    label: str
    points: list[Point]

    @property
    def any_shown(self) -> bool:
        return any(p.shown for p in self.points)


@dataclass(frozen=True)
class AgreedPoint:
    """One round's agreed score on a characteristic, with its workshop's date and size."""

    score: int | None  # None: the room could not agree
    held_on: date
    participants: int

    @property
    def value(self) -> float | None:
        """The score as charts draw it; None (a gap) where the room could not agree."""
        return None if self.score is None else float(self.score)


@dataclass(frozen=True)
class AgreedSeries:
    """The scores workshops agreed on one characteristic, round by round: the second line beside
    the survey's (``of``, its series key). A point is None where the round had no workshop or
    its workshop recorded nothing on the characteristic."""

    key: str  # "agreed:<number>"
    of: str  # "c:<number>"
    label: str
    points: list[AgreedPoint | None]


@dataclass(frozen=True)
class IndicatorChange:
    number: int  # characteristic
    added: list[tuple[str, str]]  # (key, statement) in the new edition only
    dropped: list[tuple[str, str]]  # (key, statement) in the old edition only


@dataclass(frozen=True)
class EditionChange:
    index: int  # the first round on the new edition
    round_title: str
    from_edition: int
    to_edition: int
    changes: list[IndicatorChange]  # characteristics whose statements differ


@dataclass
class Trends:
    rounds: list[TrendRound]
    characteristics: list[tuple[int, str]]  # (number, name) as the latest round names them
    team_labels: list[tuple[str, str]]  # (row key, label) in the order pages list them
    group_labels: list[tuple[str, str]]
    edition_changes: list[EditionChange] = field(default_factory=list)

    @property
    def titles(self) -> list[str]:
        return [r.title for r in self.rounds]

    def name(self, number: int) -> str:
        return dict(self.characteristics).get(number, f"Characteristic {number}")

    def collaboration(self) -> list[Series]:
        """Each characteristic's collaboration score, round by round."""
        return [
            Series(
                f"c:{number}",
                f"{number}. {name}",
                [_point(r, number, r.figures.total.get(number)) for r in self.rounds],
            )
            for number, name in self.characteristics
        ]

    def agreed(self) -> list[AgreedSeries]:
        """Per characteristic that a workshop recorded an agreement on in any round, the agreed
        scores round by round (the second line); empty when no round had one."""
        found = []
        for number, name in self.characteristics:
            points = [
                AgreedPoint(r.agreed.scores[number], r.agreed.held_on, r.agreed.participants)
                if r.agreed is not None and number in r.agreed.scores
                else None
                for r in self.rounds
            ]
            if any(p is not None for p in points):
                found.append(
                    AgreedSeries(
                        f"agreed:{number}",
                        f"c:{number}",
                        f"{number}. {name}: agreed in a workshop",
                        points,
                    )
                )
        return found

    def teams(self, number: int) -> list[Series]:
        return self._breakdown("teams", self.team_labels, number)

    def groups(self, number: int) -> list[Series]:
        return self._breakdown("groups", self.group_labels, number)

    def _breakdown(self, name: str, labels: list[tuple[str, str]], number: int) -> list[Series]:
        series = []
        for key, label in labels:
            points = []
            for r in self.rounds:
                rows = {row.key: row for row in getattr(r.figures, name).rows}
                row = rows.get(key)
                points.append(_point(r, number, row.figures.get(number) if row else None))
            series.append(Series(key, label, points))
        return series

    def marks(self) -> list[tuple[int, str]]:
        """(round index, text) where the edition changed: what the charts draw."""
        return [(c.index, f"Edition {c.to_edition} from here") for c in self.edition_changes]


def _point(r: TrendRound, number: int, figure: Figure | None) -> Point:
    k = r.k
    if not r.figures.shown:
        return Point(ROUND_TOO_SMALL, k=k)
    if figure is None:
        return Point(NOT_IN_ROUND, k=k)
    if not figure.shown:
        return Point(figure.state, k=k)
    return Point(SHOWN, figure.mean, figure.result.n, figure.band, k=k)


def edition_changes(rounds: Sequence[TrendRound]) -> list[EditionChange]:
    """Where two consecutive rounds use different editions: per characteristic number, the
    indicators (by key) the later one added and the earlier one had that it dropped."""
    found = []
    for index in range(1, len(rounds)):
        before, after = rounds[index - 1], rounds[index]
        if before.version_id == after.version_id:
            continue
        changes = []
        for number in sorted(set(before.indicators) | set(after.indicators)):
            old = before.indicators.get(number, {})
            new = after.indicators.get(number, {})
            added = [(key, new[key]) for key in new if key not in old]
            dropped = [(key, old[key]) for key in old if key not in new]
            if added or dropped:
                changes.append(IndicatorChange(number, added, dropped))
        found.append(EditionChange(index, after.title, before.edition, after.edition, changes))
    return found


def build(
    rounds: Sequence[TrendRound],
    *,
    characteristics: Sequence[tuple[int, str]],
    team_labels: Sequence[tuple[str, str]],
    group_labels: Sequence[tuple[str, str]],
) -> Trends:
    """Trends over ``rounds`` (oldest first). Team and group rows without a team or group given
    are left out: they are not the same people from one round to the next."""
    marked = []
    for index, r in enumerate(rounds):
        changed = index > 0 and rounds[index - 1].version_id != r.version_id
        marked.append(
            TrendRound(
                r.round_id,
                r.title,
                r.opens_on,
                r.edition,
                r.version_id,
                r.figures,
                r.indicators,
                changed,
                r.agreed,
            )
        )
    return Trends(
        rounds=marked,
        characteristics=list(characteristics),
        team_labels=[(k, v) for k, v in team_labels if not k.endswith(":-")],
        group_labels=[(k, v) for k, v in group_labels if not k.endswith(":-")],
        edition_changes=edition_changes(marked),
    )
