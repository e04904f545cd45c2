"""The PDF reports: a round's group report for its members and a partner's own results.

The PDFs are read back with pypdf (their text, page size, page numbers); the HTML each view hands
to WeasyPrint is caught on its way (``captured``) to compare with the pages cell by cell.

Personas (tests/conftest.py): Fred facilitates the Northshire Stroke Network, Vera views it, Oscar
owns another collaboration; a partner answers through the real journey (tests/assessments/helpers).
"""

from __future__ import annotations

import base64
import io
import json
import re
import socket

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from assessments import reports, scoring, svg
from assessments.models import Team
from assessments.selectors.partner import personal_results
from tests.assessments.heatmap_html import heatmap_cells
from tests.assessments.helpers import complete, start
from tests.assessments.results_data import submit, synthetic_snapshot
from tests.conftest import signed_in

A4 = (595, 842)  # points, rounded
HEADINGS = [
    "Summary",
    "The collaboration by characteristic",
    "Teams and stakeholder groups",
    "What to work on first",
    "Strengths",
    "Where views differ",
    "How the figures are worked out",
    "Sources",
]
PUBLISHERS = ["Kaleidoscope Health & Care", "THIS Institute", "NHS Professionals"]


def url(round):
    return reverse("results_pdf", args=[round.collaboration_id, round.pk])


def page_url(name, round):
    return reverse(name, args=[round.collaboration_id, round.pk])


def teams(round):
    return {t.name: t for t in Team.objects.filter(collaboration=round.collaboration)}


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    """The PDF's text with its line breaks and runs of spaces as single spaces."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pages_are_a4_and_numbered(reader: PdfReader) -> None:
    count = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4, (number, box)
        assert f"Page {number} of {count}" in page.extract_text(), number


def credits_are_given(text: str) -> None:
    """The Sources section credits each publisher with its own credit line (the Source's)."""
    section = text[text.rindex("Sources") :]
    for publisher in PUBLISHERS:
        assert f"© {publisher}" in section, publisher


def by_characteristic(indicator) -> int:
    """Answers that give each characteristic its own mean: 1 for the first, 2, … (a 5 at 5)."""
    return min(5, indicator.characteristic.number)


def json_block(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def charts_in(html: str) -> str:
    """The report's SVG charts, read back from the <img> that places each (a base64 data: URL,
    so that the tagged PDF has a figure with its alternative text)."""
    return "".join(
        base64.b64decode(data).decode()
        for data in re.findall(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', html)
    )


def svg_points(html: str, kind: str) -> dict[str, list[float]]:
    """{series name: its points' values} of the report's SVG chart of ``kind`` (radar, lines)."""
    chart = re.search(
        rf'<svg [^>]*class="chart chart-{kind}".*?</svg>', charts_in(html), re.S
    ).group(0)
    result = {}
    for name, body in re.findall(r'<g class="series" data-name="([^"]*)">(.*?)</g>', chart):
        result[name] = [float(v) for v in re.findall(r'class="point" data-value="([^"]+)"', body)]
    return result


# --- A round's report -----------------------------------------------------------------------------


def test_the_report_is_a4_numbered_and_shows_the_overview_figures(open_round, fred, captured):
    by_name = teams(open_round)
    # Means with two decimals: (1 + 3 + 4) / 3 = 2.67 for the first characteristic, and so on.
    for name, value in (
        ("Acute Trust", by_characteristic),
        ("Community Services", 3),
        ("Social Care", 4),
    ):
        for _ in range(5):
            submit(open_round, team=by_name[name], group="clinician", value=value)
    client = signed_in(fred)
    overview = client.get(page_url("results_overview", open_round))
    assert reverse("results_pdf", args=[open_round.collaboration_id, open_round.pk]) in (
        overview.content.decode()
    )  # the link beside the CSV's

    response = client.get(url(open_round))
    assert response["Content-Disposition"] == (
        'attachment; filename="northshire-stroke-network-autumn-round-report.pdf"'
    )
    reader = pdf_of(response)
    pages_are_a4_and_numbered(reader)
    assert len(reader.pages) >= 3
    text = text_of(reader)
    for heading in HEADINGS:
        assert heading in text, heading
    credits_are_given(text)
    assert "Northshire Stroke Network" in text and "Autumn round" in text
    assert "15, as of" in text  # responses included, on the cover
    assert "2.67" in text  # the first characteristic's mean
    # Each characteristic's mean for the collaboration, as the overview's table shows it.
    for row in overview.context["chart_rows"]:
        shown = f"{row.characteristic.number}. {row.characteristic.name}"
        score = str(scoring.shown(row.total.result.mean))
        assert f"{shown}</a></th>" in overview.content.decode()
        assert re.search(
            rf"{re.escape(shown)} {re.escape(score)} {row.total.band.title()}", text
        ), (
            shown,
            score,
        )
    # The radar: its labels are text in the PDF, and it is an SVG of the overview chart's numbers.
    for characteristic in overview.context["page"].characteristics:
        for line in svg.wrap(characteristic.short_name, svg.LABEL_WIDTH):
            assert line in text, line
    (html,) = captured
    assert (
        charts_in(html).count('<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-radar"')
        == 1
    )
    drawn = json_block(overview.content.decode(), "radar-figure")
    collaboration = next(t for t in drawn["data"] if t.get("meta") == "collaboration")
    assert svg_points(html, "radar")["Collaboration"] == collaboration["r"][:-1]
    # The two slots the trends and the action plan fill, in place.
    assert "reports/_trends.html" not in html  # included, not printed


def test_the_summary_names_the_strongest_weakest_and_what_to_work_on_first(
    open_round, fred, captured
):
    by_name = teams(open_round)
    for _ in range(10):
        submit(open_round, team=by_name["Acute Trust"], value=by_characteristic)
    text = text_of(pdf_of(signed_in(fred).get(url(open_round))))
    page = text[: text.index("The collaboration by characteristic")]  # the first page
    names = {c.number: f"‘{c.name}’" for c in open_round.framework_version.characteristics.all()}
    # 5 to 8 score 5.00 (the first named); 1 the weakest (1.00), and the first priority.
    assert f"highest on {names[5]} (5.00 out of 5, a strength)" in page
    assert f"lowest on {names[1]} (1.00, a priority)" in page
    assert "Two characteristics are in the priority band (below 3.00)." in page
    assert f"Work first on {names[1]} and {names[2]}." in page
    # One team of three answered; the two with nobody hide nobody.
    assert "One team of 3 has figures of its own; the others have fewer than 5" in page
    assert "This report covers 10 submitted responses" in page


def test_a_small_team_has_no_figure_and_the_report_hides_what_the_heatmap_hides(
    open_round, vera, captured
):
    by_name = teams(open_round)
    for name, count, value in (("Acute Trust", 8, 4), ("Community Services", 6, 3)):
        for _ in range(count):
            submit(open_round, team=by_name[name], group="clinician", value=value)
    submit(open_round, team=by_name["Social Care"], group="patient", value=1)
    client = signed_in(vera)
    reader = pdf_of(client.get(url(open_round)))  # a viewer downloads it
    heatmap = client.get(page_url("results_heatmap", open_round)).content.decode()
    (html,) = captured
    report_cells, page_cells = heatmap_cells(html), heatmap_cells(heatmap)
    # Every cell, shown or hidden, says the same; the page adds the interval and the don't-know
    # rate under a shown mean, which the report gives in a table of its own under the heatmap.
    assert report_cells.keys() == page_cells.keys()
    for key, text in report_cells.items():
        assert page_cells[key] == text or page_cells[key].startswith(text + " "), key
    # The collaboration row twice, 3 teams, 1 group: no patient is counted yet, and no group is
    # offered, so there is no patient row at all.
    assert len(report_cells) == (1 + 3 + 1 + 1) * 9
    assert not any(label == "Patient or service user" for _, label, _ in report_cells)
    row = {k: v for k, v in report_cells.items() if k[:2] == (0, "Social Care")}
    assert len(row) == 9
    assert not any(re.search(r"\d\.\d\d", text) for text in row.values()), row
    # The lone patient is not counted yet; the last 3 of Acute Trust and the last of Community
    # Services wait too, for others of their team.
    assert report_cells[(0, "Social Care", "Responses")] == "no responses yet"
    assert report_cells[(0, "Social Care", "Governance")] == "none yet"
    assert report_cells[(0, "Community Services", "Governance")] == "3.00 Developing n=5"
    assert report_cells[(0, "Acute Trust", "Governance")] == "4.00 Strength n=5"
    # In the PDF too: no trace of the lone patient's 1.00 anywhere.
    text = text_of(reader)
    assert "1.00" not in text and "4.00 Strength n=5" in text


def test_another_collaborations_round_is_a_404_and_strangers_sign_in(
    open_round, oscar, anon_client, other_collaboration_round
):
    for _ in range(5):
        submit(open_round)
    assert signed_in(oscar).get(url(open_round)).status_code == 404
    # Oscar's own collaboration id with this round: still not his.
    foreign = reverse(
        "results_pdf", args=[other_collaboration_round.collaboration_id, open_round.pk]
    )
    assert signed_in(oscar).get(foreign).status_code == 404
    response = anon_client.get(url(open_round))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert signed_in(oscar).post(url(open_round)).status_code == 404


def test_before_k_responses_the_pdf_says_no_figures_yet(open_round, fred, captured):
    by_name = teams(open_round)
    for _ in range(4):
        submit(open_round, team=by_name["Acute Trust"], value=2)
    reader = pdf_of(signed_in(fred).get(url(open_round)))
    pages_are_a4_and_numbered(reader)
    text = text_of(reader)
    assert "No figures yet" in text
    assert "Fewer than 5 responses have been submitted to this round" in text
    assert "fewer than 5 so far" in text  # on the cover
    bands_removed = text.replace("3.00", "").replace("4.00", "")  # where the bands begin
    assert not re.search(r"\b\d\.\d\d\b", bands_removed)
    for absent in ("Teams and stakeholder groups", "What to work on first", "data:image/svg"):
        assert absent not in text and absent not in captured[0]
    assert "How the figures are worked out" in text and "NHS Professionals" in text


@pytest.mark.parametrize(
    "team_count,responses", [(1, 10), pytest.param(20, 5_000, marks=pytest.mark.slow)]
)
def test_the_report_query_count_is_pinned(
    team_count, responses, open_round, fred, django_assert_num_queries
):
    for i in range(len(teams(open_round)), team_count):
        Team.objects.create(collaboration=open_round.collaboration, name=f"Team {i:02d}")
    synthetic_snapshot(open_round, list(Team.objects.all())[:team_count], responses)
    client = signed_in(fred)
    assert client.get(url(open_round)).status_code == 200  # builds and keeps the charts
    # 1 session, 2 user, 3 membership (+collaboration), 4 round (+edition, framework, source);
    # group_results_page: 5 snapshot, 6 characteristics, 7 indicators (+tips), 8 preference,
    # 9 teams, 10 offered groups; collaboration_plan: 11 the round's value modes, 12 weights,
    # 13 suggestions, 14 their considerations, 15 key steps, 16 examples; 17 credited sources;
    # collaboration_trends: 18 the rounds (+editions, snapshots), 19 their characteristics,
    # 20 indicators, 21 preference, 22 teams, 23 offered groups, 24 the rounds' workshops;
    # 25 the action plan; 26 the round's workshop (none here: no agreements read).
    with django_assert_num_queries(26):
        assert client.get(url(open_round)).status_code == 200


# --- A partner's report ---------------------------------------------------------------------------

VALUES = {1: "2", 2: "5", 3: "1", 4: "3", 5: "4", 6: "1", 7: "5", 8: "3"}


def test_a_partner_downloads_their_own_results_as_on_the_page(
    anon_client, team_link, content, captured
):
    response = complete(anon_client, team_link.token, content, values=VALUES)
    page = anon_client.get(reverse("respond_results"))
    assert reverse("respond_results_pdf") in page.content.decode()
    pdf = anon_client.get(reverse("respond_results_pdf"))
    assert pdf["Content-Disposition"].startswith("attachment; filename=")
    assert pdf["Content-Disposition"].endswith('-your-results.pdf"')
    reader = pdf_of(pdf)
    pages_are_a4_and_numbered(reader)
    text = text_of(reader)
    results = personal_results(response)
    for heading in ("Your results", "Your scores by characteristic", "Your priorities"):
        assert heading in text
    assert "Your strengths" in text and "How your scores are worked out" in text
    for row in results.rows:
        shown = f"{row.characteristic.number}. {row.characteristic.name}"
        score = str(scoring.shown(row.result.mean))
        assert re.search(rf"{re.escape(shown)} {score} {row.band_label}", text), shown
    assert f"Your overall score is {scoring.shown(results.overall)} out of 5" in text
    for row in results.priorities:
        assert row.suggestions
        for suggestion in row.suggestions:
            assert " ".join(suggestion.text.split()[:6]) in text
    credits_are_given(text)
    (html,) = captured
    assert svg_points(html, "radar")["Your scores"] == results.chart_data()["values"]
    for characteristic in results.rows:
        for line in svg.wrap(characteristic.characteristic.short_name, svg.LABEL_WIDTH):
            assert line in text


def test_only_the_browser_that_submitted_gets_the_personal_pdf(anon_client, team_link, content):
    complete(anon_client, team_link.token, content, values=VALUES)
    stranger = Client()
    for client, expected in ((stranger, 404), (anon_client, 200)):
        assert client.get(reverse("respond_results")).status_code == expected
        assert client.get(reverse("respond_results_pdf")).status_code == expected
    # A draft not yet submitted: sent to check its answers, as the results page does.
    drafting = Client()
    start(drafting, team_link.token)
    for name in ("respond_results", "respond_results_pdf"):
        response = drafting.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("respond_review")
    assert anon_client.post(reverse("respond_results_pdf")).status_code == 405


# --- Rendering without the network ----------------------------------------------------------------

ORIGIN = ("http", "testserver")


def test_the_fetcher_serves_static_files_of_the_report_origin_only():
    assert (
        reports.static_name("http://testserver/static/css/report.css", ORIGIN) == "css/report.css"
    )
    for refused in (
        "https://testserver/static/css/report.css",  # another origin
        "http://evil.example/static/css/report.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "http://testserver/etc/passwd",
        "http://testserver/static/../collabassess/settings.py",
        "http://testserver/static/css/../../collabassess/settings.py",
        "http://testserver/static/%2e%2e/collabassess/settings.py",
        "http://testserver/static//etc/passwd",
        "http://testserver/static/css/report.css?x=1",
    ):
        assert reports.static_name(refused, ORIGIN) is None, refused
    fetcher = reports.StaticFilesFetcher("http://testserver/")
    served = fetcher.fetch("http://testserver/static/css/report.css")
    assert b"@page" in served.read() and served.content_type == "text/css"
    for refused in ("http://example.org/logo.png", "http://testserver/static/no-such-file.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def test_rendering_never_opens_a_connection(monkeypatch):
    opened = []

    def refuse(*args, **kwargs):
        opened.append(args)
        raise OSError("no network in reports")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = (
        '<link rel="stylesheet" href="/static/css/report.css">'
        '<link rel="stylesheet" href="http://example.org/evil.css">'
        '<img src="http://example.org/track.png" alt=""><img src="file:///etc/hostname" alt="">'
        "<h1>Report</h1>"
    )
    reader = PdfReader(io.BytesIO(reports.render_pdf(html, "http://testserver/")))
    assert opened == []
    # The app's stylesheet was read (A4, numbered pages), nothing else.
    pages_are_a4_and_numbered(reader)


def test_no_chart_or_table_is_split_across_pages():
    """Tables and charts after text of every length: each lands whole on one page, a chart
    with its caption."""
    blocks = []
    for i in range(12):
        blocks.append("<p>Filler text to push the next block down the page.</p>" * (3 + 5 * i % 17))
        rows = "".join(f"<tr><th>T{i}-row{j}</th><td>{j}</td></tr>" for j in range(14))
        blocks.append(f'<table class="figures"><caption>Table T{i}</caption>{rows}</table>')
        chart = svg.radar_svg(
            [f"Axis {n}" for n in range(8)],
            [(f"Series S{i:02d}", [3.0] * 8)],
            bands={"developing": 3.0, "strength": 4.0},
        )
        blocks.append(
            f'<figure class="chart">{chart}<figcaption>Caption C{i:02d}</figcaption></figure>'
        )
    html = '<link rel="stylesheet" href="/static/css/report.css">' + "".join(blocks)
    reader = PdfReader(io.BytesIO(reports.render_pdf(html, "http://testserver/")))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) > 12

    def pages_with(*needles):
        return {n for n, text in enumerate(texts) for needle in needles if needle in text}

    for i in range(12):
        assert len(pages_with(*(f"T{i}-row{j} " for j in range(14)))) == 1, f"table {i}"
        assert len(pages_with(f"Series S{i:02d}", f"Caption C{i:02d}")) == 1, f"chart {i}"


def test_the_report_carries_the_trends_and_the_action_plan(
    collaboration, content, edition1, fred, captured
):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.models import Round
    from assessments.selectors.trends import collaboration_trends
    from assessments.services.actions import action_create

    today = timezone.localdate()
    rounds = [
        Round.objects.create(
            collaboration=collaboration,
            framework_version=version,
            title=title,
            opens_on=today - timedelta(days=ago),
            closes_on=today + timedelta(days=30),
            status=Round.Status.OPEN,
        )
        for title, version, ago in (
            ("Spring round", edition1, 300),
            ("Autumn round", content, 100),
            ("Next year", content, 5),  # after the reported round: not in its trends
        )
    ]
    team = Team.objects.filter(collaboration=collaboration).first()
    for round, value in zip(rounds[:2], (2, 4), strict=True):
        for _ in range(5):
            submit(round, team=team, group="clinician", value=value)
    for _ in range(5):
        submit(rounds[2], team=team, group="clinician", value=5)
    action_create(
        collaboration=collaboration,
        user=fred,
        round=rounds[0],
        data={
            "title": "Write a shared risk log",
            "characteristic_number": 7,
            "owner": "Board secretary",
            "due_on": today - timedelta(days=2),
            "status": "doing",
        },
    )
    text = text_of(pdf_of(signed_in(fred).get(url(rounds[1]))))
    assert "Round after round" in text
    trends = collaboration_trends(collaboration, fred, up_to=rounds[1])
    assert [r.title for r in trends.rounds] == ["Spring round", "Autumn round"]
    html = captured[-1]
    table = re.search(r'class="figures trend-table".*?</table>', html, re.S).group(0)
    cells = re.findall(r'<td class="num">(.*?)</td>', table)
    assert cells == ["2.00", "4.00"] * 8  # every characteristic, both rounds, on the same line
    assert "5.00" not in table and "Next year" not in table
    assert "Edition 1 to edition 2, from Autumn round" in text
    assert "chart chart-lines" in charts_in(html[html.index("trends-heading") :])
    plan = text[text.index("Action plan") :]
    assert "Write a shared risk log" in plan and "Board secretary" in plan
    assert "Doing Overdue" in plan
    assert "1 action is overdue" in plan
