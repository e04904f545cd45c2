"""Charts as SVG markup, drawn on the server for the PDF reports (WeasyPrint draws inline SVG).

Pure functions over plain numbers: they take the same series the pages' plotly charts draw
(``charts.radar_series``, ``PersonalResults.chart_data``, the trends' series) and return a
string of SVG with no script, no style sheet, no external reference and every text escaped.
A value of None is a gap: no point, and the line breaks there. Each chart has ``role="img"`` and
a ``<title>``; the figures themselves are always in a table beside it.

Series differ by colour (Okabe–Ito, ``charts.TEAM_COLOURS``), and by dash and marker shape too,
so that they stay apart in black and white and for every colour vision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from xml.etree import ElementTree

from assessments.charts import (
    ANSWER_COLOURS,
    ANSWER_LABELS,
    COLLABORATION_COLOUR,
    PREVIOUS_COLOUR,
    SERIES_DASHES,
    TEAM_COLOURS,
)

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
GRID = "#adb5bd"
TEXT = "#212529"
MUTED = "#495057"
RING = "#6c757d"  # the band rings, as on the page: lighter and thinner than any series
# SVG dash patterns, from solid (the pages' charts use the same); a series' dash and marker both
# follow its index.
DASHES = SERIES_DASHES
MARKERS = ["circle", "square", "diamond", "triangle", "cross", "triangle-down"]
# An average character of DejaVu Sans is about 0.6 em wide: enough to keep labels in the frame.
CHAR_WIDTH = 0.6

Series = Sequence[tuple[str, Sequence[float | None]]]
Style = tuple[str, str, str]  # (colour, SVG dash array, marker)


def _attr(value) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    """A coordinate with at most two decimals (an SVG a tenth of the size, and stable in tests)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def wrap(label: str, width: int) -> list[str]:
    """A label broken into lines of about ``width`` characters at spaces, never inside a word."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _text(x: float, y: float, lines: list[str], *, size: float, anchor: str = "middle", **attrs):
    """A text of one or more lines, the first line's baseline at ``y``."""
    extra = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{_attr(value)}"' for name, value in attrs.items()
    )
    spans = "".join(
        f'<tspan x="{_num(x)}" dy="{_num(0 if i == 0 else size * 1.2)}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}"'
        f"{extra}>{spans}</text>"
    )


# A plus sign of bars 0.8 wide, in half-sizes: one arm's outline, turned a quarter at a time.
_ARM = ((0.4, -1.2), (0.4, -0.4), (1.2, -0.4))
_CROSS = [[(x, y), (-y, x), (-x, -y), (y, -x)][turn] for turn in range(4) for x, y in _ARM]
# A five-pointed star, the first point up (the agreed scores' marker, ``charts.AGREED_MARKER``).
_STAR = [
    (
        (1.5 if i % 2 == 0 else 0.65) * math.sin(math.pi * i / 5),
        -(1.5 if i % 2 == 0 else 0.65) * math.cos(math.pi * i / 5),
    )
    for i in range(10)
]


def _marker(shape: str, x: float, y: float, size: float, colour: str, value=None) -> str:
    """A marker; a point's carries its value (``data-value``) for readers and tests."""
    common = f'fill="{colour}" stroke="#ffffff" stroke-width="1"'
    if value is not None:
        common += f' class="point" data-value="{value:g}"'
    h = size / 2
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(h)}" {common}/>'
    if shape == "square":
        return (
            f'<rect x="{_num(x - h)}" y="{_num(y - h)}" width="{_num(size)}" height="{_num(size)}"'
            f" {common}/>"
        )
    points = {
        "star": _STAR,
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
        "triangle": [(0, -1.3), (1.2, 1), (-1.2, 1)],
        "triangle-down": [(0, 1.3), (1.2, -1), (-1.2, -1)],
        "cross": _CROSS,
    }[shape]
    coords = " ".join(f"{_num(x + dx * h)},{_num(y + dy * h)}" for dx, dy in points)
    return f'<polygon points="{coords}" {common}/>'


def _runs(points: Sequence[tuple[float, float] | None], *, closed: bool) -> list[list]:
    """The unbroken runs of a line through ``points``: a None breaks it. On a closed line (the
    radar) the last point joins the first when both are there."""
    runs: list[list] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    runs = [run for run in runs if run]
    if closed and points and points[0] is not None and points[-1] is not None:
        if len(runs) == 1 and len(runs[0]) == len(points):
            runs[0] = [*runs[0], runs[0][0]]
        elif len(runs) > 1:
            runs[0] = runs.pop() + runs[0]  # the run through the end carries on at the start
    return runs


def _path(run: list[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{_num(x)},{_num(y)}" for x, y in run)


def _style(index: int) -> tuple[str, str, str]:
    """(colour, dash, marker) of the series at ``index``."""
    colour = TEAM_COLOURS[index % len(TEAM_COLOURS)]
    return colour, DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]


def _styles(default, styles: Sequence[Style | None]):
    """The style of the series at an index: its own from ``styles`` if it has one, else
    ``default``'s."""

    def style_of(index: int) -> Style:
        own = styles[index] if index < len(styles) else None
        return own or default(index)

    return style_of


def _open(width: float, height: float, title: str, kind: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img"'
        f' viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}"'
        f' font-family="{_attr(FONT)}" fill="{TEXT}"><title>{escape(title)}</title>'
    )


def _legend_item(x: float, y: float, name: str, colour: str, dash: str, marker: str) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<g class="legend-item"><line x1="{_num(x)}" y1="{_num(y)}" x2="{_num(x + 28)}"'
        f' y2="{_num(y)}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        + _marker(marker, x + 14, y, 7, colour)
        + _text(x + 34, y + 4, [name], size=11, anchor="start")
        + "</g>"
    )


def _legend(
    entries: list[tuple[str, str, str, str]], *, left: float, top: float, width: float
) -> tuple[str, float]:
    """Legend entries flowed in rows across ``width``; returns (markup, height used)."""
    parts, x, y = [], left, top + 8
    for name, colour, dash, marker in entries:
        item_width = 44 + len(name) * 11 * CHAR_WIDTH
        if x > left and x + item_width > left + width:
            x, y = left, y + 18
        parts.append(_legend_item(x, y, name, colour, dash, marker))
        x += item_width + 12
    return '<g class="legend">' + "".join(parts) + "</g>", (y - top) + 12


# --- Radar ----------------------------------------------------------------------------------------

RADAR_WIDTH = 520
RADAR_RADIUS = 150
LABEL_SIZE = 11
LABEL_WIDTH = 14  # characters per line of an axis label


def radar_svg(
    labels: Sequence[str],
    series: Series,
    *,
    bands: dict[str, float],
    title: str | None = None,
    scale: tuple[float, float] = (1, 5),
    styles: Sequence[Style | None] = (),
) -> str:
    """A radar on the 1–5 scale: one axis per label, clockwise from the top.

    ``series`` is a list of (name, values), one value per label, None for a gap. The first is
    the main one (the collaboration, or the partner's own scores): a filled shape when it has
    no gap (a fill across a gap would draw a value nobody gave), solid, round markers. The
    second (the previous round) is dashed with square markers; any further ones take the next
    colours, dashes and markers. ``bands`` holds where "developing" and "strength" begin
    (``{"developing": 3.0, "strength": 4.0}``): those rings are drawn dotted and dashed, and
    labelled, as on the page. ``styles`` gives a series its own (colour, dash, marker) in
    place of its index's (the workshop's agreed scores), None keeping its index's.
    """
    low, high = scale
    count = len(labels)
    wrapped = [wrap(label, LABEL_WIDTH) for label in labels]
    tallest = max((len(lines) for lines in wrapped), default=1)
    line_height = LABEL_SIZE * 1.2
    top = 14 + tallest * line_height  # room for the labels above the top axis
    cx, cy = RADAR_WIDTH / 2, top + RADAR_RADIUS
    style_of = _styles(_radar_style, styles)
    entries = [(name, *style_of(i)) for i, (name, _) in enumerate(series)]
    legend, legend_height = _legend(
        entries, left=24, top=cy + RADAR_RADIUS + 12 + tallest * line_height, width=472
    )
    height = cy + RADAR_RADIUS + 12 + tallest * line_height + legend_height + 6
    title = title or (
        f"Radar chart of {', '.join(name for name, _ in series) or 'no series'}: "
        f"scores from {low:g} (centre) to {high:g} (edge) by characteristic."
    )

    def angle(i: int) -> float:
        return -math.pi / 2 + 2 * math.pi * i / count if count else 0.0

    def point(i: int, value: float) -> tuple[float, float]:
        r = RADAR_RADIUS * (min(max(value, low), high) - low) / (high - low)
        return cx + r * math.cos(angle(i)), cy + r * math.sin(angle(i))

    parts = [_open(RADAR_WIDTH, height, title, "radar")]
    # The grid: a ring per whole score, axes, and the band rings over them.
    grid = ['<g class="grid" fill="none">']
    for value in range(int(low), int(high) + 1):
        ring = " ".join(f"{_num(x)},{_num(y)}" for x, y in (point(i, value) for i in range(count)))
        grid.append(
            f'<polygon points="{ring}" stroke="{GRID}" stroke-width="0.75" data-value="{value}"/>'
        )
    for i in range(count):
        x, y = point(i, high)
        grid.append(
            f'<line class="axis" x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(x)}" y2="{_num(y)}"'
            f' stroke="{GRID}" stroke-width="0.75"/>'
        )
    for name, dash in (("developing", "2 3"), ("strength", "6 4")):
        value = bands[name]
        ring = " ".join(f"{_num(x)},{_num(y)}" for x, y in (point(i, value) for i in range(count)))
        grid.append(
            f'<polygon class="band-ring band-{name}" points="{ring}" stroke="{RING}"'
            f' stroke-width="1" stroke-dasharray="{dash}" data-value="{value:g}"/>'
        )
    grid.append("</g>")
    parts += grid

    # Scale labels up the first axis, nudged right of it: the whole scores, and where the bands
    # begin ("3 developing").
    names = {bands["developing"]: "developing", bands["strength"]: "strength"}
    ticks = sorted({*(float(v) for v in range(int(low), int(high) + 1)), *names})
    scale_labels = ['<g class="scale" fill="' + MUTED + '">']
    for value in ticks:
        _, y = point(0, value)
        text = f"{value:g} {names[value]}" if value in names else f"{value:g}"
        # On a white ground, so that the label reads over the lines it crosses.
        width = len(text) * 9 * CHAR_WIDTH + 4
        scale_labels.append(
            f'<rect x="{_num(cx + 2)}" y="{_num(y - 10)}" width="{_num(width)}" height="11"'
            ' fill="#ffffff" fill-opacity="0.85"/>'
        )
        scale_labels.append(_text(cx + 4, y - 2, [text], size=9, anchor="start"))
    scale_labels.append("</g>")

    # The series, main one last so that it is drawn on top.
    drawn = []
    for index, (name, values) in enumerate(series):
        colour, dash, marker = style_of(index)
        points = [None if v is None else point(i, v) for i, v in enumerate(values)]
        group = [f'<g class="series" data-name="{_attr(name)}">']
        if index == 0 and count and all(p is not None for p in points):
            ring = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
            group.append(
                f'<polygon class="area" points="{ring}" fill="{colour}" fill-opacity="0.15"'
                ' stroke="none"/>'
            )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in _runs(points, closed=True):
            if len(run) > 1:
                group.append(
                    f'<path class="line" d="{_path(run)}" fill="none" stroke="{colour}"'
                    f' stroke-width="{3 if index == 0 else 2}"{dash_attr}'
                    ' stroke-linejoin="round"/>'
                )
        for value, p in zip(values, points, strict=True):
            if p is not None:
                group.append(_marker(marker, *p, 8 if index == 0 else 7, colour, value))
        group.append("</g>")
        drawn.append("".join(group))
    parts += drawn[::-1]
    parts += scale_labels

    # Axis labels outside the edge, whole words, anchored away from the chart.
    label_parts = ['<g class="labels">']
    for i, lines in enumerate(wrapped):
        a = angle(i)
        x = cx + (RADAR_RADIUS + 10) * math.cos(a)
        y = cy + (RADAR_RADIUS + 10) * math.sin(a)
        dx = math.cos(a)
        anchor = "middle" if abs(dx) < 0.2 else ("start" if dx > 0 else "end")
        block = line_height * len(lines)
        dy = math.sin(a)
        if dy < -0.2:
            y -= block - LABEL_SIZE  # above: the last line sits on the edge
        elif dy > 0.2:
            y += LABEL_SIZE  # below: the first line hangs under the edge
        else:
            y += LABEL_SIZE * 0.8 - block / 2  # beside: centred on the axis
        label_parts.append(_text(x, y, lines, size=LABEL_SIZE, anchor=anchor, class_="label"))
    label_parts.append("</g>")
    parts += label_parts
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


def _radar_style(index: int) -> tuple[str, str, str]:
    """The main series in the collaboration's blue, the second (previous round) dark grey and
    dashed, then the palette."""
    if index == 0:
        return COLLABORATION_COLOUR, "", "circle"
    if index == 1:
        return PREVIOUS_COLOUR, "6 4", "square"
    return _style(index)


# --- Lines over rounds ----------------------------------------------------------------------------

LINE_WIDTH = 640
PLOT_HEIGHT = 240


def line_chart_svg(
    x_labels: Sequence[str],
    series: Series,
    *,
    marks: Sequence[tuple[int, str]] = (),
    y_range: tuple[float, float] = (1, 5),
    title: str | None = None,
    styles: Sequence[Style | None] = (),
) -> str:
    """Lines over rounds: ``x_labels`` along the bottom, ``series`` a list of (label, values)
    with one value per x label and None where there is none (the line breaks there).

    ``marks`` is a list of (x index, text): a dashed vertical line halfway before that point,
    where the change happened (as ``charts.trend_lines`` draws the edition changes), with its
    text above the plot; at index 0, on the first point. ``styles`` as for ``radar_svg``.
    """
    low, high = y_range
    count = len(x_labels)
    left, right = 56, 16
    plot_width = LINE_WIDTH - left - right
    mark_room = 18 if marks else 4
    top = 8 + mark_room
    step = plot_width / count if count else plot_width
    label_width = max(6, int((step - 6) / (10 * CHAR_WIDTH)))
    wrapped = [wrap(label, label_width) for label in x_labels]
    tallest = max((len(lines) for lines in wrapped), default=1)
    bottom = top + PLOT_HEIGHT
    style_of = _styles(_style, styles)
    entries = [(name, *style_of(i)) for i, (name, _) in enumerate(series)]
    legend, legend_height = _legend(
        entries, left=left, top=bottom + 10 + tallest * 12 + 6, width=plot_width
    )
    height = bottom + 10 + tallest * 12 + 6 + legend_height + 6
    title = title or (
        f"Line chart of {', '.join(name for name, _ in series) or 'no series'} over "
        f"{', '.join(x_labels) or 'no rounds'}, from {low:g} to {high:g}."
    )

    def x_at(index: float) -> float:
        return left + step * (index + 0.5)

    def y_at(value: float) -> float:
        return bottom - PLOT_HEIGHT * (min(max(value, low), high) - low) / (high - low)

    parts = [_open(LINE_WIDTH, height, title, "lines")]
    # The plot area, 1 at its foot and 5 at its top (for readers of the markup, and the tests).
    parts.append(
        f'<rect class="plot-area" x="{_num(left)}" y="{_num(top)}" width="{_num(plot_width)}"'
        f' height="{_num(PLOT_HEIGHT)}" fill="none" stroke="none"/>'
    )
    parts.append('<g class="grid">')
    for value in range(math.ceil(low), math.floor(high) + 1):
        y = y_at(value)
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(left + plot_width)}" y2="{_num(y)}"'
            f' stroke="{GRID}" stroke-width="0.75" data-value="{value}"/>'
        )
        parts.append(_text(left - 6, y + 4, [f"{value:g}"], size=10, anchor="end", fill=MUTED))
    parts.append(
        f'<line class="axis" x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(left + plot_width)}"'
        f' y2="{_num(bottom)}" stroke="{MUTED}" stroke-width="1"/>'
    )
    parts.append("</g>")
    axis_title = f"Mean score ({low:g}–{high:g})"
    parts.append(
        f'<text x="14" y="{_num(top + PLOT_HEIGHT / 2)}" font-size="10" text-anchor="middle"'
        f' fill="{MUTED}" transform="rotate(-90 14 {_num(top + PLOT_HEIGHT / 2)})">'
        f"{escape(axis_title)}</text>"
    )
    parts.append('<g class="x-labels">')
    for i, lines in enumerate(wrapped):
        parts.append(_text(x_at(i), bottom + 16, lines, size=10, class_="label"))
    parts.append("</g>")

    for index, text in marks:
        x = x_at(index - 0.5) if index > 0 else x_at(0)
        # The text reads from the line, or towards it when it would run off the right edge.
        fits = x + 4 + len(text) * 10 * CHAR_WIDTH <= LINE_WIDTH
        parts.append(
            f'<g class="mark"><line x1="{_num(x)}" y1="{_num(top - 2)}" x2="{_num(x)}"'
            f' y2="{_num(bottom)}" stroke="{PREVIOUS_COLOUR}" stroke-width="1.5"'
            ' stroke-dasharray="5 4"/>'
            + _text(
                x + 4 if fits else x - 4,
                top - 6,
                [text],
                size=10,
                anchor="start" if fits else "end",
                fill=PREVIOUS_COLOUR,
            )
            + "</g>"
        )

    for index, (name, values) in enumerate(series):
        colour, dash, marker = style_of(index)
        points = [None if v is None else (x_at(i), y_at(v)) for i, v in enumerate(values)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        group = [f'<g class="series" data-name="{_attr(name)}">']
        for run in _runs(points, closed=False):
            if len(run) > 1:
                group.append(
                    f'<path class="line" d="{_path(run)}" fill="none" stroke="{colour}"'
                    f' stroke-width="2"{dash_attr} stroke-linejoin="round"/>'
                )
        for value, p in zip(values, points, strict=True):
            if p is not None:
                group.append(_marker(marker, *p, 8, colour, value))
        group.append("</g>")
        parts.append("".join(group))
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


# --- Stacked bars of answers ----------------------------------------------------------------------

BARS_WIDTH = 640
BAR_HEIGHT = 26  # one statement's bar
BAR_GAP = 10
BAR_OUTLINE = "#495057"  # as the page's bars: the white "don't know" needs an edge
# The text on each answer's colour (``charts.ANSWER_COLOURS``), at least 4.5:1 against it.
ANSWER_TEXT = ["#ffffff", TEXT, TEXT, TEXT, "#ffffff", TEXT]
SHARE_LABEL_MIN = 34  # px: a segment at least this wide carries its share as text


def distribution_svg(codes: Sequence[str], rows: Sequence[Sequence[float]], *, title=None) -> str:
    """A stacked horizontal bar per statement, named by ``codes`` ("3.1"), from 0 to 100 %:
    each row the shares of the answers 1 to 5 and "don't know", in percent, as
    ``charts.distribution_series`` gives them (the table's numbers). Colours, order and names of
    the answers are the page's (``charts.ANSWER_COLOURS``, ``ANSWER_LABELS``); a segment wide
    enough carries its share as text, and every one its value (``data-value``)."""
    left, right = 56, 16
    plot_width = BARS_WIDTH - left - right
    top = 10
    plot_height = len(codes) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    bottom = top + plot_height
    title = title or (
        "Stacked bar chart of the share of each answer, 1 to 5 and don’t know, for statements "
        f"{', '.join(codes) or 'none'}."
    )
    legend, legend_height = _swatch_legend(
        list(zip(ANSWER_LABELS, ANSWER_COLOURS, strict=True)),
        left=left,
        top=bottom + 40,
        width=plot_width,
    )
    height = bottom + 40 + legend_height + 6

    def x_at(share: float) -> float:
        return left + plot_width * min(max(share, 0.0), 100.0) / 100

    parts = [_open(BARS_WIDTH, height, title, "bars")]
    parts.append('<g class="grid">')
    for share in (0, 25, 50, 75, 100):
        x = x_at(share)
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" y2="{_num(bottom)}"'
            f' stroke="{GRID}" stroke-width="0.75" data-value="{share}"/>'
        )
        parts.append(_text(x, bottom + 14, [f"{share}%"], size=10, fill=MUTED))
    parts.append("</g>")
    parts.append(
        _text(left + plot_width / 2, bottom + 30, ["Share of answers"], size=10, fill=MUTED)
    )
    for index, (code, shares) in enumerate(zip(codes, rows, strict=True)):
        y = top + BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        group = [f'<g class="bar" data-name="{_attr(code)}">']
        group.append(
            _text(left - 8, y + BAR_HEIGHT / 2 + 4, [code], size=11, anchor="end", class_="label")
        )
        start = 0.0
        for answer, share in enumerate(shares):
            x0, x1 = x_at(start), x_at(start + share)
            start += share
            if share <= 0:
                continue
            group.append(
                f'<rect class="segment" x="{_num(x0)}" y="{_num(y)}" width="{_num(x1 - x0)}"'
                f' height="{BAR_HEIGHT}" fill="{ANSWER_COLOURS[answer]}" stroke="{BAR_OUTLINE}"'
                f' stroke-width="1" data-answer="{_attr(ANSWER_LABELS[answer])}"'
                f' data-value="{share:g}"/>'
            )
            if x1 - x0 >= SHARE_LABEL_MIN:
                group.append(
                    _text(
                        (x0 + x1) / 2,
                        y + BAR_HEIGHT / 2 + 4,
                        [f"{share:g}%"],
                        size=10,
                        fill=ANSWER_TEXT[answer],
                    )
                )
        group.append("</g>")
        parts.append("".join(group))
    parts.append(legend)
    parts.append("</svg>")
    return "".join(parts)


def _swatch_legend(
    entries: list[tuple[str, str]], *, left: float, top: float, width: float
) -> tuple[str, float]:
    """A key of filled squares (name, colour), flowed in rows across ``width``."""
    parts, x, y = [], left, top + 8
    for name, colour in entries:
        item_width = 22 + len(name) * 11 * CHAR_WIDTH
        if x > left and x + item_width > left + width:
            x, y = left, y + 18
        parts.append(
            f'<g class="legend-item"><rect x="{_num(x)}" y="{_num(y - 6)}" width="12"'
            f' height="12" fill="{colour}" stroke="{BAR_OUTLINE}" stroke-width="1"/>'
            + _text(x + 18, y + 4, [name], size=11, anchor="start")
            + "</g>"
        )
        x += item_width + 12
    return '<g class="legend">' + "".join(parts) + "</g>", (y - top) + 12


# --- A chart as a file of its own -----------------------------------------------------------------

FOOTER_SIZE = 9


def standalone_svg(chart: str, *, title: str, desc: str, footer: Sequence[str]) -> str:
    """A chart drawn above (``radar_svg``, ``line_chart_svg``, ``distribution_svg``) as a file
    of its own, for slides: its own ``<title>`` and a ``<desc>`` that says what it shows, on a
    white ground, with ``footer`` (the round and the publisher's credit) in small type under
    it. The chart is nested whole, as drawn; its size is read from its own attributes."""
    root = ElementTree.fromstring(chart)  # noqa: S314 (markup drawn above, never a visitor's)
    width, height = float(root.get("width")), float(root.get("height"))
    per_line = max(20, int((width - 24) / (FOOTER_SIZE * CHAR_WIDTH)))
    lines = [line for text in footer for line in wrap(text, per_line)]
    # A whole number of pixels, so that the PNG at twice the size is exactly twice as tall.
    total = math.ceil(height + 6 + len(lines) * FOOTER_SIZE * 1.2 + 8)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-file" role="img"'
        f' viewBox="0 0 {_num(width)} {_num(total)}" width="{_num(width)}" height="{_num(total)}"'
        f' font-family="{_attr(FONT)}" fill="{TEXT}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
        f'<rect class="ground" x="0" y="0" width="{_num(width)}" height="{_num(total)}"'
        ' fill="#ffffff"/>'
        + chart
        + (
            _text(
                12,
                height + 6 + FOOTER_SIZE,
                lines,
                size=FOOTER_SIZE,
                anchor="start",
                fill=MUTED,
                class_="footer",
            )
            if lines
            else ""
        )
        + "</svg>"
    )
