"""The results page: plotly draws the radar chart from json_script#radar-data, and the table beside
it shows the same figures."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_ENOUGH = 6  # every item of characteristic 6 is "don't know": no score


def chart_value(number: int, position: int) -> str:
    if number == NOT_ENOUGH:
        return "dk"
    return str((number + 2 * position) % 5 + 1)


def expected_percents(content) -> list[float | None]:
    """Each characteristic's score out of 100, computed here from the answers given."""
    percents = []
    for characteristic in content.characteristics.order_by("number"):
        count = characteristic.indicators.count()
        values = [
            int(chart_value(characteristic.number, p))
            for p in range(count)
            if chart_value(characteristic.number, p) != "dk"
        ]
        if len(values) * 2 < count:
            percents.append(None)
        else:
            percents.append(round((sum(values) / len(values) - 1) / 4 * 100, 1))
    return percents


def test_radar_chart_and_table_show_the_same_scores(page: Page, invitation_url, team_link, content):
    complete(page, invitation_url, value=chart_value)

    data = json.loads(page.locator("#radar-data").text_content())
    short_names = list(
        content.characteristics.order_by("number").values_list("short_name", flat=True)
    )
    assert data["labels"] == short_names
    assert data["values"] == expected_percents(content)
    assert data["values"][NOT_ENOUGH - 1] is None
    assert len({v for v in data["values"] if v is not None}) >= 3, "make the scores differ"

    # Plotly drew an SVG with one angular tick label per characteristic.
    svg = page.locator("#radar svg.main-svg").first
    expect(svg).to_be_visible()
    ticks = page.locator("#radar .angularaxistick text")
    expect(ticks).to_have_count(8)
    assert ticks.all_text_contents() == short_names

    # The drawn score trace has the JSON's values (closed: the first point repeats at the end).
    traces = page.evaluate(
        "() => document.getElementById('radar').data"
        ".map(t => ({type: t.type, name: t.name, r: t.r, theta: t.theta}))"
    )
    scores = [t for t in traces if t["name"].startswith("Your score")]
    assert len(scores) == 1, traces
    assert scores[0]["type"] == "scatterpolar"
    assert scores[0]["r"] == data["values"] + data["values"][:1]
    assert scores[0]["theta"] == short_names + short_names[:1]
    # The drawn trace has a marker for every point with a score (the closing one included).
    points = page.locator("#radar .scatterlayer .trace .points path")
    expect(points).to_have_count(sum(v is not None for v in scores[0]["r"]))

    # The table: eight rows whose "Out of 100" figures are the JSON's (rounded to whole numbers).
    header = page.locator("table.results-table thead th").all_text_contents()
    column = header.index("Out of 100")
    rows = page.locator("table.results-table tbody tr")
    expect(rows).to_have_count(8)
    for index, value in enumerate(data["values"]):
        cells = rows.nth(index).locator("th, td").all_text_contents()
        assert cells[0].startswith(f"{index + 1}. "), cells
        shown = cells[column].strip()
        if value is None:
            assert shown == "–", cells
        else:
            assert abs(float(shown) - value) <= 0.5, (cells, value)
