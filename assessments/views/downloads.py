"""Each chart of the results and trends pages as a file for slides: SVG, PNG and its data table
as CSV (``assessments.chart_files`` makes them).

Each download opens as the page its chart is on: ``facilitator_view`` (viewers and up, another
collaboration's round a 404), figures only through ``group_results_page`` (or, for trends,
``collaboration_trends``, which builds each round's figures the same way), team names as the
member chose to see them. Without figures (a round below its minimum group size, a trends chart
with no point shown) there is no chart: a 404 that says so, in plain text.

Charts: ``radar`` (the overview), ``distribution-<number>`` (a characteristic's answers),
``collaboration``, ``teams-<number>`` and ``groups-<number>`` (the trends page).
"""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.text import slugify

from assessments import chart_files
from assessments.access import Access, facilitator_view, round_of
from assessments.selectors.group_results import group_results_page
from assessments.selectors.trends import collaboration_trends
from assessments.selectors.workshops import agreed_scores
from assessments.trends import AgreedSeries
from frameworks.models import FrameworkVersion

CONTENT_TYPES = {
    "svg": "image/svg+xml; charset=utf-8",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
}
# An SVG opened on its own runs nothing and loads nothing: only its own presentation attributes.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
DISTRIBUTION = re.compile(r"distribution-([1-9][0-9]{0,2})")
BREAKDOWN = re.compile(r"(teams|groups)-([1-9][0-9]{0,2})")


@facilitator_view(methods=("GET", "HEAD"))
def round_chart(
    request: HttpRequest, access: Access, round_id: int, chart: str, fmt: str
) -> HttpResponse:
    """The overview's radar or a characteristic's answers, as SVG, PNG or CSV."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Charts download as SVG, PNG or CSV.")
    number = None
    if chart != "radar":
        found = DISTRIBUTION.fullmatch(chart)
        if found is None:
            raise Http404("No such chart.")
        number = int(found.group(1))
    page = group_results_page(round_of(access, round_id), request.user)
    if number is not None and number not in page.by_number:
        raise Http404("No such characteristic in this round's edition.")
    if not page.figures.shown:
        return _no_figures(
            f"No figures yet: {page.round.title} has fewer than {page.round.min_group_size} "
            "responses counted, so that nobody’s answers can be worked out. Its charts can be "
            "downloaded once its results are shown."
        )
    footer = chart_files.footer(
        access.collaboration.name, page.round.title, page.round.framework_version
    )
    if number is None:
        # The workshop's agreed scores (1 query, 2 with a workshop), as on the overview: none
        # until it recorded one.
        agreed = agreed_scores(page.round)
        if agreed is not None and not agreed.agreements:
            agreed = None
        built = chart_files.radar(page, agreed, footer)
    else:
        built = chart_files.distribution(page, number, footer)
    return _file(built, fmt, f"{access.collaboration.name} {page.round.title} {chart}")


@facilitator_view(methods=("GET", "HEAD"))
def trends_chart(request: HttpRequest, access: Access, chart: str, fmt: str) -> HttpResponse:
    """A trends chart (the collaboration's lines, or a characteristic's teams or stakeholder
    groups) as SVG, PNG or CSV."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Charts download as SVG, PNG or CSV.")
    found = BREAKDOWN.fullmatch(chart)
    if chart != "collaboration" and found is None:
        raise Http404("No such chart.")
    data = collaboration_trends(access.collaboration, request.user)
    agreed: list[AgreedSeries] = []
    if found is None:
        # As the page: every characteristic's line, and the scores workshops agreed beside it.
        series, agreed = data.collaboration(), data.agreed()
        what = "the collaboration’s mean score for each characteristic"
        row_heading = "Characteristic"
    else:
        kind, number = found.group(1), int(found.group(2))
        if number not in dict(data.characteristics):
            raise Http404("No such characteristic in these rounds.")
        series = data.teams(number) if kind == "teams" else data.groups(number)
        # As the page: a team or group with no figure shown in any round is left out.
        series = [s for s in series if s.any_shown]
        whose = "team" if kind == "teams" else "stakeholder group"
        what = f"each {whose}’s mean score for {number}. {data.name(number)}"
        row_heading = "Team" if kind == "teams" else "Stakeholder group"
    if not any(s.any_shown for s in series):
        return _no_figures(
            "No figures yet: no round shows a figure for this chart. A figure appears once "
            "enough responses are counted for it, never for fewer than a round's minimum "
            "group size."
        )
    # The latest round's edition, with what its credit reads (one query).
    version = FrameworkVersion.objects.select_related("source", "adapted_from").get(
        pk=data.rounds[-1].version_id
    )
    footer = chart_files.footer(access.collaboration.name, chart_files.rounds(data), version)
    built = chart_files.trend(
        data, chart, series, agreed, what=what, row_heading=row_heading, footer=footer
    )
    return _file(built, fmt, f"{access.collaboration.name} trends {chart}")


def _file(chart: chart_files.Chart, fmt: str, name: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(chart.as_csv(), content_type=CONTENT_TYPES["csv"])
    elif fmt == "svg":
        response = HttpResponse(chart.as_svg(), content_type=CONTENT_TYPES["svg"])
        response["Content-Security-Policy"] = SVG_POLICY
    else:
        response = HttpResponse(chart.as_png(), content_type=CONTENT_TYPES["png"])
    filename = slugify(name) or "chart"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _no_figures(message: str) -> HttpResponse:
    response = HttpResponseNotFound(message, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response
