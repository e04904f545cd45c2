"""Each chart of the results and trends pages as a file for slides (``views.downloads``): its
drawing, what it shows in words, and its data table, from what the page beside it reads.

The drawings are the PDF's (``assessments.svg``; the radar is ``reports.round_radar``), made
standalone by ``svg.standalone_svg``; a PNG is that SVG rasterised by cairosvg at twice its size
on a white ground. The data table of a chart holds exactly the numbers of the table beside it
on its page, formatted as the page formats them (``scoring.shown``, ``shown_sd``), with the
workshop's agreed scores where the page shows them; every CSV cell goes through
``group_results.safe_cell``. Nothing here reads the database beyond what it is given.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import cairosvg

from assessments import charts, group_results, reports, scoring, svg
from assessments.disclosure import EMPTY, FEWER_THAN_K
from assessments.selectors.group_results import GroupResultsPage
from assessments.selectors.workshops import AgreedScores
from assessments.trends import AgreedSeries, Series, Trends
from frameworks.models import FrameworkVersion

PNG_SCALE = 2  # sharp on a projector and a slide


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

    def as_svg(self) -> str:
        return svg.standalone_svg(
            self.drawing, title=self.title, desc=self.desc, footer=self.footer
        )

    def as_png(self) -> bytes:
        """The SVG rasterised by cairosvg, which by default fetches nothing and resolves no
        entity (the drawing has no reference anyway)."""
        return cairosvg.svg2png(
            bytestring=self.as_svg().encode("utf-8"), scale=PNG_SCALE, background_color="#ffffff"
        )

    def as_csv(self) -> str:
        """The table as CSV with a BOM (spreadsheet programs then read the accents), formula-like
        cells escaped as the round's CSV export escapes them."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        for row in [self.header, *self.rows]:
            writer.writerow([group_results.safe_cell(cell) for cell in row])
        return out.getvalue()


def score(value) -> str:
    """A mean as every page shows it (two decimals, halves up), or nothing."""
    return "" if value is None else str(scoring.shown(value))


def _text(value) -> str:
    return "" if value is None else str(value)


def footer(name: str, of: str, version: FrameworkVersion) -> list[str]:
    """A file's footer: the collaboration, the round (or rounds) and the edition's credit."""
    return [f"{name}: {of}.", credit(version)]


# --- The round's charts ---------------------------------------------------------------------------


def radar(page: GroupResultsPage, agreed: AgreedScores | None, footer: list[str]) -> Chart:
    """The radar of the overview and of the PDF (``reports.round_radar``, which draws the
    workshop's agreed scores when the round had one), with the numbers of the table beside it
    on the overview: each characteristic's collaboration figure, n, SD, interval, each team
    once, the previous round's score and the score agreed in the workshop (``agreed``: the
    round's, or None without a workshop or before it recorded anything)."""
    figures, k = page.figures, page.figures.k
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
                _text(scoring.shown_sd(result.sd, result.n)),
                str(interval.shown_low) if interval else "",
                str(interval.shown_high) if interval else "",
            ]
        else:
            row += [""] * 6
        row += [
            score(once.mean),
            str(once.teams) if once.mean is not None and once.left_out else "",
        ]
        if page.previous:
            row.append(score(previous.get(c.number)))
        if agreed:
            row.append(_agreed_cell(agreed.agreements.get(c.number)))
        row.append("" if figure.shown else _hidden(figure.state, k))
        rows.append(row)
    return Chart(
        "radar",
        f"{page.round.title}: the collaboration’s mean score (1 to 5) by characteristic",
        desc,
        reports.round_radar(page, agreed),
        footer,
        header,
        rows,
    )


def _agreed_cell(agreement) -> str:
    """An agreed score as the pages show it (an ``Agreement`` or a ``trends.AgreedPoint``): the
    score, "could not agree", or nothing where none was recorded."""
    if agreement is None:
        return ""
    return "could not agree" if agreement.score is None else str(agreement.score)


def distribution(page: GroupResultsPage, number: int, footer: list[str]) -> Chart:
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


def trend(
    data: Trends,
    chart: str,
    series: list[Series],
    agreed: list[AgreedSeries],
    *,
    what: str,
    row_heading: str,
    footer: list[str],
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
        footer=footer,
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


def rounds(data: Trends) -> str:
    """What a trends file covers: "trends over 3 rounds, Spring 2025 to Autumn 2026"."""
    titles = data.titles
    if len(titles) == 1:
        return f"trends over one round, {titles[0]}"
    return f"trends over {len(titles)} rounds, {titles[0]} to {titles[-1]}"


# --- Words ---------------------------------------------------------------------------------------


def credit(version: FrameworkVersion) -> str:
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
