"""Reads for the facilitators' group results pages, CSV and report: a round's figures from its
snapshot (through ``assessments.group_results``, so through disclosure), the teams as the page
names them, the previous round, the collaboration's plan, the comments and the actions in place.

Nothing here writes: the snapshot and what it keeps for later rounds are written when it moves
(``services.snapshots``), and the charts are composed from the figures by ``assessments.charts``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Subquery

from assessments import group_results, scoring
from assessments.models import (
    Action,
    OfferedGroup,
    ResultsPreference,
    RoundSnapshot,
    StakeholderGroup,
    Team,
)
from assessments.selectors.content import (
    characteristics_with_tips,
    suggestions_for,
    value_mode_weights,
    weighted_by,
)
from frameworks.models import Characteristic, Suggestion


@dataclass(frozen=True)
class PreviousRound:
    """The round before this one (by opening date) with a snapshot: what the radar draws dashed."""

    title: str
    edition: int
    values: dict[int, float]  # the collaboration's mean by characteristic number, as shown


@dataclass
class GroupResultsPage:
    """What every group results page shows for a round, read from its snapshot."""

    round: object
    snapshot: RoundSnapshot | None
    figures: group_results.RoundFigures
    characteristics: list[Characteristic]  # with their indicators
    anonymised: bool
    previous: PreviousRound | None  # only once this round's figures are shown

    @property
    def by_number(self) -> dict[int, Characteristic]:
        return {c.number: c for c in self.characteristics}


def team_labels(teams: list[Team], *, anonymised: bool) -> list[tuple[int, str]]:
    """(id, label) of the collaboration's teams in the order pages list them: by name, or, when
    teams are anonymised for a shared screen, as Team A, B, … in the order they were created
    (so that the letters give nothing away about the names)."""
    if not anonymised:
        return [(t.pk, t.name) for t in sorted(teams, key=lambda t: (t.name.lower(), t.pk))]
    ordered = sorted(teams, key=lambda t: t.pk)
    return [(t.pk, f"Team {_letters(i)}") for i, t in enumerate(ordered)]


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def offered_groups(collaboration_id: int) -> list[tuple[str, str]]:
    """(slug, label) of the stakeholder groups the collaboration offers, in the order it added
    them (one query)."""
    labels = dict(StakeholderGroup.choices)
    return [
        (slug, labels.get(slug, slug))
        for slug in OfferedGroup.objects.filter(collaboration_id=collaboration_id)
        .order_by("pk")
        .values_list("group", flat=True)
    ]


def characteristic_info(
    characteristics: list[Characteristic],
) -> list[group_results.CharacteristicInfo]:
    """The content's shape as ``group_results.build`` takes it."""
    return [
        group_results.CharacteristicInfo(
            c.number, c.name, c.short_name, tuple(i.pk for i in c.indicators.all())
        )
        for c in characteristics
    ]


def _with_previous_round(snapshots, round):
    """``snapshots`` with the previous round's title, edition, minimum group size and kept
    means as subqueries of the same statement: the previous round is read as it is now (its
    title, its dates, its snapshot), so no edit anywhere can leave a stale copy."""
    earlier = RoundSnapshot.objects.filter(
        round__collaboration_id=round.collaboration_id, round__opens_on__lt=round.opens_on
    ).order_by("-round__opens_on", "-round_id")
    return snapshots.annotate(
        previous_title=Subquery(earlier.values("round__title")[:1]),
        previous_edition=Subquery(earlier.values("round__framework_version__number")[:1]),
        previous_k=Subquery(earlier.values("round__min_group_size")[:1]),
        previous_means=Subquery(earlier.values("collaboration_means")[:1]),
    )


def _previous_round(snapshot: RoundSnapshot) -> PreviousRound | None:
    if snapshot.previous_title is None:
        return None
    return PreviousRound(
        title=snapshot.previous_title,
        edition=snapshot.previous_edition,
        values=group_results.previous_means(snapshot.previous_means, snapshot.previous_k),
    )


def group_results_page(round, user=None, *, anonymised: bool | None = None) -> GroupResultsPage:
    """The round's group results for ``user`` (a member of its collaboration), in 6 queries
    whatever the number of teams, rounds and responses, and never a write: the snapshot (with
    the previous round's, as subqueries), the characteristics and their indicators, the user's
    preference, the teams, the offered groups.

    Surfaces without a member (results shared back, a board link) or with their own rule (a
    workshop's shared screen) pass ``anonymised`` instead of a user: 5 queries, the same
    figures through the same disclosure, teams named or lettered as they say."""
    # The comments can be a megabyte at 50,000 responses: only the characteristic page reads
    # them, one characteristic at a time (snapshot_comments).
    snapshot = (
        _with_previous_round(RoundSnapshot.objects.filter(round=round), round)
        .defer("comments")
        .first()
    )
    version = round.framework_version
    characteristics = characteristics_with_tips(version.pk)
    if anonymised is None:
        anonymised = ResultsPreference.objects.filter(
            user=user, round=round, anonymise_teams=True
        ).exists()
    teams = list(Team.objects.filter(collaboration_id=round.collaboration_id))
    figures = group_results.build(
        snapshot.data if snapshot else {},
        responses=snapshot.responses if snapshot else 0,
        k=round.min_group_size,
        characteristics=characteristic_info(characteristics),
        teams=team_labels(teams, anonymised=anonymised),
        groups=offered_groups(round.collaboration_id),
        strength_min=version.strength_min,
        developing_min=version.developing_min,
        group_labels=dict(StakeholderGroup.choices),
    )
    previous = _previous_round(snapshot) if snapshot is not None and figures.shown else None
    return GroupResultsPage(round, snapshot, figures, characteristics, anonymised, previous)


@dataclass
class PlanItem:
    priority: group_results.Priority
    characteristic: Characteristic
    suggestions: list[Suggestion]


@dataclass
class CollaborationPlan:
    """What the collaboration should work on first, and its strengths, with suggestions."""

    priorities: list[PlanItem]
    strengths: list[PlanItem]
    in_priority_band: bool  # False: none is in the priority band, the developing ones are listed
    declared: list  # the value modes the round recorded when it opened


def collaboration_plan(page: GroupResultsPage) -> CollaborationPlan:
    """Priorities weighted by the value modes the round recorded when it opened (each saying
    which mode weighted it up), and strengths, with their suggestions (6 queries)."""
    modes = list(page.round.value_modes.all())
    weights, mode_weights = value_mode_weights(
        page.round.framework_version, [m.slug for m in modes]
    )
    names = {m.slug: m.name for m in modes}
    reasons = {
        c.number: weighted_by(c.number, weights.get(c.number, 1.0), mode_weights, names)
        for c in page.characteristics
    }
    priorities, strengths = group_results.collaboration_priorities(page.figures, weights, reasons)
    by_number = page.by_number
    suggestions = suggestions_for(
        {(by_number[p.number].pk, p.figure.band) for p in [*priorities, *strengths]}
    )

    def item(p: group_results.Priority) -> PlanItem:
        characteristic = by_number[p.number]
        return PlanItem(p, characteristic, suggestions.get((characteristic.pk, p.figure.band), []))

    return CollaborationPlan(
        priorities=[item(p) for p in priorities],
        strengths=[item(p) for p in strengths],
        in_priority_band=any(p.figure.band == scoring.PRIORITY for p in priorities),
        declared=modes,
    )


COMMENTS_SHOWN = 100


def snapshot_comments(round, number: int, *, show_all: bool = False) -> tuple[list[str], int]:
    """The comments on one characteristic in the round's snapshot, in random order: all of them,
    or at most COMMENTS_SHOWN picked at random. Returns (comments, how many there are)."""
    texts = (
        RoundSnapshot.objects.filter(round=round)
        .values_list(f"comments__{RoundSnapshot.comment_key(number)}", flat=True)
        .first()
    ) or []
    if not show_all and len(texts) > COMMENTS_SHOWN:
        return random.sample(texts, COMMENTS_SHOWN), len(texts)
    texts = list(texts)
    random.shuffle(texts)
    return texts, len(texts)


def actions_before(round) -> dict[int, list[Action]]:
    """The actions that were in place when ``round`` was answered, by characteristic number
    (one query): what the round's results show beside each change in score."""
    grouped: dict[int, list[Action]] = defaultdict(list)
    for action in Action.objects.raised_before(round).order_by("characteristic_number", "pk"):
        grouped[action.characteristic_number].append(action)
    return dict(grouped)


@dataclass
class Differ:
    """A characteristic's statements whose answers split, as its results page lists them."""

    characteristic: Characteristic
    statements: list[tuple[str, object, scoring.Distribution]]  # (code, indicator, answers)


def views_differ(page: GroupResultsPage) -> list[Differ]:
    """The statements whose answers split (``group_results.views_differ``), by characteristic,
    for the report and the shared page (no query: the indicators came with the page)."""
    result = []
    for characteristic in page.characteristics:
        split = set(group_results.views_differ(page.figures, characteristic.number))
        statements = [
            (
                f"{characteristic.number}.{position}",
                indicator,
                page.figures.distributions[indicator.pk],
            )
            for position, indicator in enumerate(characteristic.indicators.all(), 1)
            if indicator.pk in split
        ]
        if statements:
            result.append(Differ(characteristic, statements))
    return result
