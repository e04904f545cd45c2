"""The server-drawn SVG charts of the PDF reports: well-formed, values where they belong, gaps
where a value is missing, text escaped. Pure: no database."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from assessments import svg
from assessments.charts import COLLABORATION_COLOUR, PREVIOUS_COLOUR, TEAM_COLOURS

NS = {"s": "http://www.w3.org/2000/svg"}
LABELS = [
    "Purpose & values",
    "Committed partners",
    "Trust & generosity",
    "Boundary spanning",
    "Ways to communicate and convene",
    "Measure & improve",
    "Governance",
    "Skills & capabilities",
]
BANDS = {"developing": 3.0, "strength": 4.0}


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)  # noqa: S314 (our own markup; raises if not well-formed)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title = root.find("s:title", NS)
    assert title is not None and title.text and root[0] is title  # the accessible name, first
    return root


def series_groups(root) -> dict[str, ET.Element]:
    return {
        g.get("data-name"): g
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("data-name")
    }


def points(group) -> list[tuple[float, float, float]]:
    """(value, x, y) of each point marker of a series."""
    result = []
    for element in group:
        if element.get("class") != "point":
            continue
        value = float(element.get("data-value"))
        if element.tag.endswith("circle"):
            x, y = float(element.get("cx")), float(element.get("cy"))
        elif element.tag.endswith("rect"):
            x = float(element.get("x")) + float(element.get("width")) / 2
            y = float(element.get("y")) + float(element.get("height")) / 2
        else:
            corners = [tuple(map(float, c.split(","))) for c in element.get("points").split()]
            x = sum(c[0] for c in corners) / len(corners)
            y = sum(c[1] for c in corners) / len(corners)
        result.append((value, x, y))
    return result


def path_runs(group) -> list[list[tuple[float, float]]]:
    runs = []
    for element in group:
        if element.get("class") == "line":
            d = element.get("d")
            runs.append([tuple(map(float, p.split(","))) for p in d[1:].split(" L")])
    return runs


def axes(root):
    """(centre, [(end x, end y)]) of the radar's axes: each runs from the centre to score 5."""
    lines = [e for e in root.iter("{http://www.w3.org/2000/svg}line") if e.get("class") == "axis"]
    centres = {(float(e.get("x1")), float(e.get("y1"))) for e in lines}
    assert len(centres) == 1
    return centres.pop(), [(float(e.get("x2")), float(e.get("y2"))) for e in lines]


# --- Radar ----------------------------------------------------------------------------------------


def test_radar_values_land_at_their_radius_on_their_axis():
    values = [3.25, 4.1, 2.5, 1.0, 5.0, 4.4, 3.0, 2.8]
    root = parse(svg.radar_svg(LABELS, [("Collaboration", values)], bands=BANDS))
    (cx, cy), ends = axes(root)
    assert len(ends) == 8
    full = math.dist((cx, cy), ends[0])
    assert all(math.isclose(math.dist((cx, cy), end), full, abs_tol=0.02) for end in ends)
    # The first axis points straight up, the others follow clockwise.
    assert math.isclose(ends[0][0], cx, abs_tol=0.01) and ends[0][1] < cy
    assert ends[2][0] > cx and math.isclose(ends[2][1], cy, abs_tol=0.01)
    marks = points(series_groups(root)["Collaboration"])
    assert [v for v, _, _ in marks] == values
    for index, (value, x, y) in enumerate(marks):
        expected = full * (value - 1) / 4  # 1 at the centre, 5 at the edge
        assert math.isclose(math.dist((cx, cy), (x, y)), expected, abs_tol=0.02), index
        ex, ey = ends[index]
        if expected:  # on its own axis: the same direction as the axis
            cross = (x - cx) * (ey - cy) - (y - cy) * (ex - cx)
            assert math.isclose(cross, 0, abs_tol=0.05 * full), index


def test_band_rings_sit_where_the_bands_begin_and_are_labelled():
    root = parse(svg.radar_svg(LABELS, [("Collaboration", [3.0] * 8)], bands=BANDS))
    (cx, cy), ends = axes(root)
    full = math.dist((cx, cy), ends[0])
    rings = {
        e.get("class"): e
        for e in root.iter("{http://www.w3.org/2000/svg}polygon")
        if "band-ring" in (e.get("class") or "")
    }
    assert set(rings) == {"band-ring band-developing", "band-ring band-strength"}
    for ring, value in (
        (rings["band-ring band-developing"], 3.0),
        (rings["band-ring band-strength"], 4.0),
    ):
        assert ring.get("stroke-dasharray")
        corners = [tuple(map(float, c.split(","))) for c in ring.get("points").split()]
        for corner in corners:
            assert math.isclose(math.dist((cx, cy), corner), full * (value - 1) / 4, abs_tol=0.02)
    texts = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"3 developing", "4 strength", "1", "2", "5"} <= texts


def test_the_main_series_is_filled_and_the_previous_round_dashed():
    root = parse(
        svg.radar_svg(
            LABELS,
            [("Collaboration", [3.5] * 8), ("Previous round", [3.0] * 8), ("Team A", [2.0] * 8)],
            bands=BANDS,
        )
    )
    groups = series_groups(root)
    main, previous, team = groups["Collaboration"], groups["Previous round"], groups["Team A"]
    area = [e for e in main if e.get("class") == "area"]
    assert len(area) == 1 and area[0].get("fill") == COLLABORATION_COLOUR
    assert not any(e.get("class") == "area" for e in [*previous, *team])
    (line,) = [e for e in previous if e.get("class") == "line"]
    assert line.get("stroke") == PREVIOUS_COLOUR and line.get("stroke-dasharray")
    (main_line,) = [e for e in main if e.get("class") == "line"]
    assert not main_line.get("stroke-dasharray")
    # A closed shape: the line returns to its first point.
    runs = path_runs(main)
    assert len(runs) == 1 and runs[0][0] == runs[0][-1] and len(runs[0]) == 9
    # Not by colour alone: every series has its own dash and marker shape.
    shapes = [{e.tag for e in g if e.get("class") == "point"} for g in (main, previous, team)]
    assert len({frozenset(s) for s in shapes}) == 3
    dashes = {
        next(e.get("stroke-dasharray") or "" for e in g if e.get("class") == "line")
        for g in (main, previous, team)
    }
    assert len(dashes) == 3


def test_a_gap_breaks_the_line_and_leaves_no_point_and_no_fill():
    values = [3.0, 4.0, None, 3.5, 3.5, None, None, 2.0]
    root = parse(svg.radar_svg(LABELS, [("Collaboration", values)], bands=BANDS))
    group = series_groups(root)["Collaboration"]
    assert [v for v, _, _ in points(group)] == [v for v in values if v is not None]
    assert not any(e.get("class") == "area" for e in group)  # a fill would cross the gap
    runs = path_runs(group)
    # Runs: 3.5→3.5 (axes 4–5), and 2.0→3.0→4.0 through the end and round to the start.
    assert sorted(len(run) for run in runs) == [2, 3]
    (cx, cy), ends = axes(root)
    full = math.dist((cx, cy), ends[0])
    wrapped = max(runs, key=len)
    radii = [math.dist((cx, cy), p) / full * 4 + 1 for p in wrapped]
    assert [round(r, 2) for r in radii] == [2.0, 3.0, 4.0]


def test_radar_labels_are_escaped_and_wrapped_whole():
    evil = "<script>alert('x')</script> & more"
    markup = svg.radar_svg(
        [*LABELS[:7], evil],
        [("Team <b>", [3.0] * 8), ("O'Brien & Co", [2.0] * 8)],
        bands=BANDS,
        title="Scores & <bands>",
    )
    assert "<script>" not in markup and "<b>" not in markup
    root = parse(markup)
    assert root.find("s:title", NS).text == "Scores & <bands>"
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    labels = [e for e in root.iter("{http://www.w3.org/2000/svg}text") if e.get("class") == "label"]
    assert len(labels) == 8
    # Each label's lines give back the label, whole words only.
    for label, element in zip([*LABELS[:7], evil], labels, strict=True):
        lines = [span.text for span in element]
        assert " ".join(lines) == label
        assert all(len(line) <= svg.LABEL_WIDTH or " " not in line for line in lines)
    assert [span.text for span in labels[4]] == ["Ways to", "communicate", "and convene"]
    assert set(series_groups(root)) == {"Team <b>", "O'Brien & Co"}


def test_no_external_reference_script_or_style():
    for markup in (
        svg.radar_svg(LABELS, [("A", [3.0] * 8)], bands=BANDS),
        svg.line_chart_svg(["R1", "R2"], [("A", [3.0, 4.0])], marks=[(1, "Edition 2")]),
    ):
        root = parse(markup)
        for element in root.iter():
            assert not element.tag.endswith(("script", "style", "image", "use", "foreignObject"))
            assert "style" not in element.attrib
            for name, value in element.attrib.items():
                assert "href" not in name, name
                assert "url(" not in value and "javascript:" not in value, (name, value)


# --- Lines ----------------------------------------------------------------------------------------


def y_scale(root):
    """{value: y} of the horizontal grid lines."""
    return {
        float(e.get("data-value")): float(e.get("y1"))
        for e in root.iter("{http://www.w3.org/2000/svg}line")
        if e.get("data-value")
    }


def test_line_values_land_at_their_height_and_rounds_in_order():
    rounds = ["Spring 2025", "Autumn 2025", "Spring 2026"]
    root = parse(
        svg.line_chart_svg(
            rounds, [("Collaboration", [2.0, 3.5, 4.75]), ("Acute", [1.0, 5.0, 3.0])]
        )
    )
    grid = y_scale(root)
    assert sorted(grid) == [1, 2, 3, 4, 5]
    (area,) = [
        e for e in root.iter("{http://www.w3.org/2000/svg}rect") if e.get("class") == "plot-area"
    ]
    foot = float(area.get("y")) + float(area.get("height"))
    unit = float(area.get("height")) / 4  # 1 at the foot of the plot, 5 at its top
    assert math.isclose(grid[1], foot, abs_tol=0.02) and math.isclose(
        grid[5], foot - 4 * unit, abs_tol=0.02
    )
    for name, values in (("Collaboration", [2.0, 3.5, 4.75]), ("Acute", [1.0, 5.0, 3.0])):
        marks = points(series_groups(root)[name])
        assert [v for v, _, _ in marks] == values
        for value, _, y in marks:
            assert math.isclose(y, grid[1] - (value - 1) * unit, abs_tol=0.02), (name, value)
        xs = [x for _, x, _ in marks]
        assert xs == sorted(xs) and len(set(xs)) == 3
    labels = [
        "".join(e.itertext())
        for e in root.iter("{http://www.w3.org/2000/svg}text")
        if e.get("class") == "label"
    ]
    assert labels == rounds


def test_a_missing_round_breaks_the_line():
    root = parse(
        svg.line_chart_svg(["R1", "R2", "R3", "R4", "R5"], [("Team A", [3.0, 3.2, None, 3.8, 4.0])])
    )
    group = series_groups(root)["Team A"]
    assert [v for v, _, _ in points(group)] == [3.0, 3.2, 3.8, 4.0]
    assert [len(run) for run in path_runs(group)] == [2, 2]  # R1–R2, R4–R5: nothing across R3
    # A lone point between two gaps is a marker with no line.
    root = parse(svg.line_chart_svg(["R1", "R2", "R3"], [("B", [None, 3.0, None])]))
    group = series_groups(root)["B"]
    assert path_runs(group) == [] and [v for v, _, _ in points(group)] == [3.0]


def test_marks_draw_a_dashed_line_where_the_edition_changed():
    root = parse(
        svg.line_chart_svg(
            ["R1", "R2", "R3"], [("Collaboration", [3.0, 3.0, 3.0])], marks=[(2, "Edition 2 <new>")]
        )
    )
    (mark,) = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "mark"]
    line = mark.find("s:line", NS)
    assert line.get("stroke-dasharray") and line.get("x1") == line.get("x2")
    xs = [x for _, x, _ in points(series_groups(root)["Collaboration"])]
    assert math.isclose(float(line.get("x1")), (xs[1] + xs[2]) / 2, abs_tol=0.02)
    assert "".join(mark.find("s:text", NS).itertext()) == "Edition 2 <new>"


def test_line_series_differ_by_colour_dash_and_marker():
    names = [f"Team {i}" for i in range(6)]
    root = parse(svg.line_chart_svg(["R1", "R2"], [(n, [3.0, 4.0]) for n in names]))
    groups = series_groups(root)
    styles, shapes = set(), set()
    for index, name in enumerate(names):
        (line,) = [e for e in groups[name] if e.get("class") == "line"]
        assert line.get("stroke") == TEAM_COLOURS[index]
        marker = next(e for e in groups[name] if e.get("class") == "point")
        corners = [tuple(map(float, c.split(","))) for c in marker.get("points", "").split()]
        _, x, y = points(groups[name])[0]
        shape = (marker.tag, tuple((round(cx - x), round(cy - y)) for cx, cy in corners))
        styles.add(line.get("stroke-dasharray") or "")
        shapes.add(shape)
    assert len(styles) == 6 and len(shapes) == 6
    legend = [
        g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "legend-item"
    ]
    assert ["".join(g.find("s:text", NS).itertext()) for g in legend] == names


def test_an_empty_chart_is_still_well_formed():
    parse(svg.line_chart_svg([], []))
    parse(svg.radar_svg([], [], bands=BANDS))
