"""Reads for the trends page and the report's trends: every opened round of a collaboration,
each round's figures built from its snapshot exactly as its own pages build them, gathered in a
fixed number of queries and handed to ``assessments.trends``. Nothing here writes."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch

from assessments import group_results
from assessments import trends as trends_module
from assessments.models import ResultsPreference, Round, StakeholderGroup, Team
from assessments.selectors.group_results import characteristic_info, offered_groups, team_labels
from assessments.selectors.workshops import agreed_scores_for_rounds
from frameworks.models import Characteristic, Indicator


def collaboration_trends(collaboration, user, *, up_to=None) -> trends_module.Trends:
    """Every opened round of the collaboration, oldest first, as trends (``assessments.trends``),
    each round's figures built from its snapshot exactly as its own pages build them. Reads the
    snapshots (the per-round rollups), never an answer, in 6 queries whatever the number of
    rounds, teams and responses: the rounds with their editions and snapshots, the editions'
    characteristics and their indicators, the user's preference for the latest round (team
    names or Team A, B, …), the teams, the offered groups; then the rounds' workshops and, if
    any round had one, their agreements (``agreed_scores_for_rounds``: 1 or 2 queries whatever
    the number of rounds and agreements). With ``up_to`` (a round), only the rounds opened by
    then: what a report of that round looks back on."""
    rounds = Round.objects.filter(collaboration=collaboration)
    if up_to is not None:
        rounds = rounds.filter(opens_on__lte=up_to.opens_on)
    rounds = list(
        rounds.exclude(status=Round.Status.DRAFT)
        .select_related("framework_version", "snapshot")
        .defer("snapshot__comments", "snapshot__collaboration_means")
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
    offered = offered_groups(collaboration.pk)
    labels = dict(StakeholderGroup.choices)
    agreed = agreed_scores_for_rounds([r.pk for r in rounds])

    trend_rounds = []
    for round in rounds:
        version = round.framework_version
        characteristics = by_version[version.pk]
        snapshot = getattr(round, "snapshot", None)
        figures = group_results.build(
            snapshot.data if snapshot else {},
            responses=snapshot.responses if snapshot else 0,
            k=round.min_group_size,
            characteristics=characteristic_info(characteristics),
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
                agreed=_agreed(agreed.get(round.pk)),
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


def _agreed(scores) -> trends_module.Agreed | None:
    """A round's ``AgreedScores`` as the pure trends take them: every characteristic the room
    recorded, None where it could not agree."""
    if scores is None or not scores.agreements:
        return None
    return trends_module.Agreed(
        held_on=scores.held_on,
        participants=scores.participants,
        scores={number: a.score for number, a in scores.agreements.items()},
    )
