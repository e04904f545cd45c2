"""Every chart as plotly JSON, built in Python: the personal radar, the group results' radar and
answer distributions, the trends' lines. A page hands a chart to the browser through
``json_script`` and static/js/charts.js draws it with the vendored partial plotly.js bundle
(scatterpolar and bar only). The same numbers are always in a table beside the chart.

The group charts are composed on each request from the figures the page shows, as plain data
(``group_radar``, ``distribution_bars``). A partner's radar is the same
for every partner of a version but for the scores: its frame is built once per version and
content revision and each partner's scores are added as plain data (``personal_radar_with``).

Charts carry only figures from ``assessments.group_results`` (already through disclosure): a
hidden group's trace has a gap, never a number.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import plotly.graph_objects as go
import plotly.io as pio
from plotly.utils import PlotlyJSONEncoder

from assessments import scoring
from assessments.group_results import RoundFigures

# Okabe–Ito: distinguishable with the common colour-vision deficiencies. The first four stand
# out from a white ground by at least 3:1 (WCAG 1.4.11), so they come first.
TEAM_COLOURS = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999"]
# Series differ by dash and marker as well as colour, so that they stay apart in greyscale and
# for every colour vision: SVG dash arrays (plotly takes the same lengths in px), from solid.
SERIES_DASHES = ["", "6 4", "2 3", "8 3 2 3", "12 4", "1 5"]
# Plotly marker symbols of the team overlays (the collaboration's is the circle).
TEAM_MARKERS = ["square", "diamond", "triangle-up", "cross", "triangle-down", "x"]
COLLABORATION_COLOUR = "#0b5ed7"
PREVIOUS_COLOUR = "#343a40"
# The scores a consensus workshop agreed: Okabe–Ito's black, the one colour of the palette no
# team takes (yellow stands out from white by less than 3:1), dotted more finely than any team's
# dash and with a star, the one marker no other series has.
AGREED_COLOUR = "#000000"
AGREED_DASH = "3 2"
AGREED_MARKER = "star"
AGREED_NAME = "Agreed in a workshop"
ANSWER_COLOURS = ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac", "#ffffff"]
ANSWER_LABELS = ["1 Strongly disagree", "2", "3", "4", "5 Strongly agree", "Don’t know"]
CONFIG = {"displayModeBar": False, "responsive": True}


def _plain(figure: go.Figure) -> dict:
    """A plotly figure as plain JSON data (what json_script can hold)."""
    return json.loads(json.dumps(figure.to_plotly_json(), cls=PlotlyJSONEncoder))


def _closed(values: list) -> list:
    return [*values, values[0]] if values else values


def _rings(labels: list[str], bands: dict[str, float]) -> list[dict]:
    """The rings where "developing" and "strength" begin, as plain traces (``go.Figure`` takes
    them as they are)."""
    return [
        {
            "type": "scatterpolar",
            "r": [value] * (len(labels) + 1),
            "theta": _closed(labels),
            "mode": "lines",
            "name": f"{name} {value:g}",
            "hoverinfo": "skip",
            "showlegend": False,
            "line": {"color": "#6c757d", "dash": dash, "width": 1},
        }
        for name, value, dash in (
            ("Developing from", bands["developing"], "dot"),
            ("Strength from", bands["strength"], "dash"),
        )
    ]


def wrap(label: str, width: int = 12) -> str:
    """A chart label broken over lines of about ``width`` characters (plotly's <br>), so that
    the axis labels stay whole on a 320 px phone."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _radar_layout(labels: list[str], bands: dict[str, float]) -> dict:
    """The 1–5 radar: rings labelled where "developing" and "strength" begin, axis labels
    wrapped and margins small enough for a phone."""
    ticks = sorted({1.0, 2.0, 3.0, 4.0, 5.0, bands["developing"], bands["strength"]})
    names = {bands["developing"]: "developing", bands["strength"]: "strength"}
    return {
        "polar": {
            "radialaxis": {
                "range": [1, 5],
                "tickvals": ticks,
                "ticktext": [f"{t:g} {names[t]}" if t in names else f"{t:g}" for t in ticks],
                "angle": 90,
                "tickangle": 90,
                "tickfont": {"size": 10},
            },
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "tickmode": "array",
                "tickvals": labels,
                "ticktext": [wrap(label) for label in labels],
                "tickfont": {"size": 11},
            },
        },
        "showlegend": False,
        "margin": {"l": 66, "r": 66, "t": 36, "b": 36},
        "font": {"size": 12},
        "paper_bgcolor": "rgba(0,0,0,0)",
    }


def _personal_radar(chart: dict) -> go.Figure:
    labels = chart["labels"]
    bands = chart["bands"]
    return go.Figure(
        [
            *_rings(labels, bands),
            go.Scatterpolar(
                r=_closed(list(chart["values"])),
                theta=_closed(labels),
                text=_closed(chart["names"]),
                mode="lines+markers",
                fill="toself",
                name="Your score (1–5)",
                hovertemplate="%{text}: %{r:.2f}<extra></extra>",
                connectgaps=False,
                line={"color": COLLABORATION_COLOUR, "width": 2},
                fillcolor="rgba(11, 94, 215, 0.2)",
                marker={"size": 6},
            ),
        ],
        layout=_radar_layout(labels, bands),
    )


# What a radar uses of plotly's default template. The rest (other trace types, cartesian, 3-D and
# map axes, colour scales) draws nothing on a radar and would only lengthen every page's figure.
RADAR_TEMPLATE_LAYOUT = (
    "autotypenumbers",
    "colorway",
    "font",
    "hovermode",
    "hoverlabel",
    "paper_bgcolor",
    "plot_bgcolor",
    "polar",
    "title",
)


def personal_radar(chart: dict) -> dict:
    """The personal results radar (1–5) from ``PersonalResults.chart_data()``: the figure
    plotly builds for these scores, with the parts of its default template a radar uses, and
    its config."""
    figure = _plain(_personal_radar(chart))
    template = figure["layout"]["template"]
    figure["layout"]["template"] = {
        "data": {"scatterpolar": template["data"]["scatterpolar"]},
        "layout": {k: v for k, v in template["layout"].items() if k in RADAR_TEMPLATE_LAYOUT},
    }
    return {"figure": figure, "config": CONFIG}


def personal_radar_frame(chart: dict) -> dict:
    """The personal radar's figure without any scores: the same for every partner of a version,
    so pages build it once per version and content revision and add each partner's scores with
    ``personal_radar_with`` (building the figure with plotly is the slow part)."""
    return personal_radar({**chart, "values": [None] * len(chart["labels"])})["figure"]


def personal_radar_with(frame: dict, values: list[float | None]) -> dict:
    """``frame`` (``personal_radar_frame``) with these scores: the figure ``personal_radar``
    builds for them. The scores' trace is the last; nothing in ``frame`` is changed."""
    *rings, scores = frame["data"]
    return {**frame, "data": [*rings, {**scores, "r": _closed(list(values))}]}


# --- Group results --------------------------------------------------------------------------------
#
# Composed on each request from the page's own figures, as plain plotly JSON: the numbers are
# the table's, the team names and order are this viewer's (names or Team A, B, …), and nothing
# is kept that a new team, a renamed one or an edited content name could leave stale. Plotly's
# graph objects validate every property and cost milliseconds per chart, so they are not used
# here; the parts of the default template they would add that the chart uses are added as data,
# so that the charts look the same as plotly draws them.

_DEFAULT_TEMPLATE = json.loads(
    json.dumps(pio.templates[pio.templates.default].to_plotly_json(), cls=PlotlyJSONEncoder)
)
BAR_TEMPLATE_LAYOUT = (*(k for k in RADAR_TEMPLATE_LAYOUT if k != "polar"), "xaxis", "yaxis")


def _template(trace_type: str, layout_keys: tuple[str, ...]) -> dict:
    return {
        "data": {trace_type: _DEFAULT_TEMPLATE["data"][trace_type]},
        "layout": {k: v for k, v in _DEFAULT_TEMPLATE["layout"].items() if k in layout_keys},
    }


RADAR_TEMPLATE = _template("scatterpolar", RADAR_TEMPLATE_LAYOUT)
BAR_TEMPLATE = _template("bar", BAR_TEMPLATE_LAYOUT)


def _mean(figure) -> float | None:
    """A shown figure's mean as the table shows it (two decimals), else a gap."""
    return float(figure.result.shown_mean) if figure.shown else None


def radar_series(figures: RoundFigures) -> dict:
    """The numbers the group radar draws, each one a shown figure (the property test reads
    this): the collaboration and each team with at least one shown figure."""
    numbers = [c.number for c in figures.characteristics]
    series = {"collaboration": [_mean(figures.total[n]) for n in numbers], "teams": {}}
    for row in figures.teams.rows:
        values = [_mean(row.figures[n]) for n in numbers]
        if any(v is not None for v in values):
            series["teams"][row.key] = values
    return series


def agreed_series(figures: RoundFigures, agreed: Mapping[int, int | None]) -> list[float | None]:
    """The scores a workshop agreed, one per characteristic of the figures (the radar's axes), a
    gap where the room could not agree or recorded nothing. ``agreed`` is by characteristic
    number (``AgreedScores.scores``)."""
    return [
        None if agreed.get(c.number) is None else float(agreed[c.number])
        for c in figures.characteristics
    ]


def group_radar(
    figures: RoundFigures,
    previous: dict[int, float] | None,
    *,
    shown: frozenset[str] | set[str] = frozenset(),
    agreed: Mapping[int, int | None] | None = None,
) -> dict:
    """The collaboration's radar (1–5): the previous round dashed, the scores a workshop agreed
    (``agreed``, by characteristic number; none without a workshop) dotted in black with stars,
    and every team as an overlay, named as the figures name it and hidden unless its row key is
    in ``shown``. Each trace carries its row key in ``meta`` ("collaboration", "previous",
    "agreed", "team:<id>")."""
    labels = [c.short_name for c in figures.characteristics]
    names = [f"{c.number}. {c.name}" for c in figures.characteristics]
    series = radar_series(figures)
    bands = {"developing": float(figures.developing_min), "strength": float(figures.strength_min)}
    traces = _rings(labels, bands)
    if previous:
        traces.append(
            {
                "type": "scatterpolar",
                "r": _closed([previous.get(c.number) for c in figures.characteristics]),
                "theta": _closed(labels),
                "text": _closed(names),
                "mode": "lines",
                "name": "Previous round",
                "meta": "previous",
                "hovertemplate": "Previous round, %{text}: %{r:.2f}<extra></extra>",
                "connectgaps": False,
                "line": {"color": PREVIOUS_COLOUR, "dash": "dash", "width": 2},
            }
        )
    traces.append(
        {
            "type": "scatterpolar",
            "r": _closed(series["collaboration"]),
            "theta": _closed(labels),
            "text": _closed(names),
            "mode": "lines+markers",
            "fill": "toself",
            "name": "Collaboration",
            "meta": "collaboration",
            "hovertemplate": "Collaboration, %{text}: %{r:.2f}<extra></extra>",
            "connectgaps": False,
            "line": {"color": COLLABORATION_COLOUR, "width": 3},
            "fillcolor": "rgba(11, 94, 215, 0.15)",
            "marker": {"size": 7},
        }
    )
    if agreed:
        traces.append(
            {
                "type": "scatterpolar",
                "r": _closed(agreed_series(figures, agreed)),
                "theta": _closed(labels),
                "text": _closed(names),
                "mode": "lines+markers",
                "name": AGREED_NAME,
                "meta": "agreed",
                "hovertemplate": f"{AGREED_NAME}, %{{text}}: %{{r}}<extra></extra>",
                "connectgaps": False,
                "line": {"color": AGREED_COLOUR, "dash": plotly_dash(AGREED_DASH), "width": 2},
                "marker": {"size": 10, "symbol": AGREED_MARKER},
            }
        )
    team_names = {row.key: row.label for row in figures.teams.rows}
    for index, (key, values) in enumerate(series["teams"].items()):
        traces.append(
            {
                "type": "scatterpolar",
                "r": _closed(values),
                "theta": _closed(labels),
                "text": _closed(names),
                "mode": "lines+markers",
                "name": team_names[key],
                "meta": key,
                "hovertemplate": "%{fullData.name}, %{text}: %{r:.2f}<extra></extra>",
                "connectgaps": False,
                "visible": True if key in shown else "legendonly",
                "line": {
                    "color": TEAM_COLOURS[index % len(TEAM_COLOURS)],
                    "dash": plotly_dash(SERIES_DASHES[index % len(SERIES_DASHES)]),
                    "width": 2,
                },
                "marker": {"size": 7, "symbol": TEAM_MARKERS[index % len(TEAM_MARKERS)]},
            }
        )
    return {"data": traces, "layout": {**_radar_layout(labels, bands), "template": RADAR_TEMPLATE}}


def plotly_dash(dash: str) -> str:
    """An SVG dash array ("6 4") as plotly's line dash ("6px,4px"); "" is solid."""
    return ",".join(f"{length}px" for length in dash.split()) or "solid"


# Plotly's named dashes as it draws them on lines up to 3 px wide (its ``Drawing.dashStyle``:
# lengths in multiples of max(width, 3)).
_NAMED_DASHES = {"solid": "", "dot": "3 3", "dash": "9 9", "longdash": "15 15"}


def _svg_dash(dash: str | None) -> str:
    if not dash:
        return ""
    if dash in _NAMED_DASHES:
        return _NAMED_DASHES[dash]
    return " ".join(length.strip().removesuffix("px") for length in dash.split(","))


# Marker outlines of half-size 1, for the legend's swatches (plotly's symbols of the same names).
_ARM = ((0.4, -1.2), (0.4, -0.4), (1.2, -0.4))
_PLUS = [[(x, y), (-y, x), (-x, -y), (y, -x)][turn] for turn in range(4) for x, y in _ARM]
_ROOT_HALF = 0.5**0.5
MARKER_OUTLINES = {
    "square": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
    "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
    "triangle-up": [(0, -1.2), (1.15, 0.9), (-1.15, 0.9)],
    "triangle-down": [(0, 1.2), (1.15, -0.9), (-1.15, -0.9)],
    "cross": _PLUS,
    "x": [((x - y) * _ROOT_HALF, (x + y) * _ROOT_HALF) for x, y in _PLUS],
    # Five points at 1.3, five inner corners at half that, the first point up.
    "star": [
        (
            (1.3 if i % 2 == 0 else 0.55) * math.sin(math.pi * i / 5),
            -(1.3 if i % 2 == 0 else 0.55) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ],
}
SWATCH_WIDTH, SWATCH_HEIGHT = 40, 16


def _swatch(trace: dict) -> dict:
    """How a trace looks, as a small SVG the legend draws (``templates/results/_swatch.html``):
    its line's colour, width and dash, and its marker (a circle, or an outline's points)."""
    line = trace.get("line", {})
    marker = trace.get("marker", {}) if "markers" in trace.get("mode", "") else {}
    symbol = marker.get("symbol", "circle") if marker else None
    cx, cy, half = SWATCH_WIDTH / 2, SWATCH_HEIGHT / 2, 4
    points = ""
    if symbol in MARKER_OUTLINES:
        points = " ".join(
            f"{cx + x * half:.2f},{cy + y * half:.2f}" for x, y in MARKER_OUTLINES[symbol]
        )
    return {
        "colour": line.get("color", PREVIOUS_COLOUR),
        "width": line.get("width", 2),
        "dash": _svg_dash(line.get("dash")),
        "symbol": symbol,
        "points": points,
        "fill": trace.get("fill") == "toself",
        "fillcolor": trace.get("fillcolor", ""),
    }


def radar_legend(chart: dict) -> list[dict]:
    """The group radar's key, one entry per trace in the order drawn (the band rings first): its
    name, its row key (``meta``; a team's entry is shown while its trace is) and its swatch. The
    page shows it beside the chart, so that five teams on the chart can be told apart, and the
    swatch carries colour, dash and marker alike."""
    entries = []
    for trace in chart.get("data", []):
        entries.append(
            {
                "name": trace["name"],
                "key": trace.get("meta", ""),
                "team": str(trace.get("meta", "")).startswith("team:"),
                "on": trace.get("visible", True) is True,
                **_swatch(trace),
            }
        )
    return entries


def distribution_series(figures: RoundFigures, number: int) -> list[list[float]]:
    """Per indicator of the characteristic, the percentage of its respondents giving each
    answer (1–5, don't know), to one decimal, halves up, as the table shows them
    (``scoring.shown_share``: 1 of 16 is 6.3, where round() gives 6.2)."""
    rows = []
    for indicator_id in figures.characteristic(number).indicator_ids:
        d = figures.distributions[indicator_id]
        counts = [*d.counts, d.dont_know]
        rows.append(
            [
                float(scoring.shown_share(Fraction(c, d.respondents), scoring.DISTRIBUTION_PLACES))
                if d.respondents
                else 0.0
                for c in counts
            ]
        )
    return rows


def distribution_bars(codes: list[str], rows: list[list[float]]) -> dict:
    """A stacked horizontal bar per indicator, named by ``codes``: the share of each answer,
    ``rows`` as ``distribution_series`` gives them (the table's numbers)."""
    traces = [
        {
            "type": "bar",
            "y": codes,
            "x": [row[answer] for row in rows],
            "name": ANSWER_LABELS[answer],
            "orientation": "h",
            "marker": {"color": ANSWER_COLOURS[answer], "line": {"color": "#495057", "width": 1}},
            "hovertemplate": f"{ANSWER_LABELS[answer]}: %{{x}}%<extra>%{{y}}</extra>",
        }
        for answer in range(6)
    ]
    layout = {
        "barmode": "stack",
        "xaxis": {"range": [0, 100], "ticksuffix": "%", "title": {"text": "Share of answers"}},
        "yaxis": {"autorange": "reversed", "type": "category"},
        "legend": {"orientation": "h", "y": -0.3, "traceorder": "normal"},
        "margin": {"l": 50, "r": 20, "t": 10, "b": 90},
        "height": 120 + 36 * len(codes),
        "paper_bgcolor": "rgba(0,0,0,0)",
        "font": {"size": 12},
        "template": BAR_TEMPLATE,
    }
    return {"data": traces, "layout": layout}


# --- Trends ---------------------------------------------------------------------------------------

DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
# The star is the agreed scores' (AGREED_MARKER) alone.
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "triangle-down"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def agreed_when(point) -> str:
    """When a ``trends.AgreedPoint`` was agreed and by how many, "3 December 2026, 12 people"
    (in English whatever the server's locale, as the pages write dates)."""
    held = point.held_on
    return f"{held.day} {MONTHS[held.month - 1]} {held.year}, {point.participants} people"


def trend_lines(
    titles: list[str], series: list, marks: list[tuple[int, str]], agreed: Sequence = ()
) -> dict:
    """Lines over rounds, one per ``trends.Series`` (only shown points: a missing one is a gap in
    its line), on the 1–5 scale, with a dashed vertical line where the edition changed. Each of
    ``agreed`` (``trends.AgreedSeries``) is a second line beside the series it belongs to: its
    colour, dotted, with stars, a point per round whose workshop agreed a score. Built as
    plain plotly JSON rather than graph objects: it is rebuilt per request and this is cheaper."""
    traces = []
    colours = {}
    for index, s in enumerate(series):
        colours[s.key] = TEAM_COLOURS[index % len(TEAM_COLOURS)]
        traces.append(
            {
                "type": "scatter",
                "x": titles,
                "y": [p.value for p in s.points],
                "name": s.label,
                "meta": s.key,
                "mode": "lines+markers",
                "connectgaps": False,
                "line": {
                    "color": colours[s.key],
                    "dash": DASHES[index // len(TEAM_COLOURS) % len(DASHES)],
                    "width": 2,
                },
                "marker": {"size": 8, "symbol": SYMBOLS[index % len(SYMBOLS)]},
                "hovertemplate": "%{fullData.name}, %{x}: %{y:.2f}<extra></extra>",
            }
        )
    for a in agreed:
        traces.append(
            {
                "type": "scatter",
                "x": titles,
                "y": [p.value if p else None for p in a.points],
                "text": [agreed_when(p) if p else "" for p in a.points],
                "name": a.label,
                "meta": a.key,
                "mode": "lines+markers",
                "connectgaps": False,
                "line": {
                    "color": colours.get(a.of, AGREED_COLOUR),
                    "dash": plotly_dash(AGREED_DASH),
                    "width": 2,
                },
                "marker": {
                    "size": 11,
                    "symbol": AGREED_MARKER,
                    "line": {"color": AGREED_COLOUR, "width": 1},
                },
                "hovertemplate": "%{fullData.name}, %{x}: %{y} (%{text})<extra></extra>",
            }
        )
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": index - 0.5,
            "x1": index - 0.5,
            "y0": 0,
            "y1": 1,
            "line": {"color": PREVIOUS_COLOUR, "dash": "dash", "width": 1.5},
        }
        for index, _ in marks
    ]
    annotations = [
        {
            "xref": "x",
            "yref": "paper",
            "x": index - 0.5,
            "y": 1.02,
            "text": text,
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "bottom",
            "font": {"size": 11},
        }
        for index, text in marks
    ]
    return {
        "data": traces,
        "layout": {
            "xaxis": {"type": "category", "automargin": True},
            "yaxis": {"range": [1, 5], "dtick": 1, "title": {"text": "Mean score (1–5)"}},
            "shapes": shapes,
            "annotations": annotations,
            "legend": {"orientation": "h", "y": -0.25},
            "margin": {"l": 56, "r": 16, "t": 36, "b": 40},
            "height": 420,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "font": {"size": 12},
        },
    }
