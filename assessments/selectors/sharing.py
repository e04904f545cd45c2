"""Reads for results shared back: a round's release, its board links, and what the shared page
shows to partners and on a board link.

The shared page is built only from what the facilitators' pages read: the round's figures
through ``group_results_page`` (so through the one disclosure module), the collaboration's plan,
the statements where views differ, the agreed scores of its workshop, the action plan, and, only
when the release says so, the comments exactly as the characteristic page samples them
(``snapshot_comments``). Nothing here reads a response, and nothing says who answered.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Max, Q

from assessments import charts, group_results
from assessments.models import (
    Action,
    Agreement,
    BoardLink,
    ResultsRelease,
    RoundSnapshot,
    Workshop,
    token_digest,
)
from assessments.selectors.group_results import (
    CollaborationPlan,
    Differ,
    GroupResultsPage,
    collaboration_plan,
    group_results_page,
    snapshot_comments,
    views_differ,
)
from assessments.selectors.workshops import AgreedScores, agreed_scores

# --- Releases and board links ---------------------------------------------------------------------


def release_of(round) -> ResultsRelease | None:
    """The round's release, live or withdrawn; None if it was never released (one query)."""
    return ResultsRelease.objects.filter(round=round).first()


def live_release(round) -> ResultsRelease | None:
    """The round's release while it is live (not withdrawn), else None (one query)."""
    return ResultsRelease.objects.filter(round=round, withdrawn_at__isnull=True).first()


def board_link_by_token(token: str) -> BoardLink | None:
    """The board link a token opens, with its round, the round's collaboration, edition and
    release, in one query (only the token's digest is stored). None for an unknown token; the
    caller checks whether it still works (``board_link_state``)."""
    return (
        BoardLink.objects.select_related(
            "round__collaboration",
            "round__release",
            "round__framework_version__framework",
            "round__framework_version__source",
        )
        .filter(token_digest=token_digest(token))
        .first()
    )


def release_of_link(link: BoardLink) -> ResultsRelease | None:
    """The link's round's release, as ``board_link_by_token`` read it (no query)."""
    try:
        return link.round.release
    except ObjectDoesNotExist:
        return None


def board_links(round) -> list[BoardLink]:
    """The round's links that are not revoked, newest first (one query); expired ones are kept
    in the list so that the facilitator sees why a link stopped working."""
    return list(BoardLink.objects.filter(round=round, revoked_at__isnull=True))


# --- The shared page ------------------------------------------------------------------------------


@dataclass
class SharedRow:
    """One characteristic of the shared page's main table."""

    number: int
    name: str
    short_name: str
    slug: str
    total: group_results.Figure
    previous: float | None
    agreed: Agreement | None = None


@dataclass
class SharedBreakdown:
    title: str
    rows: list[tuple[group_results.GroupRow, list[group_results.Figure]]]
    not_shown: int  # rows of this breakdown with no figure that may be shown


@dataclass
class SharedFigures:
    """The figures part of the shared page, from the round's figures alone (no database), so
    that the disclosure property test can render it for generated rounds."""

    figures: group_results.RoundFigures
    rows: list[SharedRow]
    breakdowns: list[SharedBreakdown]
    radar: dict
    legend: list[dict]


def shared_figures(
    figures: group_results.RoundFigures,
    previous: dict[int, float] | None = None,
    slugs: dict[int, str] | None = None,
) -> SharedFigures:
    """The radar (the overview's, ``charts.group_radar``), its table, and each team's and
    stakeholder group's figures by characteristic: only rows with a figure that may be shown,
    every cell the figure the facilitators' heatmap shows."""
    previous = previous or {}
    numbers = [c.number for c in figures.characteristics]
    rows = [
        SharedRow(
            c.number,
            c.name,
            c.short_name,
            (slugs or {}).get(c.number, ""),
            figures.total[c.number],
            previous.get(c.number),
        )
        for c in figures.characteristics
    ]
    breakdowns = []
    for breakdown, title in ((figures.teams, "Teams"), (figures.groups, "Stakeholder groups")):
        with_figures = [
            (row, [row.figures[n] for n in numbers])
            for row in sorted(breakdown.rows, key=lambda row: row.label.lower())
            if any(row.figures[n].shown for n in numbers)
        ]
        breakdowns.append(
            SharedBreakdown(title, with_figures, len(breakdown.rows) - len(with_figures))
        )
    radar, legend = {}, []
    if figures.shown:
        radar = charts.group_radar(figures, previous or None)
        legend = [entry for entry in charts.radar_legend(radar) if not entry.get("team")]
    return SharedFigures(figures, rows, breakdowns, radar, legend)


@dataclass
class SharedComments:
    number: int
    name: str
    texts: list[str]
    count: int


@dataclass
class SharedResults:
    round: object
    release: ResultsRelease
    page: GroupResultsPage
    shared: SharedFigures
    plan: CollaborationPlan | None
    differ: list[Differ]
    actions: list[Action]
    agreed: AgreedScores | None
    comments: list[SharedComments] = field(default_factory=list)

    @property
    def figures(self) -> group_results.RoundFigures:
        return self.page.figures


def _shown_actions(round):
    return Action.objects.filter(collaboration_id=round.collaboration_id).filter(
        Q(round=round) | Q(status__in=Action.OPEN_STATUSES)
    )


def shared_actions(round) -> list[Action]:
    """The collaboration's actions raised from this round, and its other actions still open
    (one query)."""
    return list(_shown_actions(round).order_by("characteristic_number", "due_on", "pk"))


def shared_results(round, release: ResultsRelease) -> SharedResults:
    """Everything the shared page shows, whatever the number of teams and responses: the page's
    5 queries, the plan's 6 (once figures are shown), the actions' 1, the agreed scores' 1 or 2,
    and, when comments are shared, one per characteristic."""
    page = group_results_page(round, anonymised=not release.share_team_names)
    figures = page.figures
    previous = page.previous.values if page.previous else None
    shared = shared_figures(figures, previous, {c.number: c.slug for c in page.characteristics})
    agreed = agreed_scores(round)
    if agreed is not None:
        for row in shared.rows:
            row.agreed = agreed.agreements.get(row.number)
    comments = []
    if release.share_comments and figures.shown:
        for c in page.characteristics:
            texts, count = snapshot_comments(round, c.number)
            comments.append(SharedComments(c.number, c.name, texts, count))
    actions = shared_actions(round)
    names = {c.number: c.name for c in page.characteristics}
    for action in actions:
        action.characteristic_name = names.get(action.characteristic_number, "")
    return SharedResults(
        round=round,
        release=release,
        page=page,
        shared=shared,
        plan=collaboration_plan(page) if figures.shown else None,
        differ=views_differ(page) if figures.shown else [],
        actions=actions,
        agreed=agreed,
        comments=comments,
    )


# --- Self-refresh ---------------------------------------------------------------------------------


NOT_SHARED_STAMP = hashlib.sha256(b"not shared").hexdigest()[:20]


def shared_stamp(round, release: ResultsRelease | None) -> str:
    """A short digest that changes when anything the shared page shows may have changed: the
    snapshot's figures, the release, the workshop's agreements, what it shows of the actions it
    lists (3 queries). A digest of those only, so it tells nothing the page does not (an
    action's owner or notes changing leaves it alone); while nothing is shared it is a constant
    (no query), so that polling it tells nobody when the figures move."""
    if release is None or not release.is_live:
        return NOT_SHARED_STAMP
    snapshot = RoundSnapshot.objects.filter(round=round).values_list("responses", "data").first()
    workshop = (
        Workshop.objects.filter(round=round)
        .annotate(agreements_n=Count("agreements"), latest=Max("agreements__recorded_at"))
        .values_list("held_on", "participants", "agreements_n", "latest")
        .first()
    )
    # The actions as the page lists them, and only what it shows of each (not owner or notes).
    actions = list(
        _shown_actions(round)
        .order_by("characteristic_number", "due_on", "pk")
        .values_list("title", "characteristic_number", "status", "due_on")
    )
    state = {
        "snapshot": snapshot,
        "release": (
            release.pk,
            release.released_at,
            release.share_team_names,
            release.share_comments,
        ),
        "workshop": workshop,
        "actions": actions,
    }
    encoded = json.dumps(state, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]
