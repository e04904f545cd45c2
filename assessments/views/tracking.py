"""Facilitators watch responses arrive: how many started and submitted, per team and per
stakeholder group, and how many are counted in the results.

Tracking never shows a count under the round's minimum group size, nor one that could be worked
out from the others (``assessments.disclosure``), nor anything that orders responses in time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from assessments import disclosure, rollups
from assessments.access import Access, facilitator_view, round_of
from assessments.models import IndividualLink, Response, RoundSnapshot, StakeholderGroup


@dataclass
class TrackingRow:
    label: str
    started: disclosure.Cell  # live, in steps of k (``disclosure.in_steps``)
    submitted: disclosure.Cell  # live, in steps of k
    counted: disclosure.Cell  # counted in the results: exact, moves by 0 or at least k
    headcount: int | None = None
    chase: bool = False  # an active team, which the chase-up list may name

    @property
    def rate(self) -> int | None:
        """Responses counted in the results as a percentage of the headcount."""
        if not self.headcount or not self.counted.shown:
            return None
        return round(100 * self.counted.value / self.headcount)

    @property
    def bar_width(self) -> int:
        return min(self.rate or 0, 100)


def tracking_rows(round, teams, team_counts, group_counts, offered, snapshot_data):
    """The tracking tables, every count passed through ``disclosure``.

    ``team_counts`` and ``group_counts`` map a team id (None: not chosen yet) or a group code
    ('' : not chosen yet) to (started, submitted), live; they are shown in steps of k, so
    that watching the page does not tell which team or group each new response is in.
    ``snapshot_data`` gives the responses counted in the results, per team and group: those
    move only as the results do (0 or at least k at a time).
    """
    k = round.min_group_size
    # "Not chosen yet" rows appear only once somebody is in them.
    team_keys = [team.pk for team in teams] + ([None] if None in team_counts else [])
    group_keys = list(offered) + [g for g in group_counts if g not in offered and g]
    if "" in group_counts:
        group_keys.append("")
    counted_teams: dict = {}
    counted_groups: dict = {}
    for cell_key, cell in snapshot_data.get("cells", {}).items():
        team, group = rollups.split_key(cell_key)
        counted_teams[team] = counted_teams.get(team, 0) + cell["n"]
        counted_groups[group] = counted_groups.get(group, 0) + cell["n"]
    counted_total = sum(counted_teams.values())
    counted = {
        "teams": disclosure.protect_table(
            {key: counted_teams.get(key, 0) for key in team_keys}, k=k, total=counted_total
        )[0],
        "groups": disclosure.protect_table(
            {key: counted_groups.get(key, 0) for key in group_keys}, k=k, total=counted_total
        )[0],
    }
    labels = dict(StakeholderGroup.choices)
    team_names = {team.pk: team for team in teams}

    def rows(table, keys, counts, label, headcount):
        return [
            TrackingRow(
                label=label(key),
                started=disclosure.in_steps(counts.get(key, (0, 0))[0], k),
                submitted=disclosure.in_steps(counts.get(key, (0, 0))[1], k),
                counted=counted[table][key],
                headcount=headcount(key),
                chase=table == "teams" and key is not None and not team_names[key].is_archived,
            )
            for key in keys
        ]

    return {
        "teams": rows(
            "teams",
            team_keys,
            team_counts,
            lambda key: team_names[key].name if key else "No team chosen yet",
            lambda key: team_names[key].headcount if key else None,
        ),
        "groups": rows(
            "groups",
            group_keys,
            group_counts,
            lambda key: labels.get(key, key) if key else "No group chosen yet",
            lambda key: None,
        ),
        "total": TrackingRow(
            label="Everyone",
            started=disclosure.in_steps(sum(s for s, _ in team_counts.values()), k),
            submitted=disclosure.in_steps(sum(s for _, s in team_counts.values()), k),
            counted=disclosure.Cell(disclosure.SHOWN, counted_total)
            if counted_total
            else disclosure.Cell(disclosure.EMPTY, 0),
        ),
    }


@dataclass
class ChaseUp:
    row: TrackingRow
    expected: int


def expected_responses(headcount: int | None, *, rate: int, k: int) -> int:
    """How many responses a team is expected to give: the round's expected response rate of its
    headcount, rounded up; without a headcount, k (the fewest its figures can be shown for)."""
    return math.ceil(headcount * rate / 100) if headcount else k


def known_at_least(row: TrackingRow) -> int:
    """The most responses the page already says a team has surely submitted: the first count of
    its step (none, "fewer than k": 1, "10 to 14": 10) or its count in the results, if shown."""
    submitted = row.submitted
    if submitted.state == disclosure.STEPS:
        least = submitted.value
    elif submitted.state == disclosure.FEWER_THAN_K:
        least = 1
    else:
        least = 0
    counted = row.counted.value if row.counted.shown else 0
    return max(least, counted)


def chase_up(rows: list[TrackingRow], *, rate: int, k: int) -> list[ChaseUp]:
    """The active teams not known to have reached their expected responses, those with nobody
    first, then the furthest behind.

    Made only from what the team's row already shows (its submitted step, its count in the
    results and its headcount), never from the live counts: so the list says nothing the table
    does not, at any visit or between two (docs/privacy.md, "The chase-up list"). A team whose
    responses are under a step may already have reached its number: the list cannot say so
    without saying how many answered."""
    behind = []
    for row in rows:
        if not row.chase:
            continue
        expected = expected_responses(row.headcount, rate=rate, k=k)
        least = known_at_least(row)
        if least < expected:
            behind.append((least > 0, least / expected, row.label, ChaseUp(row, expected)))
    return [item for *_order, item in sorted(behind, key=lambda entry: entry[:3])]


@facilitator_view(methods=("GET", "HEAD"))
def tracking(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """How many started and submitted, per team and per stakeholder group: the same number of
    queries for 1 or 20 teams (two aggregates, whatever the number of responses)."""
    round = round_of(access, round_id)
    collaboration = access.collaboration
    teams = list(
        collaboration.teams.filter(Q(archived_on__isnull=True) | Q(responses__round=round))
        .distinct()
        .order_by("name")
    )
    responses = Response.objects.filter(round=round)
    team_counts = responses.counts_by("team_id")
    group_counts = responses.counts_by("stakeholder_group")
    offered = [code for code, _label in collaboration.offered_group_choices]
    snapshot = RoundSnapshot.objects.filter(round=round).values_list("data", flat=True).first()
    tables = tracking_rows(round, teams, team_counts, group_counts, offered, snapshot or {})
    k = round.min_group_size
    return render(
        request,
        "facilitate/tracking.html",
        {
            "access": access,
            "round": round,
            "tables": tables,
            "chase_up": chase_up(tables["teams"], rate=round.expected_response_rate, k=k),
            "next_reminder_on": round.next_reminder_on(timezone.localdate()),
            "k": k,
            "invited": IndividualLink.objects.filter(round=round).count(),
        },
    )
