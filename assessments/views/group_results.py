"""Group results of a round, for the collaboration's members (viewers and up): overview with
the radar and priorities, heatmap, one characteristic in depth, perspective gaps, learn from,
and the CSV of the figures.

Every page reads the round's snapshot through ``selectors.group_results.group_results_page``
(the figures already through disclosure), never touches a response and never writes. Charts are
composed from the same figures as the tables beside them (``assessments.charts``) and drawn by
static/js/charts.js.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify

from assessments import charts, group_results, scoring
from assessments.access import Access, facilitator_view, round_of
from assessments.models import ResultsPreference, Role
from assessments.selectors.group_results import (
    GroupResultsPage,
    actions_before,
    collaboration_plan,
    group_results_page,
    snapshot_comments,
)
from assessments.selectors.workshops import AgreedScores, agreed_scores
from frameworks.models import Example, ValueMode

SORT_ORDERS = ("asc", "desc")


def _context(request: HttpRequest, access: Access, page: GroupResultsPage, **extra) -> dict:
    round = page.round
    return {
        "access": access,
        "round": round,
        "page": page,
        "figures": page.figures,
        "k": round.min_group_size,
        "sd_min_n": scoring.SD_MIN_N,
        **extra,
    }


def _page(access: Access, round_id: int, request: HttpRequest) -> GroupResultsPage:
    return group_results_page(round_of(access, round_id), request.user)


def _radar(
    page: GroupResultsPage, shown_keys: set[str], agreed: AgreedScores | None
) -> tuple[dict, list, list]:
    """The radar with the team traces named for this page (names or Team A, B, …) and shown as
    the facilitator chose (without JavaScript too), and any agreed scores: (chart, toggles, legend)."""
    if not page.figures.shown:
        return {}, [], []
    previous = page.previous.values if page.previous else None
    scores = agreed.scores if agreed else None  # a gap where the room could not agree
    chart = charts.group_radar(page.figures, previous, shown=shown_keys, agreed=scores)
    toggles = [
        {"key": trace["meta"], "label": trace["name"], "on": trace["visible"] is True, "index": i}
        for i, trace in enumerate(chart["data"])
        if str(trace.get("meta", "")).startswith("team:")
    ]
    return chart, toggles, charts.radar_legend(chart)


@dataclass
class ChartRow:
    characteristic: object
    total: group_results.Figure
    previous: float | None
    once: group_results.EachTeamOnce | None = None  # the mean with every team counting once
    agreed: object = None  # the workshop's newest Agreement on it (score None: could not agree)


@facilitator_view(methods=("GET", "HEAD"))
def overview(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    page = _page(access, round_id, request)
    figures = page.figures
    chosen = set(request.GET.getlist("show"))
    agreed = agreed_scores(page.round) if figures.shown else None  # 1 query, 2 with a workshop
    agreed = agreed if agreed and agreed.agreements else None  # beside the survey's scores
    radar, toggles, legend = _radar(page, chosen, agreed)
    team_rows = [
        row
        for row in figures.teams.rows
        if any(row.figures[c.number].shown for c in figures.characteristics)
    ]
    # The teams on the chart, a row each (their figures by characteristic): the table keeps to
    # the width of the screen however many teams are chosen.
    team_table = [
        {
            "key": row.key,
            "label": row.label,
            "on": row.key in chosen,
            "figures": [row.figures[c.number] for c in figures.characteristics],
        }
        for row in team_rows
    ]
    previous = page.previous.values if page.previous else {}
    chart_rows = [
        ChartRow(
            characteristic=c,
            total=figures.total[c.number],
            previous=previous.get(c.number),
            once=group_results.each_team_once(figures, c.number),
            agreed=agreed.agreements.get(c.number) if agreed else None,
        )
        for c in page.characteristics
    ]

    plan = collaboration_plan(page)
    by_number = page.by_number
    differ = [
        (by_number[c.number], len(group_results.views_differ(figures, c.number)))
        for c in figures.characteristics
    ]
    all_modes = list(ValueMode.objects.order_by("position").values_list("slug", "name"))
    alignment = group_results.value_mode_alignment(
        figures, all_modes, {m.slug for m in plan.declared}
    )
    reliability = [
        (by_number[c.number], group_results.reliability(figures, c.number))
        for c in figures.characteristics
    ]
    since = _since_previous(page, chart_rows)
    return render(
        request,
        "results/overview.html",
        _context(
            request,
            access,
            page,
            radar=radar,
            toggles=toggles,
            legend=legend,
            chart_rows=chart_rows,
            agreed=agreed,
            team_table=team_table,
            teams_on=any(team["on"] for team in team_table),
            cards=plan.priorities,
            strength_cards=plan.strengths,
            in_priority_band=plan.in_priority_band,
            declared=plan.declared,
            differ=[(c, n) for c, n in differ if n],
            alignment=alignment,
            reliability=reliability,
            team_left_out=any(row.once.left_out for row in chart_rows if row.once.mean is not None),
            alpha_min=max(scoring.ALPHA_MIN_RESPONSES, page.round.min_group_size),
            since=since,
            since_edition_changed=bool(page.previous)
            and page.previous.edition != page.round.framework_version.number,
            action_round=page.round if access.can_facilitate else None,
        ),
    )


def _since_previous(page: GroupResultsPage, chart_rows: list[ChartRow]) -> list[dict]:
    """Per characteristic: the previous round's and this round's collaboration score, the change,
    and the actions that were on it when this round was answered (overdue ones marked). Empty
    when there is neither a previous round nor an action."""
    actions = actions_before(page.round)
    if not page.previous and not actions:
        return []
    today = timezone.localdate()
    for items in actions.values():
        for action in items:
            action.overdue = action.is_overdue(today)
    rows = []
    for row in chart_rows:
        now = float(scoring.shown(row.total.mean)) if row.total.shown else None
        rows.append(
            {
                "characteristic": row.characteristic,
                "previous": row.previous,
                "now": now,
                "change": now - row.previous
                if now is not None and row.previous is not None
                else None,
                "actions": actions.get(row.characteristic.number, []),
            }
        )
    return rows


def _sort_key(sort: str, row):
    if sort == "name":
        return (0, row.label.lower())
    if sort == "responses":
        cell = row.responses
        return (0 if cell.shown else 1, -(cell.value or 0))
    number = int(sort)
    figure = row.figures[number]
    return (0 if figure.shown else 1, -(figure.mean or 0))


@facilitator_view(methods=("GET", "HEAD"))
def heatmap(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    page = _page(access, round_id, request)
    figures = page.figures
    numbers = [str(c.number) for c in figures.characteristics]
    sort = request.GET.get("sort", "name")
    order = request.GET.get("order", "asc")
    if sort not in ("name", "responses", *numbers) or order not in SORT_ORDERS:
        sort, order = "name", "asc"
    breakdowns = []
    for breakdown, title in ((figures.teams, "Teams"), (figures.groups, "Stakeholder groups")):
        rows = sorted(breakdown.rows, key=lambda row: _sort_key(sort, row))
        if order == "desc":
            shown = [r for r in rows if _sort_key(sort, r)[0] == 0]
            rows = shown[::-1] + [r for r in rows if _sort_key(sort, r)[0] != 0]
        breakdowns.append({"title": title, "breakdown": breakdown, "rows": rows})
    columns = [
        {
            "key": key,
            "label": label,
            "sorted": sort == key,
            "next": "desc" if sort == key and order == "asc" else "asc",
        }
        for key, label in [
            ("name", "Name"),
            ("responses", "Responses"),
            *((str(c.number), c.short_name) for c in page.characteristics),
        ]
    ]
    return render(
        request,
        "results/heatmap.html",
        _context(
            request,
            access,
            page,
            breakdowns=breakdowns,
            columns=columns,
            sort=sort,
            order=order,
            characteristic_columns=columns[2:],
            high_dont_know=scoring.HIGH_DONT_KNOW,
        ),
    )


@facilitator_view(methods=("GET", "HEAD"))
def characteristic(
    request: HttpRequest, access: Access, round_id: int, number: int
) -> HttpResponse:
    page = _page(access, round_id, request)
    figures = page.figures
    current = page.by_number.get(number)
    if current is None:
        raise Http404("No such characteristic in this round's edition.")
    numbers = [c.number for c in page.characteristics]
    at = numbers.index(number)
    indicators = list(current.indicators.all())
    distributions = []
    chart = None
    if figures.shown:
        # The chart's own numbers (charts.distribution_series), so the table cannot differ.
        shares = charts.distribution_series(figures, number)
        for code, (indicator, percents) in enumerate(zip(indicators, shares, strict=True), 1):
            d = figures.distributions[indicator.pk]
            distributions.append(
                {
                    "code": f"{number}.{code}",
                    "indicator": indicator,
                    "d": d,
                    "cells": list(zip([*d.counts, d.dont_know], percents, strict=True)),
                }
            )
        chart = charts.distribution_bars([d["code"] for d in distributions], shares)
    comments, comment_count = [], 0
    if figures.shown:
        comments, comment_count = snapshot_comments(
            page.round, number, show_all=request.GET.get("comments") == "all"
        )
    learn = next(
        (item for item in group_results.learn_from(figures) if item.number == number), None
    )
    examples = list(Example.objects.filter(characteristic=current).order_by("position"))
    rows = [("Collaboration", "collaboration", figures.total[number])]
    rows += [(row.label, "team", row.figures[number]) for row in figures.teams.rows]
    rows += [(row.label, "group", row.figures[number]) for row in figures.groups.rows]
    return render(
        request,
        "results/characteristic.html",
        _context(
            request,
            access,
            page,
            characteristic=current,
            rows=rows,
            distributions=distributions,
            chart=chart,
            views_differ=[d for d in distributions if d["d"].views_differ],
            high_dont_know=[d for d in distributions if d["d"].high_dont_know],
            comments=comments,
            comment_count=comment_count,
            sure=group_results.reliability(figures, number) if figures.shown else None,
            many_dont_know=scoring.HIGH_DONT_KNOW,
            alpha_min=max(scoring.ALPHA_MIN_RESPONSES, page.round.min_group_size),
            learn=learn,
            examples=examples,
            previous_characteristic=page.characteristics[at - 1] if at > 0 else None,
            next_characteristic=page.characteristics[at + 1] if at + 1 < len(numbers) else None,
            answer_labels=["1", "2", "3", "4", "5", "Don’t know"],
        ),
    )


@facilitator_view(methods=("GET", "HEAD"))
def perspectives(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    page = _page(access, round_id, request)
    gaps = group_results.perspective_gaps(page.figures)
    return render(
        request,
        "results/perspectives.html",
        _context(request, access, page, gaps=gaps, by_number=page.by_number),
    )


@facilitator_view(methods=("GET", "HEAD"))
def learn(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    page = _page(access, round_id, request)
    items = group_results.learn_from(page.figures)
    examples: dict[int, list[Example]] = {}
    for example in (
        Example.objects.filter(characteristic__version=page.round.framework_version)
        .select_related("characteristic")
        .order_by("position")
    ):
        examples.setdefault(example.characteristic.number, []).append(example)
    return render(
        request,
        "results/learn.html",
        _context(
            request,
            access,
            page,
            items=[
                {
                    "item": item,
                    "characteristic": page.by_number[item.number],
                    "examples": examples.get(item.number, []),
                }
                for item in items
            ],
        ),
    )


@facilitator_view(read=Role.VIEWER, write=Role.VIEWER, methods=("POST",))
def team_names(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """Show teams by name, or as Team A, B, … for a shared screen; kept per user and round."""
    round = round_of(access, round_id)
    choice = request.POST.get("anonymise")
    if choice not in ("0", "1"):
        return HttpResponseBadRequest("Choose to show team names or letters.")
    with transaction.atomic():
        ResultsPreference.objects.update_or_create(
            user=request.user, round=round, defaults={"anonymise_teams": choice == "1"}
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("results_overview", args=[access.collaboration.pk, round.pk])
    return redirect(back)


@facilitator_view(methods=("GET", "HEAD"))
def export_csv(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """The round's aggregate figures as CSV (UTF-8 with a BOM, so that spreadsheet programs read
    the accents), with the same suppression as the pages and formula-like cells escaped; then
    any scores agreed in a workshop, labelled as such (``group_results.agreed_rows``)."""
    page = _page(access, round_id, request)
    agreed = agreed_scores(page.round)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = slugify(f"{access.collaboration.name} {page.round.title}") or "results"
    response["Content-Disposition"] = f'attachment; filename="{filename}-figures.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(group_results.CSV_HEADER)
    if page.figures.shown:
        writer.writerows(group_results.export_rows(page.figures))
    else:
        note = f"No figures yet: fewer than {page.round.min_group_size} responses submitted."
        row = [""] * len(group_results.CSV_HEADER)
        row[group_results.CSV_HEADER.index("Note")] = note
        writer.writerow(row)
    if agreed is not None:
        scores = {n: a.score for n, a in agreed.agreements.items()}
        characteristics = page.figures.characteristics
        writer.writerows(group_results.agreed_rows(characteristics, scores, agreed.label))
    return response
