"""Reading results: the queries behind the results pages, then the pure scoring functions."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch

from assessments import charts, group_results, rollups, scoring
from assessments import trends as trends_module
from assessments.models import (
    Action,
    OfferedGroup,
    ResultsPreference,
    Round,
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
from frameworks.models import (
    Characteristic,
    Indicator,
    Suggestion,
)

# --- Group results (facilitators) -----------------------------------------------------------------


@dataclass
class GroupResultsPage:
    """What every group results page shows for a round, read from its snapshot."""

    round: object
    snapshot: object | None  # RoundSnapshot
    figures: group_results.RoundFigures
    characteristics: list[Characteristic]  # with their indicators
    anonymised: bool
    charts: dict  # the snapshot's built figures (radar, distributions, previous round)

    @property
    def by_number(self) -> dict[int, Characteristic]:
        return {c.number: c for c in self.characteristics}

    @property
    def previous(self) -> dict | None:
        return self.charts.get("previous")


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


def _previous_round(round) -> dict | None:
    """The collaboration's figures in the round before this one (by opening date), per
    characteristic number, as far as its own minimum group size allows."""
    snapshot = (
        RoundSnapshot.objects.filter(
            round__collaboration_id=round.collaboration_id, round__opens_on__lt=round.opens_on
        )
        .select_related("round__framework_version")
        .order_by("-round__opens_on", "-round_id")
        .first()
    )
    if snapshot is None:
        return None
    everyone = rollups.combine(snapshot.data, snapshot.data.get("cells", {}))
    values = {}
    for key in everyone["c"]:
        result = scoring.group_from_sums(int(key), rollups.characteristic_sums(everyone, int(key)))
        if result.mean is not None and result.n >= snapshot.round.min_group_size:
            values[key] = float(scoring.shown(result.mean))
    return {
        "title": snapshot.round.title,
        "edition": snapshot.round.framework_version.number,
        "values": values,
    }


def _build_charts(round, figures: group_results.RoundFigures, characteristics) -> dict:
    previous = _previous_round(round)
    previous_values = {int(k): v for k, v in previous["values"].items()} if previous else None
    built = {
        "radar": charts.group_radar(figures, previous_values),
        "distributions": {},
        "previous": previous,
    }
    for characteristic in characteristics:
        codes = [
            f"{characteristic.number}.{i}" for i, _ in enumerate(characteristic.indicators.all(), 1)
        ]
        built["distributions"][str(characteristic.number)] = charts.distribution_bars(
            figures, characteristic.number, codes
        )
    return built


def group_results_page(round, user) -> GroupResultsPage:
    """The round's group results for ``user`` (a member of its collaboration), in 6 queries
    whatever the number of teams and responses: the snapshot, the characteristics and their
    indicators, the teams, the offered groups, the user's preference. The first view after the
    snapshot moves also builds the charts and keeps them (3 queries more)."""
    from assessments.models import RoundSnapshot

    # The comments can be a megabyte at 50,000 responses: only the characteristic page reads
    # them, one characteristic at a time (snapshot_comments).
    snapshot = RoundSnapshot.objects.filter(round=round).defer("comments").first()
    version = round.framework_version
    characteristics = characteristics_with_tips(version.pk)
    info = [
        group_results.CharacteristicInfo(
            c.number, c.name, c.short_name, tuple(i.pk for i in c.indicators.all())
        )
        for c in characteristics
    ]
    anonymised = ResultsPreference.objects.filter(
        user=user, round=round, anonymise_teams=True
    ).exists()
    teams = list(Team.objects.filter(collaboration_id=round.collaboration_id))
    labels = dict(StakeholderGroup.choices)
    offered = [
        (g, labels.get(g, g))
        for g in OfferedGroup.objects.filter(collaboration_id=round.collaboration_id)
        .order_by("pk")
        .values_list("group", flat=True)
    ]
    figures = group_results.build(
        snapshot.data if snapshot else {},
        responses=snapshot.responses if snapshot else 0,
        k=round.min_group_size,
        characteristics=info,
        teams=team_labels(teams, anonymised=anonymised),
        groups=offered,
        strength_min=version.strength_min,
        developing_min=version.developing_min,
        group_labels=labels,
    )
    charts = {}
    if snapshot is not None and figures.shown:
        # The charts depend on the snapshot and on which teams and groups the breakdowns list
        # (a new team can change what disclosure hides): rebuilt when any of these changes.
        key = f"3:{snapshot.moves}:{sorted(t.pk for t in teams)}:{offered}"
        if not snapshot.figures or snapshot.figures.get("key") != key:
            snapshot.figures = {**_build_charts(round, figures, characteristics), "key": key}
            RoundSnapshot.objects.filter(pk=snapshot.pk, moves=snapshot.moves).update(
                figures=snapshot.figures
            )
        charts = snapshot.figures
    return GroupResultsPage(round, snapshot, figures, characteristics, anonymised, charts)


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
    from assessments.services.snapshots import comment_key  # services import this module

    texts = (
        RoundSnapshot.objects.filter(round=round)
        .values_list(f"comments__{comment_key(number)}", flat=True)
        .first()
    ) or []
    if not show_all and len(texts) > COMMENTS_SHOWN:
        return random.sample(texts, COMMENTS_SHOWN), len(texts)
    texts = list(texts)
    random.shuffle(texts)
    return texts, len(texts)


# --- Trends (facilitators) --------------------------------------------------------------------------


def collaboration_trends(collaboration, user, *, up_to=None) -> trends_module.Trends:
    """Every opened round of the collaboration, oldest first, as trends (``assessments.trends``),
    each round's figures built from its snapshot exactly as its own pages build them. Reads the
    snapshots (the per-round rollups), never an answer, in 6 queries whatever the number of
    rounds, teams and responses: the rounds with their editions and snapshots, the editions'
    characteristics and their indicators, the teams, the offered groups, the user's preference
    for the latest round (team names or Team A, B, …). With ``up_to`` (a round), only the rounds
    opened by then: what a report of that round looks back on."""
    rounds = Round.objects.filter(collaboration=collaboration)
    if up_to is not None:
        rounds = rounds.filter(opens_on__lte=up_to.opens_on)
    rounds = list(
        rounds.exclude(status=Round.Status.DRAFT)
        .select_related("framework_version", "snapshot")
        .defer("snapshot__comments", "snapshot__figures")
        .order_by("opens_on", "pk")
    )
    version_ids = {r.framework_version_id for r in rounds}
    by_version: dict[int, list[Characteristic]] = defaultdict(list)
    for characteristic in (
        Characteristic.objects.filter(version_id__in=version_ids)
        .order_by("number")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
    ):
        by_version[characteristic.version_id].append(characteristic)
    anonymised = bool(rounds) and (
        ResultsPreference.objects.filter(user=user, round=rounds[-1], anonymise_teams=True).exists()
    )
    teams = team_labels(
        list(Team.objects.filter(collaboration=collaboration)), anonymised=anonymised
    )
    labels = dict(StakeholderGroup.choices)
    offered = [
        (g, labels.get(g, g))
        for g in OfferedGroup.objects.filter(collaboration=collaboration)
        .order_by("pk")
        .values_list("group", flat=True)
    ]

    trend_rounds = []
    for round in rounds:
        version = round.framework_version
        characteristics = by_version[version.pk]
        snapshot = getattr(round, "snapshot", None)
        figures = group_results.build(
            snapshot.data if snapshot else {},
            responses=snapshot.responses if snapshot else 0,
            k=round.min_group_size,
            characteristics=[
                group_results.CharacteristicInfo(
                    c.number, c.name, c.short_name, tuple(i.pk for i in c.indicators.all())
                )
                for c in characteristics
            ],
            teams=teams,
            groups=offered,
            strength_min=version.strength_min,
            developing_min=version.developing_min,
            group_labels=labels,
        )
        trend_rounds.append(
            trends_module.TrendRound(
                round_id=round.pk,
                title=round.title,
                opens_on=round.opens_on,
                edition=version.number,
                version_id=version.pk,
                figures=figures,
                indicators={
                    c.number: {i.key: i.text for i in c.indicators.all()} for c in characteristics
                },
            )
        )

    def row_labels(name: str, listed: list[tuple[str, str]]) -> list[tuple[str, str]]:
        # The listed teams or groups, then any row a round still holds (a team since removed).
        seen = dict(listed)
        for r in trend_rounds:
            for row in getattr(r.figures, name).rows:
                seen.setdefault(row.key, row.label)
        return list(seen.items())

    latest = by_version[rounds[-1].framework_version_id] if rounds else []
    return trends_module.build(
        trend_rounds,
        characteristics=[(c.number, c.name) for c in latest],
        team_labels=row_labels("teams", [(f"team:{pk}", label) for pk, label in teams]),
        group_labels=row_labels("groups", [(f"group:{slug}", label) for slug, label in offered]),
    )


def actions_before(round) -> dict[int, list[Action]]:
    """The actions that were in place when ``round`` was answered, by characteristic number
    (one query): what the round's results show beside each change in score."""
    grouped: dict[int, list[Action]] = defaultdict(list)
    for action in Action.objects.raised_before(round).order_by("characteristic_number", "pk"):
        grouped[action.characteristic_number].append(action)
    return dict(grouped)
