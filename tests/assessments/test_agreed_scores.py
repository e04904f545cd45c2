"""The scores a consensus workshop agreed, beside the survey's: on the overview (a column of the
chart's table and a trace of the radar, with the same numbers), in trends (a second line per
characteristic, in the chart and its table), in the CSV and in the PDF report (the radar, the
scores table and "What partners agreed" with the reasoning and the dissent), always labelled
with the workshop's date and how many took part; the newest agreement on a characteristic is the
one shown; a round without a workshop shows none of it; query counts do not grow with the
number of rounds or agreements.

Personas (tests/conftest.py): Fred facilitates the Northshire Stroke Network, Vera views it.
Workshops and agreements are created as rows (the workshop pages that record them are tested
with them); figures come from generated snapshots (tests/assessments/results_data.py).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from assessments import charts, group_results, reports
from assessments.models import Agreement, Round, Team, Workshop
from assessments.selectors.group_results import group_results_page
from assessments.selectors.trends import collaboration_trends
from assessments.selectors.workshops import agreed_scores
from tests.assessments.results_data import synthetic_snapshot
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

HELD_ON = date(2026, 12, 3)
LABEL = "Agreed in a workshop on 3 December 2026 by 12 people"
REASONING = "Partners share data weekly but not yet the decisions that follow."
DISSENT = "A minority felt the community teams are still left out of the data."


def url(name, round):
    return reverse(name, args=[round.collaboration_id, round.pk])


def trends_url(collaboration) -> str:
    return reverse("facilitate_trends", args=[collaboration.pk])


def with_figures(round, responses: int = 40, seed: int = 1) -> None:
    synthetic_snapshot(
        round, list(Team.objects.filter(collaboration=round.collaboration)), responses, seed=seed
    )


def workshop(round, *, held_on=HELD_ON, participants=12, user=None) -> Workshop:
    return Workshop.objects.create(
        round=round, held_on=held_on, participants=participants, created_by=user
    )


def agree(workshop, number, score, *, at=None, user=None, reasoning=REASONING, dissent=""):
    return Agreement.objects.create(
        workshop=workshop,
        characteristic_number=number,
        score=score,
        reasoning=reasoning,
        dissent=dissent,
        recorded_by=user,
        recorded_at=at or datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
    )


def json_block(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1)) if match else None


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table_after(html: str, marker: str) -> tuple[list[str], list[list[str]]]:
    """(header cells, body rows as cell texts) of the first table after ``marker``."""
    table = html[html.index(marker) :].split("</table>")[0]
    head = [_text(c) for c in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", table, re.S)]
    body = table.split("<tbody>")[1]
    rows = [
        [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]
    return head, rows


def drawings(html: str) -> str:
    """The report's HTML with its charts as SVG markup, whether inline or as data: URLs."""
    found = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    return html + "".join(base64.b64decode(data).decode() for data in found)


def read_csv(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == group_results.CSV_HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def agreed_round(open_round, fred):
    """A round with figures and a workshop that agreed 3 on characteristic 1, could not agree
    on 2, agreed 5 on 4 (with a dissent), and recorded nothing on the rest."""
    with_figures(open_round)
    held = workshop(open_round, user=fred)
    agree(held, 1, 3, user=fred)
    agree(held, 2, None, user=fred, reasoning="Views were too far apart to settle on a score.")
    agree(held, 4, 5, user=fred, dissent=DISSENT)
    return open_round


# --- The overview -------------------------------------------------------------------------------


def test_the_overview_shows_agreed_scores_beside_the_survey_with_the_label(agreed_round, vera):
    html = signed_in(vera).get(url("results_overview", agreed_round)).content.decode()
    head, rows = table_after(html, 'id="radar-table-caption"')
    assert head[-1] == "Agreed in the workshop"
    caption = html[html.index('id="radar-table-caption"') :].split("</caption>")[0]
    assert LABEL in _text(caption)
    column = [row[-1] for row in rows]
    assert column == ["3", "could not agree", "", "5", "", "", "", ""]
    # The radar draws the column's numbers: a gap where the room could not agree or said nothing.
    figure = json_block(html, "radar-figure")
    trace = next(t for t in figure["data"] if t.get("meta") == "agreed")
    assert trace["name"] == "Agreed in a workshop"
    assert trace["r"][:-1] == [float(c) if c.isdigit() else None for c in column]
    assert trace["r"][-1] == trace["r"][0]  # closed
    assert trace["connectgaps"] is False
    # Its key lists it in its own style, with the survey's traces.
    legend = [e["name"] for e in charts.radar_legend(figure)]
    assert "Agreed in a workshop" in legend and "Collaboration" in legend
    assert "The black dotted line with stars is what partners agreed in the workshop" in html


def test_the_agreed_trace_has_a_style_no_team_and_no_other_series_has():
    chart = charts.group_radar(_figures(), {1: 3.0}, agreed={1: 4, 2: None, 3: 2})
    agreed = next(t for t in chart["data"] if t.get("meta") == "agreed")
    others = [t for t in chart["data"] if t.get("meta") != "agreed" and "meta" in t]
    assert agreed["r"] == [4.0, None, 2.0, 4.0]
    style = (agreed["line"]["color"], agreed["line"]["dash"], agreed["marker"]["symbol"])
    for trace in others:
        assert trace["line"]["color"] != style[0], trace["name"]
        assert trace.get("marker", {}).get("symbol") != style[2], trace["name"]
    entry = next(e for e in charts.radar_legend(chart) if e["key"] == "agreed")
    assert entry["colour"] == "#000000" and entry["symbol"] == "star" and entry["points"]
    assert entry["dash"] == charts.AGREED_DASH and not entry["team"]
    # No workshop, no trace.
    assert all(t.get("meta") != "agreed" for t in charts.group_radar(_figures(), None)["data"])


def _figures() -> group_results.RoundFigures:
    from decimal import Decimal

    from assessments import rollups

    structure = tuple((n, (2 * n - 1, 2 * n)) for n in range(1, 4))
    responses = [
        (team, "", {i: 1 + team % 5 for _, ids in structure for i in ids}, [])
        for team in range(1, 4)
        for _ in range(5)
    ]
    return group_results.build(
        rollups.rebuild(rollups.Structure(structure), responses),
        responses=len(responses),
        k=5,
        characteristics=[
            group_results.CharacteristicInfo(n, f"Characteristic {n}", f"C{n}", ids)
            for n, ids in structure
        ],
        teams=[(team, f"Team {team}") for team in range(1, 4)],
        groups=[],
        strength_min=Decimal("4.0"),
        developing_min=Decimal("3.0"),
    )


def test_the_newest_agreement_is_the_one_shown_everywhere(agreed_round, fred, captured):
    held = agreed_round.workshop
    later = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
    agree(held, 1, 4, at=later, reasoning="On reflection, the data work is further on.")
    agree(held, 1, 2, at=later - timedelta(hours=2), reasoning="An earlier, lower view.")
    client = signed_in(fred)
    html = client.get(url("results_overview", agreed_round)).content.decode()
    _, rows = table_after(html, 'id="radar-table-caption"')
    assert rows[0][-1] == "4"
    trace = next(t for t in json_block(html, "radar-figure")["data"] if t.get("meta") == "agreed")
    assert trace["r"][0] == 4.0
    agreed_csv = [
        r
        for r in read_csv(client.get(url("results_csv", agreed_round)))
        if r["Breakdown"] == "Agreed in a workshop"
    ]
    assert agreed_csv[0]["Mean (1-5)"] == "4"
    client.get(url("results_pdf", agreed_round))
    assert "On reflection, the data work is further on." in captured[0]
    section = captured[0][captured[0].index("What partners agreed") :].split("</section>")[0]
    assert "An earlier, lower view." not in section
    assert section.count(REASONING) == 1  # characteristic 4's; 1's was replaced
    # Every earlier agreement is kept.
    assert Agreement.objects.filter(workshop=held, characteristic_number=1).count() == 3


def test_a_round_without_a_workshop_shows_none_of_it(open_round, fred, captured):
    with_figures(open_round)
    client = signed_in(fred)
    for setup in ("none", "empty workshop"):
        if setup == "empty workshop":
            workshop(open_round)  # opened, nothing agreed yet
        html = client.get(url("results_overview", open_round)).content.decode()
        assert "Agreed in" not in html and "agreed in the workshop" not in html
        assert all(t.get("meta") != "agreed" for t in json_block(html, "radar-figure")["data"])
        rows = read_csv(client.get(url("results_csv", open_round)))
        assert not [r for r in rows if r["Breakdown"] == "Agreed in a workshop"]
        client.get(url("results_pdf", open_round))
        assert "What partners agreed" not in captured[-1]
        assert "Agreed in" not in captured[-1]
        trends_html = client.get(trends_url(open_round.collaboration)).content.decode()
        assert "agreed in a workshop" not in trends_html.lower()


# --- Trends -------------------------------------------------------------------------------------


def make_round(collaboration, version, index: int) -> Round:
    return Round.objects.create(
        collaboration=collaboration,
        framework_version=version,
        title=f"Round {index + 1}",
        opens_on=date(2024, 1, 1) + timedelta(days=100 * index),
        closes_on=date(2024, 1, 1) + timedelta(days=100 * index + 30),
        status=Round.Status.CLOSED,
    )


def trend_rounds(collaboration, content, count: int, *, workshops=True) -> list[Round]:
    made = list(Round.objects.filter(collaboration=collaboration).order_by("opens_on"))
    for index in range(len(made), count):
        round = make_round(collaboration, content, index)
        with_figures(round, 40 + index, seed=index)
        if workshops:
            held = workshop(
                round,
                held_on=date(2024, 2, 1) + timedelta(days=100 * index),
                participants=10 + index,
            )
            agree(held, 1, 1 + index % 5)
            agree(held, 2, None if index % 2 else 3, dissent=DISSENT)
        made.append(round)
    return made


def test_trends_draw_a_second_line_with_the_tables_numbers(collaboration, content, fred):
    rounds = trend_rounds(collaboration, content, 2)
    third = make_round(collaboration, content, 2)  # a round without a workshop
    with_figures(third, 50, seed=9)
    html = signed_in(fred).get(trends_url(collaboration)).content.decode()
    figure = json_block(html, "trend-collaboration-figure")
    lines = {t["meta"]: t for t in figure["data"]}
    assert set(lines) >= {"c:1", "c:2", "agreed:1", "agreed:2"} and "agreed:3" not in lines
    assert lines["agreed:1"]["y"] == [1.0, 2.0, None]
    assert lines["agreed:2"]["y"] == [3.0, None, None]  # round 2 could not agree
    assert lines["agreed:1"]["line"]["color"] == lines["c:1"]["line"]["color"]
    assert lines["agreed:1"]["marker"]["symbol"] == "star"
    assert lines["agreed:1"]["text"][0] == "1 February 2024, 10 people"
    # The table: a row under each characteristic's, with the chart's numbers, each labelled.
    table = html[html.index('id="trend-collaboration-table"') :].split("</table>")[0]
    rows = {
        _text(re.search(r"<th scope=\"row\">(.*?)</th>", row, re.S).group(1)): [
            _text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
        if '<th scope="row">' in row
    }
    names = [name for name in rows if name.endswith("agreed in a workshop")]
    assert len(names) == 2 and names[0].startswith("1. ")
    assert rows[names[0]] == [
        "1 1 Feb 2024, 10 people",
        "2 11 May 2024, 11 people",
        "– none agreed",
    ]
    assert rows[names[1]][1] == "could not agree 11 May 2024, 11 people"
    for name, y in zip(names, (lines["agreed:1"]["y"], lines["agreed:2"]["y"]), strict=True):
        numbers = [float(cell.split()[0]) if cell[0].isdigit() else None for cell in rows[name]]
        assert numbers == y
    assert rounds[0].workshop.participants == 10


def test_the_report_draws_and_tabulates_the_agreed_trends(collaboration, content, fred):
    rounds = trend_rounds(collaboration, content, 2)
    page = group_results_page(rounds[-1], fred)
    context = reports.trends_context(collaboration_trends(collaboration, fred, up_to=rounds[-1]))
    assert [a.key for a in context["trend_agreed"]] == ["agreed:1", "agreed:2"]
    svg = context["trend_svg"]
    series = re.search(
        r'<g class="series" data-name="1\. [^"]*: agreed in a workshop">(.*?)</g>', svg, re.S
    )
    assert re.findall(r'data-value="([0-9.]+)"', series.group(1)) == ["1", "2"]
    assert page.figures.shown


def test_trends_queries_do_not_grow_with_rounds_or_agreements(
    collaboration, content, fred, django_assert_num_queries
):
    client = signed_in(fred)
    counts = []
    for wanted in (2, 6):
        trend_rounds(collaboration, content, wanted)
        client.get(trends_url(collaboration))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(trends_url(collaboration)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, membership; the rounds with their editions and snapshots, the editions'
    # characteristics, their indicators, the teams, the offered groups, the preference; the
    # rounds' workshops and their agreements.
    with django_assert_num_queries(11):
        client.get(trends_url(collaboration))


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_has_the_agreed_rows_after_the_surveys_with_the_label(agreed_round, vera):
    rows = read_csv(signed_in(vera).get(url("results_csv", agreed_round)))
    kinds = [r["Breakdown"] for r in rows]
    first_agreed = kinds.index("Agreed in a workshop")
    assert set(kinds[first_agreed:]) == {"Agreed in a workshop"}  # after every survey row
    agreed = rows[first_agreed:]
    assert [(r["Characteristic number"], r["Mean (1-5)"]) for r in agreed] == [
        ("1", "3"),
        ("2", ""),
        ("4", "5"),
    ]
    assert agreed[0]["Note"] == LABEL
    assert agreed[1]["Note"] == f"Could not agree. {LABEL}"
    for row in agreed:
        assert row["n (respondents with a score)"] == "" and row["Band"] == ""
        assert row["Group"] == "The room"


def test_agreed_csv_rows_escape_formula_like_cells():
    info = [group_results.CharacteristicInfo(1, '=HYPERLINK("x")', "x", (1,))]
    rows = group_results.agreed_rows(info, {1: 3}, "@label")
    assert rows[0][3] == '\'=HYPERLINK("x")'
    assert rows[0][group_results.CSV_HEADER.index("Note")] == "'@label"


# --- The PDF report -----------------------------------------------------------------------------


def test_the_report_has_the_agreed_scores_reasoning_and_dissent(agreed_round, fred, vera, captured):
    response = signed_in(vera).get(url("results_pdf", agreed_round))
    assert response.status_code == 200
    html = captured[0]
    section = html[html.index("What partners agreed") :].split("</section>")[0]
    assert LABEL in section
    assert REASONING in section and DISSENT in section
    assert "could not agree" in section and "Views were too far apart" in section
    assert "fred" not in section.lower()  # no names: who recorded it is never printed
    # The scores table beside the survey's, and the radar's agreed series with its numbers.
    head, rows = table_after(html, "radar-table")
    assert head[-1] == "Agreed in the workshop"
    assert [row[-1] for row in rows] == ["3", "could not agree", "", "5", "", "", "", ""]
    series = re.search(
        r'<g class="series" data-name="Agreed in a workshop">(.*?)</g>', drawings(html), re.S
    )
    assert re.findall(r'data-value="([0-9.]+)"', series.group(1)) == ["3", "5"]
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "What partners agreed" in text
    assert "3 December 2026 by 12 people" in text
    assert "Partners share data weekly" in text and "community teams are still left out" in text


def test_round_radar_reads_the_agreed_scores_when_not_given(
    agreed_round, fred, django_assert_num_queries
):
    page = group_results_page(agreed_round, fred)
    with django_assert_num_queries(2):  # the workshop, its agreements
        drawn = reports.round_radar(page)
    assert 'data-name="Agreed in a workshop"' in drawn
    given = agreed_scores(agreed_round)
    with django_assert_num_queries(0):
        assert reports.round_radar(page, given) == drawn
        assert "Agreed in a workshop" not in reports.round_radar(page, None)


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected", [("results_overview", 20), ("results_csv", 12), ("results_pdf", 28)]
)
def test_query_counts_do_not_grow_with_agreements(
    name, expected, agreed_round, fred, django_assert_num_queries
):
    client = signed_in(fred)
    held = agreed_round.workshop
    counts = []
    for extra in (0, 30):
        for i in range(extra):
            agree(held, 1 + i % 8, 1 + i % 5, at=datetime(2026, 12, 3, 12, i, tzinfo=UTC))
        client.get(url(name, agreed_round))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, agreed_round)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The page's own (tests/assessments/test_group_results_pages.py, test_reports.py), and the
    # round's workshop and its agreements: one more than without a workshop; the report reads
    # them for its trends too (the rounds' workshops, their agreements).
    with django_assert_num_queries(expected):
        client.get(url(name, agreed_round))
