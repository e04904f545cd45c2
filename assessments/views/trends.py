"""Trends: a collaboration's results round after round (``selectors.trends``), for
its members (viewers and up). Every chart has a table with the same numbers; a missing point
says why in the table. Where rounds had a consensus workshop, the scores it agreed are a second
line beside each characteristic's, labelled with the workshop's date and size."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments import charts
from assessments.access import Access, facilitator_view
from assessments.selectors.trends import collaboration_trends


@facilitator_view(methods=("GET", "HEAD"))
def trends(request: HttpRequest, access: Access) -> HttpResponse:
    data = collaboration_trends(access.collaboration, request.user)
    numbers = [number for number, _ in data.characteristics]
    chosen = request.GET.get("c", "")
    number = int(chosen) if chosen.isascii() and chosen.isdigit() else None
    if number not in numbers:
        number = None
    if number is None and numbers:
        number = numbers[0]
    titles, marks = data.titles, data.marks()
    collaboration = data.collaboration()
    agreed = data.agreed()  # a second line per characteristic a workshop agreed a score on
    all_teams = data.teams(number) if number else []
    all_groups = data.groups(number) if number else []
    teams = [s for s in all_teams if s.any_shown]
    groups = [s for s in all_groups if s.any_shown]
    shown = any(s.any_shown for s in collaboration)
    return render(
        request,
        "results/trends.html",
        {
            "access": access,
            "trends": data,
            "shown": shown,
            "collaboration_series": collaboration,
            "agreed_series": agreed,
            "collaboration_chart": charts.trend_lines(titles, collaboration, marks, agreed)
            if shown
            else None,
            "number": number,
            "number_name": data.name(number) if number else "",
            "team_series": teams,
            "team_chart": charts.trend_lines(titles, teams, marks) if teams else None,
            "group_series": groups,
            "group_chart": charts.trend_lines(titles, groups, marks) if groups else None,
            "hidden_teams": len(all_teams) - len(teams),
            "hidden_groups": len(all_groups) - len(groups),
        },
    )
