"""Each chart as a file for slides (assessments/views/downloads.py): SVG, PNG and its data as
CSV, with the access, disclosure and team names of the page the chart is on, and exactly the
numbers of the table beside the chart (read back from the page as a browser gets it)."""

from __future__ import annotations

import csv
import io
import json
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Team
from tests.assessments.results_data import submit, synthetic_snapshot
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROUND_CHARTS = ["radar", "distribution-1", "distribution-8"]
TREND_CHARTS = ["collaboration", "teams-2", "groups-2"]
FORMATS = {
    "svg": "image/svg+xml; charset=utf-8",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
}


def chart_url(round, chart: str, fmt: str) -> str:
    if chart in TREND_CHARTS or chart.startswith(("teams-", "groups-", "collaboration")):
        return reverse("trends_chart", args=[round.collaboration_id, chart, fmt])
    return reverse("round_chart", args=[round.collaboration_id, round.pk, chart, fmt])


def page_url(name: str, round, *args) -> str:
    if name == "facilitate_trends":
        return reverse(name, args=[round.collaboration_id])
    return reverse(name, args=[round.collaboration_id, round.pk, *args])


def teams(round) -> list[Team]:
    return list(Team.objects.filter(collaboration=round.collaboration).order_by("pk"))


def varied(seed: int):
    """Answers that differ by statement and respondent, some of them "don't know"."""

    def value(indicator):
        pick = (indicator.pk * 7 + seed * seed) % 6
        return None if pick == 0 else pick

    return value


def fill(round, per_team: dict[int, int]) -> None:
    """``per_team``: team index → responses, each team's from one stakeholder group of its own
    (clinicians, patients, carers), so that groups are counted as their teams are."""
    team_list = teams(round)
    for index, count in per_team.items():
        group = ["clinician", "patient", "carer"][index]
        for i in range(count):
            submit(round, team=team_list[index], group=group, value=varied(index * 10 + i))


@pytest.fixture
def shown_round(open_round):
    fill(open_round, {0: 5, 1: 5})
    return open_round


# --- Reading back -----------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    body = response.content
    assert body.startswith("\ufeff".encode())  # a BOM: spreadsheet programs read the accents
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_svg(response) -> ET.Element:
    root = ET.fromstring(response.content)  # noqa: S314 (the app's own output, under test)
    assert root.tag == f"{SVG}svg"
    assert root[0].tag == f"{SVG}title" and root[0].text
    assert root[1].tag == f"{SVG}desc" and root[1].text
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert width > 100 and height > 100
    assert "sans-serif" in root.get("font-family")
    return root


def png_size(body: bytes) -> tuple[int, int]:
    assert body.startswith(PNG_SIGNATURE)
    assert body[12:16] == b"IHDR"
    return struct.unpack(">II", body[16:24])


def texts(root: ET.Element) -> str:
    return " ".join(t for t in root.itertext())


class Tables(HTMLParser):
    """Every table of a page, by its caption's id or its own id: its rows as lists of cell
    texts (whitespace collapsed); and the JSON of every ``json_script`` by id."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.json: dict[str, object] = {}
        self._rows = None
        self._cell = None
        self._script = None
        self._keys: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._rows, self._keys = [], [attrs["id"]] if attrs.get("id") else []
        elif tag == "caption" and self._rows is not None and attrs.get("id"):
            self._keys.append(attrs["id"])
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
        elif self._cell is not None:
            self._cell.append(" ")  # "3.20<span class="d-block">n=10</span>" reads "3.20 n=10"
        elif tag == "script" and attrs.get("type") == "application/json":
            self._script = (attrs["id"], [])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            for key in self._keys:
                self.tables[key] = self._rows
            self._rows = None
        elif tag == "script" and self._script:
            key, parts = self._script
            self.json[key] = json.loads("".join(parts))
            self._script = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._script:
            self._script[1].append(data)


def page(client, name, round, *args) -> Tables:
    response = client.get(page_url(name, round, *args))
    assert response.status_code == 200
    return Tables(response.content.decode())


# --- Each chart in each format ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("chart", ROUND_CHARTS + TREND_CHARTS)
def test_each_chart_in_each_format_is_an_attachment_of_its_type(shown_round, vera, chart, fmt):
    client = signed_in(vera)  # viewers and up, as the pages
    response = client.get(chart_url(shown_round, chart, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == FORMATS[fmt]
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    if chart in TREND_CHARTS:
        assert (
            disposition == f'attachment; filename="northshire-stroke-network-trends-{chart}.{fmt}"'
        )
    else:
        assert disposition == (
            f'attachment; filename="northshire-stroke-network-autumn-round-{chart}.{fmt}"'
        )
    if fmt == "svg":
        assert (
            response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
        )
        root = read_svg(response)
        words = texts(root)
        # The footer: the collaboration, the round, and the publisher's credit.
        assert "Northshire Stroke Network" in words and "Autumn round" in words
        assert "Source: Kaleidoscope Health & Care" in words
        # Nothing that runs or loads: no script, no reference, no style sheet.
        tags = {element.tag.removeprefix(SVG) for element in root.iter()}
        assert not tags & {"script", "image", "use", "style", "foreignObject", "a"}
        for element in root.iter():
            assert not any(name.startswith("on") or "href" in name for name in element.attrib)
    elif fmt == "png":
        svg = read_svg(client.get(chart_url(shown_round, chart, "svg")))
        width, height = png_size(response.content)
        assert (width, height) == (2 * int(svg.get("width")), 2 * int(svg.get("height")))
        assert response.content[25] == 6 or response.content[25] == 2  # RGBA or RGB
    else:
        rows = read_csv(response)
        assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)


def test_a_png_has_a_white_ground(shown_round, vera):
    from PIL import Image  # a dependency of cairosvg and WeasyPrint

    body = signed_in(vera).get(chart_url(shown_round, "radar", "png")).content
    image = Image.open(io.BytesIO(body)).convert("RGBA")
    assert image.getpixel((1, 1)) == (255, 255, 255, 255)


# --- The numbers of the table beside each chart -----------------------------------------------


def radar_rows_against_the_overview(client, round) -> tuple[list[str], list[list[str]], list]:
    """The radar's CSV rows, each checked against its row of the overview's table (by the
    table's column headings) and the chart's collaboration trace; returns them with the
    table's headings and rows for further checks."""
    overview = page(client, "results_overview", round)
    headings, *table = overview.tables["radar-table-caption"]
    header, *rows = read_csv(client.get(chart_url(round, "radar", "csv")))
    assert len(rows) == len(table) == 8
    column = {name: i for i, name in enumerate(header)}
    traces = overview.json["radar-figure"]["data"]
    collaboration = next(t for t in traces if t.get("meta") == "collaboration")
    for number, (row, cells) in enumerate(zip(rows, table, strict=True), 1):
        cell = dict(zip(headings, cells, strict=True))
        assert cell["Characteristic"] == f"{row[0]}. {row[1]}" and row[0] == str(number)
        # The page's cells: "3.27 Developing"; n; SD (– below its minimum n); the interval.
        mean, band = row[column["Collaboration mean (1-5)"]], row[column["Band"]]
        assert cell["Collaboration"] == f"{mean} {band.capitalize()}"
        assert cell["n"] == row[column["n (respondents with a score)"]]
        assert cell["SD"] == (row[column["SD (from n = 10)"]] or "–")
        low, high = row[column["Mean 95% interval low"]], row[column["Mean 95% interval high"]]
        assert cell["95% interval"] == f"{low} to {high}"
        assert cell["Each team once"].split()[0] == row[column["Each team once (1-5)"]]
        # The chart's own numbers (the collaboration's trace, closed back to its start).
        assert collaboration["r"][number - 1] == float(mean)
    return headings, rows, table


def test_the_radar_csv_has_the_overview_tables_and_the_charts_numbers(shown_round, fred):
    fill(shown_round, {2: 5})  # a third team: "each team once" over three
    header, rows, _ = radar_rows_against_the_overview(signed_in(fred), shown_round)
    assert "Agreed in the workshop" not in header  # no workshop, no column
    assert len({row[2] for row in rows}) > 1  # real spread between characteristics


def test_the_radar_csv_has_the_workshops_agreed_scores_as_the_overview(shown_round, fred):
    record_workshop(shown_round, fred, [(2, 4), (5, None), (2, 3)])  # the newest on 2 counts
    client = signed_in(fred)
    headings, rows, table = radar_rows_against_the_overview(client, shown_round)
    header = read_csv(client.get(chart_url(shown_round, "radar", "csv")))[0]
    agreed = next(i for i, name in enumerate(header) if name.startswith("Agreed in a workshop"))
    assert header[agreed].endswith("by 11 people (1-5)")
    on_page = headings.index("Agreed in the workshop")
    assert [row[agreed] for row in rows] == [cells[on_page] for cells in table]
    assert [row[agreed] for row in rows][1:5] == ["3", "", "", "could not agree"]
    # The chart on the page and the SVG draw the same agreed scores: a point where one was.
    overview = page(client, "results_overview", shown_round)
    trace = next(t for t in overview.json["radar-figure"]["data"] if t.get("meta") == "agreed")
    expected = [float(row[agreed]) if row[agreed].isdigit() else None for row in rows]
    assert trace["r"][:8] == expected
    root = read_svg(client.get(chart_url(shown_round, "radar", "svg")))
    series = next(g for g in root.iter(f"{SVG}g") if g.get("data-name") == "Agreed in a workshop")
    points = [float(p.get("data-value")) for p in series if p.get("class") == "point"]
    assert points == [value for value in expected if value is not None] == [3.0]
    assert "by 11 people: 1. none recorded; 2. 3;" in root.find(f"{SVG}desc").text


def test_the_distribution_csv_has_the_characteristic_pages_and_the_charts_numbers(open_round, fred):
    # 16 respondents (k = 4, two teams of 8): a share of an odd count, 1 of 16 = 6.25 %, is a
    # tie at one decimal, which the page rounds half up (6.3) and a float's round() does not.
    open_round.min_group_size = 4
    open_round.save()
    fill(open_round, {0: 8, 1: 8})
    shown_round = open_round
    client = signed_in(fred)
    for number in (1, 5):
        characteristic = page(client, "results_characteristic", shown_round, number)
        table = characteristic.tables["distribution-caption"]
        header, *rows = read_csv(
            client.get(chart_url(shown_round, f"distribution-{number}", "csv"))
        )
        assert len(rows) == len(table) - 1 >= 3
        bars = characteristic.json["distribution-figure"]["data"]
        for index, (row, cells) in enumerate(zip(rows, table[1:], strict=True)):
            assert cells[0].startswith(f"{row[0]} {row[1]}")
            # Each answer's cell on the page: "3 30.0%"; then the number answering.
            for answer in range(6):
                count, share = row[2 + 2 * answer], row[3 + 2 * answer]
                assert cells[1 + answer] == f"{count} {share}%"
                assert bars[answer]["x"][index] == float(share)
                assert bars[answer]["y"][index] == row[0]
            assert cells[7] == row[header.index("Answers")]
            assert ("Views differ" in cells[0]) == (row[header.index("Views differ")] == "yes")
        # Not all the same: the test reads real spread, and ties at one decimal.
        assert len({tuple(row[2:14]) for row in rows}) > 1
        assert {row[header.index("Answers")] for row in rows} == {"16"}
        assert any(int(count) % 2 for row in rows for count in row[2:14:2])


def record_workshop(round, user, agreements) -> None:
    """A workshop of 11 people on ``round`` that recorded (characteristic number, score) in
    this order (score None: the room could not agree; the newest on a number counts)."""
    from assessments.models import Agreement, Workshop

    workshop = Workshop.objects.create(round=round, participants=11, created_by=user)
    for number, score in agreements:
        Agreement.objects.create(
            workshop=workshop, characteristic_number=number, score=score, reasoning="Talked."
        )


@pytest.mark.parametrize("workshop", [False, True])
def test_the_trend_csvs_have_the_trends_pages_and_the_charts_numbers(shown_round, fred, workshop):
    if workshop:
        record_workshop(shown_round, fred, [(2, 4), (5, None), (2, 3)])
    client = signed_in(fred)
    trends = Tables(
        client.get(page_url("facilitate_trends", shown_round) + "?c=2").content.decode()
    )
    for chart, table_id, figure_id in [
        ("collaboration", "trend-collaboration-table", "trend-collaboration-figure"),
        ("teams-2", "trend-teams-table", "trend-teams-figure"),
        ("groups-2", "trend-groups-table", "trend-groups-figure"),
    ]:
        header, *rows = read_csv(client.get(chart_url(shown_round, chart, "csv")))
        table = trends.tables[table_id][1:]
        lines = {t["name"]: t["y"] for t in trends.json[figure_id]["data"] if "y" in t}
        # The same rows in the same order, the agreed scores after their characteristic's.
        assert [row[0] for row in rows] == [cells[0] for cells in table]
        assert set(lines) == {row[0] for row in rows}
        for row, cells in zip(rows, table, strict=True):
            value, n = row[1], row[2]
            if row[0].endswith("agreed in a workshop"):
                # The page's cell: "3 3 Dec 2026, 11 people" or "could not agree …".
                assert cells[1].startswith(f"{value} ") and cells[1].endswith(", 11 people")
                assert row[-1].startswith("Autumn round: agreed in a workshop on ")
                assert lines[row[0]] == [float(value) if value.isdigit() else None]
            else:
                assert cells[1] == f"{value} n={n}"
                assert lines[row[0]] == [float(value)]
    if workshop:
        header, *rows = read_csv(client.get(chart_url(shown_round, "collaboration", "csv")))
        agreed = {row[0].split(".")[0]: row[1] for row in rows if "agreed" in row[0]}
        assert agreed == {"2": "3", "5": "could not agree"}
        # The SVG draws them as a second line, with stars, each with its value.
        root = read_svg(client.get(chart_url(shown_round, "collaboration", "svg")))
        names = {g.get("data-name"): g for g in root.iter(f"{SVG}g") if g.get("data-name")}
        second = next(
            g for name, g in names.items() if name.startswith("2. ") and name.endswith("workshop")
        )
        assert [p.get("data-value") for p in second if p.get("class") == "point"] == ["3"]
        assert (
            "2. Partners committed to purpose and empowered to act: agreed in a workshop: "
            "Autumn round 3" in root.find(f"{SVG}desc").text
        )


# --- Names escaped ----------------------------------------------------------------------------


SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"


def test_names_are_text_in_the_svg_and_never_a_formula_in_the_csv(open_round, fred):
    first, second, _ = teams(open_round)
    Team.objects.filter(pk=first.pk).update(name=SCRIPT)
    Team.objects.filter(pk=second.pk).update(name=FORMULA)
    open_round.collaboration.name = "Care & <b>Co</b>"
    open_round.collaboration.save()
    open_round.title = "=1+1 <i>round</i>"
    open_round.save()
    fill(open_round, {0: 5, 1: 5})
    client = signed_in(fred)
    for chart in ["teams-2", "radar", "distribution-2"]:
        response = client.get(chart_url(open_round, chart, "svg"))
        body = response.content.decode()
        root = read_svg(response)  # well-formed: every name escaped
        assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}b", f"{SVG}i")]
        assert "<script" not in body and "<b>" not in body and "<i>" not in body
        words = texts(root)
        assert "Care & <b>Co</b>" in words and "=1+1 <i>round</i>" in words
        if chart == "teams-2":
            assert SCRIPT in words and FORMULA in words
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        # The PNG is drawn from the same markup.
        assert client.get(chart_url(open_round, chart, "png")).content.startswith(PNG_SIGNATURE)
    header, *rows = read_csv(client.get(chart_url(open_round, "teams-2", "csv")))
    assert {row[0] for row in rows} == {SCRIPT, "'" + FORMULA}
    header, *rows = read_csv(client.get(chart_url(open_round, "radar", "csv")))
    for row in [header, *rows]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


# --- Unknown charts, other collaborations, signed-out visitors --------------------------------


@pytest.mark.parametrize(
    "chart,fmt",
    [
        ("radar", "gif"),
        ("radar", "SVG"),
        ("radar", "pdf"),
        ("pie", "svg"),
        ("distribution-9", "svg"),
        ("distribution-0", "csv"),
        ("distribution-01", "csv"),
        ("distribution-x", "png"),
        ("distribution", "svg"),
        ("heatmap", "csv"),
    ],
)
def test_an_unknown_round_chart_or_format_is_a_404(shown_round, fred, chart, fmt):
    assert signed_in(fred).get(chart_url(shown_round, chart, fmt)).status_code == 404


@pytest.mark.parametrize(
    "chart,fmt",
    [
        ("collaboration", "gif"),
        ("teams-9", "svg"),
        ("groups-0", "svg"),
        ("teams", "csv"),
        ("people-1", "csv"),
        ("radar", "svg"),
    ],
)
def test_an_unknown_trends_chart_or_format_is_a_404(shown_round, fred, chart, fmt):
    url = reverse("trends_chart", args=[shown_round.collaboration_id, chart, fmt])
    assert signed_in(fred).get(url).status_code == 404


def test_another_collaborations_charts_are_a_404(
    shown_round, other_collaboration_round, oscar, fred
):
    # Oscar owns another collaboration: ours is not found, whatever he asks for.
    for chart in ROUND_CHARTS + TREND_CHARTS:
        for fmt in FORMATS:
            assert signed_in(oscar).get(chart_url(shown_round, chart, fmt)).status_code == 404
    # Fred's own collaboration with Oscar's round in the URL: not found either.
    other = reverse(
        "round_chart",
        args=[shown_round.collaboration_id, other_collaboration_round.pk, "radar", "svg"],
    )
    assert signed_in(fred).get(other).status_code == 404


def test_signed_out_visitors_go_to_sign_in(shown_round, anon_client):
    for chart in ("radar", "collaboration"):
        response = anon_client.get(chart_url(shown_round, chart, "png"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_only_reads_and_heads_are_taken(shown_round, fred):
    client = signed_in(fred)
    assert client.post(chart_url(shown_round, "radar", "csv")).status_code == 405
    assert client.head(chart_url(shown_round, "radar", "csv")).status_code == 200


# --- Disclosure -------------------------------------------------------------------------------


def test_a_round_below_its_minimum_group_size_downloads_no_figure(open_round, fred):
    fill(open_round, {0: 4})  # 4 of k = 5: nothing is shown on the pages
    client = signed_in(fred)
    for chart in ROUND_CHARTS + TREND_CHARTS:
        for fmt in FORMATS:
            response = client.get(chart_url(open_round, chart, fmt))
            assert response.status_code == 404, (chart, fmt)
            assert response["Content-Type"] == "text/plain; charset=utf-8"
            text = response.content.decode()
            assert text.startswith("No figures yet")
            # No number at all but the minimum group size the message names.
            assert not (set(text) & set("012346789")), text


def test_a_team_whose_figures_are_hidden_is_in_no_download(open_round, fred):
    fill(open_round, {0: 5, 1: 5, 2: 4})  # Social Care's 4 are not counted
    client = signed_in(fred)
    for fmt in ("svg", "csv"):
        body = client.get(chart_url(open_round, "teams-1", fmt)).content.decode("utf-8-sig")
        assert "Acute Trust" in body and "Community Services" in body
        assert "Social Care" not in body


def test_team_names_follow_the_members_choice_of_letters(shown_round, fred, vera):
    client = signed_in(fred)
    client.post(
        reverse("results_team_names", args=[shown_round.collaboration_id, shown_round.pk]),
        {"anonymise": "1"},
    )
    for fmt in ("svg", "csv"):
        body = client.get(chart_url(shown_round, "teams-1", fmt)).content.decode("utf-8-sig")
        assert "Team A" in body and "Team B" in body
        assert "Acute Trust" not in body and "Community Services" not in body
    # Vera chose nothing: she sees the names.
    body = signed_in(vera).get(chart_url(shown_round, "teams-1", "csv")).content.decode("utf-8-sig")
    assert "Acute Trust" in body and "Team A" not in body


# --- The links under each chart ---------------------------------------------------------------


def test_each_chart_on_the_pages_has_its_three_downloads(shown_round, fred):
    client = signed_in(fred)
    pages = [
        (page_url("results_overview", shown_round), ["radar"], "the radar"),
        (
            page_url("results_characteristic", shown_round, 3),
            ["distribution-3"],
            "the chart of answers",
        ),
        (
            page_url("facilitate_trends", shown_round) + "?c=3",
            ["collaboration", "teams-3", "groups-3"],
            "trend chart",
        ),
    ]
    for url, charts, label in pages:
        html = client.get(url).content.decode()
        for chart in charts:
            for fmt in FORMATS:
                link = chart_url(shown_round, chart, fmt)
                assert f'href="{link}" download>' in html, (url, link)
                assert client.get(link).status_code == 200
        # Each link's accessible name says what it downloads and contains its visible text.
        assert f"Download {label}" in html or label == "trend chart"
        assert html.count("</span>SVG</a>") == len(charts)
        assert html.count("</span>Data (CSV)</a>") == len(charts)


# --- Queries ----------------------------------------------------------------------------------

# Session and user, membership, round, then the page's figures (snapshot with the previous
# round's as subqueries, characteristics, indicators, preference, teams, offered groups); the
# radar reads the round's workshop for its agreed scores. Trends: the trends' reads and the
# latest edition with its source (the credit).
EXPECTED_QUERIES = {
    "radar": 11,
    "distribution-1": 10,
    "collaboration": 11,
    "teams-1": 11,
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("chart", sorted(EXPECTED_QUERIES))
def test_query_counts_do_not_grow_with_teams_or_responses(
    open_round, fred, chart, fmt, django_assert_num_queries
):
    client = signed_in(fred)
    counts = []
    for team_count, responses in [(1, 10), (20, 5_000)]:
        existing = teams(open_round)
        for i in range(len(existing), team_count):
            Team.objects.create(collaboration=open_round.collaboration, name=f"Team {i:02d}")
        synthetic_snapshot(open_round, teams(open_round)[:team_count], responses)
        assert client.get(chart_url(open_round, chart, fmt)).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(chart_url(open_round, chart, fmt)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(EXPECTED_QUERIES[chart]):
        client.get(chart_url(open_round, chart, fmt))


# --- The drawings, without a database ---------------------------------------------------------


def test_the_answers_bars_carry_the_tables_shares_in_the_pages_colours():
    from assessments import charts, svg

    rows = [[6.3, 12.5, 25.0, 31.3, 18.8, 6.3], [0.0, 0.0, 50.0, 50.0, 0.0, 0.0]]
    root = ET.fromstring(svg.distribution_svg(["3.1", "3.2"], rows))  # noqa: S314
    bars = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]
    assert [g.get("data-name") for g in bars] == ["3.1", "3.2"]
    for bar, shares in zip(bars, rows, strict=True):
        segments = [r for r in bar if r.get("class") == "segment"]
        # A zero share draws nothing; each other one its value, colour and answer.
        drawn = [(a, s) for a, s in enumerate(shares) if s]
        assert [float(r.get("data-value")) for r in segments] == [s for _, s in drawn]
        assert [r.get("fill") for r in segments] == [charts.ANSWER_COLOURS[a] for a, _ in drawn]
        assert [r.get("data-answer") for r in segments] == [
            charts.ANSWER_LABELS[a] for a, _ in drawn
        ]
        widths = [float(r.get("width")) for r in segments]
        assert all(
            abs(w / sum(widths) - s / sum(shares)) < 0.01
            for w, (_, s) in zip(widths, drawn, strict=True)
        )


def test_a_chart_file_escapes_its_title_description_and_footer():
    from assessments import svg

    chart = svg.line_chart_svg(["Spring"], [(SCRIPT, [3.0])])
    document = svg.standalone_svg(
        chart, title="<t>&", desc='<d> & "quotes"', footer=["Care & <b>Co</b>", FORMULA]
    )
    root = ET.fromstring(document)  # noqa: S314 (well-formed only if everything is escaped)
    assert root.find(f"{SVG}title").text == "<t>&"
    assert root.find(f"{SVG}desc").text == '<d> & "quotes"'
    assert "<b>" not in document and "<script>" not in document
    footer = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "footer")
    assert "".join(footer.itertext()) == "Care & <b>Co</b>" + FORMULA
    # The chart nested whole, above the footer, on a white ground as tall as both.
    nested = root.find(f"{SVG}svg")
    assert nested is not None and float(nested.get("height")) < float(root.get("height"))
    assert root.find(f"{SVG}rect").get("fill") == "#ffffff"
