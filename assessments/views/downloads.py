"""Each chart of the results and trends pages as a file for slides: SVG, PNG (that SVG
rasterised at twice its size on a white ground) and its data table as CSV.

Each download opens as the page its chart is on: ``facilitator_view`` (viewers and up, another
collaboration's round a 404), figures only through ``group_results_page`` (or, for trends,
``collaboration_trends``, which builds each round's figures the same way), team names as the
member chose to see them. The drawings are the PDF's (``assessments.svg``: the radar is
``reports.round_radar``), the CSV rows are the numbers of the table beside the chart, every
cell through ``group_results.safe_cell``. Without figures (a round below its minimum group
size, a trends chart with no point shown) there is no chart: a 404 that says so, in plain text.

Charts: ``radar`` (the overview), ``distribution-<number>`` (a characteristic's answers),
``collaboration``, ``teams-<number>`` and ``groups-<number>`` (the trends page).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import cairosvg
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.text import slugify

from assessments import charts, group_results, reports, scoring, svg
from assessments.access import Access, facilitator_view, round_of
from assessments.disclosure import EMPTY, FEWER_THAN_K
from assessments.selectors.group_results import GroupResultsPage, group_results_page
from assessments.selectors.trends import collaboration_trends
from assessments.selectors.workshops import agreed_scores
from assessments.templatetags.ca_format import score, sd
from assessments.trends import AgreedSeries, Series, Trends
from frameworks.models import FrameworkVersion

CONTENT_TYPES = {
    "svg": "image/svg+xml; charset=utf-8",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
}
# An SVG opened on its own runs nothing and loads nothing: only its own presentation attributes.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
PNG_SCALE = 2  # sharp on a projector and a slide
DISTRIBUTION = re.compile(r"distribution-([1-9][0-9]{0,2})")
BREAKDOWN = re.compile(r"(teams|groups)-([1-9][0-9]{0,2})")


@dataclass
class Chart:
    """One chart as a file: its drawing, what it shows in words, and its data table."""

    slug: str
    title: str  # the file's title, and the SVG's accessible name
    desc: str  # the SVG's description: the figures in words
    drawing: str  # the chart as ``assessments.svg`` draws it
    footer: list[str]  # the round (or rounds) and the publisher's credit
    header: list[str]
    rows: list[list[str]]


# --- The round's charts ---------------------------------------------------------------------------


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
    footer = [
        f"{access.collaboration.name}: {page.round.title}.",
        _credit(page.round.framework_version),
    ]
    built = _radar(page, footer, fmt) if number is None else _distribution(page, number, footer)
    return _file(built, fmt, f"{access.collaboration.name} {page.round.title} {chart}")


def _radar(page: GroupResultsPage, footer: list[str], fmt: str) -> Chart:
    """The radar of the overview and of the PDF (``reports.round_radar``, which draws the
    workshop's agreed scores when the round had one), with the numbers of the table beside it
    on the overview: each characteristic's collaboration figure, n, SD, interval, each team
    once, the previous round's score and the score agreed in the workshop."""
    figures, k = page.figures, page.figures.k
    title = f"{page.round.title}: the collaboration’s mean score (1 to 5) by characteristic"
    agreed = agreed_scores(page.round)
    if agreed is not None and not agreed.agreements:
        agreed = None  # a workshop that recorded nothing: drawn and tabled as none, as on the page
    if fmt != "csv":
        said = [
            f"{c.number}. {c.name} {score(figure.result.mean)} ({figure.band})"
            if figure.shown
            else f"{c.number}. {c.name}: {_hidden(figure.state, k)}"
            for c in page.characteristics
            for figure in [figures.total[c.number]]
        ]
        desc = (
            f"The collaboration’s mean score from 1 to 5 for each characteristic in "
            f"{page.round.title}: {'; '.join(said)}."
        )
        if page.previous:
            desc += f" The dashed line is the previous round, {page.previous.title}."
        if agreed:
            scores = [
                f"{c.number}. {_agreed_cell(agreed.agreements.get(c.number)) or 'none recorded'}"
                for c in page.characteristics
            ]
            desc += f" The dotted line with stars: {agreed.label}: {'; '.join(scores)}."
        return Chart("radar", title, desc, reports.round_radar(page, agreed), footer, [], [])

    previous = page.previous.values if page.previous else {}
    header = [
        "Characteristic number",
        "Characteristic",
        "Collaboration mean (1-5)",
        "Band",
        "n (respondents with a score)",
        f"SD (from n = {scoring.SD_MIN_N})",
        "Mean 95% interval low",
        "Mean 95% interval high",
        "Each team once (1-5)",
        "Teams counted in each team once",
    ]
    if page.previous:
        header.append(f"Previous round: {page.previous.title} (1-5)")
    if agreed:
        header.append(f"{agreed.label} (1-5)")
    header.append("Note")
    rows = []
    for c in page.characteristics:
        figure = figures.total[c.number]
        once = group_results.each_team_once(figures, c.number)
        row = [str(c.number), c.name]
        if figure.shown:
            result = figure.result
            interval = result.interval
            row += [
                score(result.mean),
                figure.band or "",
                str(result.n),
                _blank(sd(result.sd, result.n)),
                str(interval.shown_low) if interval else "",
                str(interval.shown_high) if interval else "",
            ]
        else:
            row += [""] * 6
        row += [
            score(once.mean) if once.mean is not None else "",
            str(once.teams) if once.mean is not None and once.left_out else "",
        ]
        if page.previous:
            row.append(score(previous[c.number]) if c.number in previous else "")
        if agreed:
            row.append(_agreed_cell(agreed.agreements.get(c.number)))
        row.append("" if figure.shown else _hidden(figure.state, k))
        rows.append(row)
    return Chart("radar", title, "", "", footer, header, rows)


def _agreed_cell(agreement) -> str:
    """An agreed score as the pages show it (an ``Agreement`` or a ``trends.AgreedPoint``): the
    score, "could not agree", or nothing where none was recorded."""
    if agreement is None:
        return ""
    return "could not agree" if agreement.score is None else str(agreement.score)


def _distribution(page: GroupResultsPage, number: int, footer: list[str]) -> Chart:
    """A characteristic's stacked bars, from the numbers of the table beside them on its page:
    each statement's count and share (``charts.distribution_series``) of every answer."""
    characteristic = page.by_number[number]
    indicators = list(characteristic.indicators.all())
    shares = charts.distribution_series(page.figures, number)
    codes = [f"{number}.{position}" for position in range(1, len(indicators) + 1)]
    header = ["Statement", "Text"]
    for label in charts.ANSWER_LABELS:
        header += [f"{label}: answers", f"{label}: share (%)"]
    header += ["Answers", "Views differ", "Many don't know"]
    rows, said = [], []
    for code, indicator, percents in zip(codes, indicators, shares, strict=True):
        d = page.figures.distributions[indicator.pk]
        row = [code, indicator.text]
        for count, percent in zip([*d.counts, d.dont_know], percents, strict=True):
            row += [str(count), str(percent)]
        row += [
            str(d.respondents),
            "yes" if d.views_differ else "no",
            "yes" if d.high_dont_know else "no",
        ]
        rows.append(row)
        said.append(
            f"{code}: "
            + ", ".join(
                f"{label} {percent:g}%"
                for label, percent in zip(charts.ANSWER_LABELS, percents, strict=True)
            )
            + f" of {d.respondents}"
        )
    name = characteristic.name
    return Chart(
        slug=f"distribution-{number}",
        title=f"{page.round.title}: how partners answered each statement of {number}. {name}",
        desc=f"The share of each answer, 1 (strongly disagree) to 5 (strongly agree) and "
        f"don’t know, to each statement of {number}. {name}: {'; '.join(said)}.",
        drawing=svg.distribution_svg(
            codes,
            shares,
            title=f"Stacked bar chart of the share of each answer, 1 to 5 and don’t know, for "
            f"each statement of {name}; the same figures are in the table.",
        ),
        footer=footer,
        header=header,
        rows=rows,
    )


# --- The trends charts ----------------------------------------------------------------------------


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
    built = _trend(data, chart, series, agreed, what=what, row_heading=row_heading)
    built.footer = [
        f"{access.collaboration.name}: {_rounds(data)}.",
        _credit(_latest_version(data)),
    ]
    return _file(built, fmt, f"{access.collaboration.name} trends {chart}")


def _trend(
    data: Trends,
    chart: str,
    series: list[Series],
    agreed: list[AgreedSeries],
    *,
    what: str,
    row_heading: str,
) -> Chart:
    """Lines over rounds from the numbers of the table beside them on the trends page: each
    point's mean and n, and why a point is missing; each characteristic's scores agreed in
    workshops after its own row, and drawn as the PDF draws them (its line's colour, dotted,
    with stars)."""
    titles = data.titles
    header = [row_heading]
    for title in titles:
        header += [f"{title}: mean (1-5)", f"{title}: n"]
    header.append("Notes")
    rows, said = [], []
    for s in series:
        row, notes = [s.label], []
        for title, point in zip(titles, s.points, strict=True):
            if point.shown:
                row += [score(point.mean), str(point.n)]
            else:
                row += ["", ""]
                notes.append(f"{title}: {point.reason}")
        rows.append([*row, "; ".join(notes)])
        said.append(
            f"{s.label}: "
            + ", ".join(
                f"{title} {score(p.mean) if p.shown else 'not shown'}"
                for title, p in zip(titles, s.points, strict=True)
            )
        )
        for a in agreed:
            if a.of == s.key:
                rows.append(_agreed_row(a, titles))
                said.append(
                    f"{a.label}: "
                    + ", ".join(
                        f"{title} {_agreed_cell(p) or 'none agreed'}"
                        for title, p in zip(titles, a.points, strict=True)
                    )
                )
    colours = {s.key: _line_colour(i) for i, s in enumerate(series)}
    return Chart(
        slug=chart,
        title=f"Trends: {what}, round after round",
        desc=f"Line chart of {what} in each round"
        + (", with the scores agreed in workshops dotted with stars" if agreed else "")
        + f" ({'; '.join(said)})."
        + (
            " A dashed vertical line marks where the framework’s edition changed."
            if data.marks()
            else ""
        ),
        drawing=svg.line_chart_svg(
            titles,
            [(s.label, [p.value for p in s.points]) for s in series]
            + [(a.label, [p.value if p else None for p in a.points]) for a in agreed],
            marks=data.marks(),
            title=f"Line chart of {what} in each round"
            + (", with the scores agreed in workshops dotted with stars" if agreed else "")
            + "; the same figures are in the table.",
            styles=[None] * len(series)
            + [
                (colours.get(a.of, charts.AGREED_COLOUR), charts.AGREED_DASH, charts.AGREED_MARKER)
                for a in agreed
            ],
        ),
        footer=[],
        header=header,
        rows=rows,
    )


def _line_colour(index: int) -> str:
    """The colour ``svg.line_chart_svg`` gives the series at ``index``."""
    return charts.TEAM_COLOURS[index % len(charts.TEAM_COLOURS)]


def _agreed_row(a: AgreedSeries, titles: list[str]) -> list[str]:
    """A characteristic's agreed scores as the trends table shows them: the score or "could
    not agree" where a workshop recorded one, when and by how many in the notes."""
    row, notes = [a.label], []
    for title, point in zip(titles, a.points, strict=True):
        row += [_agreed_cell(point), ""]
        notes.append(
            f"{title}: agreed in a workshop on {charts.agreed_when(point)}"
            if point
            else f"{title}: none agreed"
        )
    return [*row, "; ".join(notes)]


def _rounds(data: Trends) -> str:
    titles = data.titles
    if len(titles) == 1:
        return f"trends over one round, {titles[0]}"
    return f"trends over {len(titles)} rounds, {titles[0]} to {titles[-1]}"


def _latest_version(data: Trends) -> FrameworkVersion:
    """The latest round's edition, with what its credit reads (one query)."""
    return FrameworkVersion.objects.select_related("source", "adapted_from").get(
        pk=data.rounds[-1].version_id
    )


# --- The files ------------------------------------------------------------------------------------


def _credit(version: FrameworkVersion) -> str:
    """The edition's credit, worded as the pages' source note (partials/_source.html)."""
    source = version.source
    if version.is_local:
        return (
            f"Source: {version.credit} ({source.title}): adapted locally, not "
            f"{source.publisher}’s own edition."
        )
    return f"Source: {source.publisher}, {source.title}."


def _hidden(state: str, k: int) -> str:
    """Why a figure is not shown, in the words of the page's cell."""
    if state == EMPTY:
        return "none yet"
    if state == FEWER_THAN_K:
        return f"fewer than {k} responses"
    return "not shown (hidden so that a smaller group cannot be worked out)"


def _blank(text: str) -> str:
    """A page's en dash (no figure) as an empty cell."""
    return "" if text == "–" else text


def _file(chart: Chart, fmt: str, name: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(content_type=CONTENT_TYPES["csv"])
        response.write("\ufeff")  # a BOM: spreadsheet programs then read the accents
        writer = csv.writer(response)
        for row in [chart.header, *chart.rows]:
            writer.writerow([group_results.safe_cell(cell) for cell in row])
    else:
        document = svg.standalone_svg(
            chart.drawing, title=chart.title, desc=chart.desc, footer=chart.footer
        )
        if fmt == "svg":
            response = HttpResponse(document, content_type=CONTENT_TYPES["svg"])
            response["Content-Security-Policy"] = SVG_POLICY
        else:
            response = HttpResponse(_png(document), content_type=CONTENT_TYPES["png"])
    filename = slugify(name) or "chart"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _png(document: str) -> bytes:
    """The SVG rasterised by cairosvg, which by default fetches nothing and resolves no
    entity (the drawing has no reference anyway)."""
    return cairosvg.svg2png(
        bytestring=document.encode("utf-8"), scale=PNG_SCALE, background_color="#ffffff"
    )


def _no_figures(message: str) -> HttpResponse:
    response = HttpResponseNotFound(message, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response
