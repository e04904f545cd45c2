"""The results page: plotly draws the radar chart from json_script#radar-data, and the table beside
it shows the same figures."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_ENOUGH = 6  # every item of characteristic 6 is "don't know": no score


def chart_value(number: int, position: int) -> str:
    if number == NOT_ENOUGH:
        return "dk"
    return str((number + 2 * position) % 5 + 1)


def expected_scores(content) -> list[float | None]:
    """Each characteristic's score (1–5, two decimals), computed here from the answers given."""
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
            exact = Decimal(sum(values)) / len(values)
            percents.append(float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)))
    return percents


def show_the_chart(page: Page) -> None:
    """On a phone the chart and its table start folded (details#all-scores): open the fold."""
    fold = page.locator("#all-scores")
    if not fold.evaluate("d => d.open"):
        fold.locator("summary").click()


def test_radar_chart_and_table_show_the_same_scores(page: Page, invitation_url, team_link, content):
    complete(page, invitation_url, value=chart_value)

    data = json.loads(page.locator("#radar-data").text_content())
    short_names = list(
        content.characteristics.order_by("number").values_list("short_name", flat=True)
    )
    assert data["labels"] == short_names
    assert data["values"] == expected_scores(content)
    assert data["values"][NOT_ENOUGH - 1] is None
    assert len({v for v in data["values"] if v is not None}) >= 3, "make the scores differ"

    # Plotly drew an SVG with one angular tick label per characteristic.
    svg = page.locator("#radar svg.main-svg").first
    expect(svg).to_be_visible()
    ticks = page.locator("#radar .angularaxistick text")
    expect(ticks).to_have_count(8)
    # Long names are wrapped over lines (tspans), so compare the words.
    assert [
        " ".join(t.split())
        for t in ticks.evaluate_all(
            "els => els.map(e => [...e.querySelectorAll('tspan')].map(t => t.textContent).join(' ')"
            " || e.textContent)"
        )
    ] == short_names

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

    # The table: eight rows whose "Score (1–5)" figures are the JSON's.
    header = page.locator("table.results-table thead th").all_text_contents()
    column = header.index("Score (1–5)")
    rows = page.locator("table.results-table tbody tr")
    expect(rows).to_have_count(8)
    for index, value in enumerate(data["values"]):
        cells = rows.nth(index).locator("th, td").all_text_contents()
        assert cells[0].startswith(f"{index + 1}. "), cells
        shown = cells[column].strip()
        if value is None:
            assert shown == "–", cells
        else:
            assert float(shown) == value, (cells, value)


LABELS_OUTSIDE = """() => {
  const chart = document.getElementById('radar').getBoundingClientRect();
  const labels = [...document.querySelectorAll('#radar .angularaxistick text')];
  return {
    count: labels.length,
    outside: labels
      .map(l => ({text: l.textContent, box: l.getBoundingClientRect()}))
      .filter(({box}) => box.left < chart.left - 0.5 || box.right > chart.right + 0.5
                      || box.top < chart.top - 0.5 || box.bottom > chart.bottom + 0.5)
      .map(({text, box}) => `${text}: ${Math.round(box.left)}..${Math.round(box.right)}`
                            + ` in ${Math.round(chart.left)}..${Math.round(chart.right)}`),
  };
}"""


def test_every_axis_label_is_whole_on_a_phone_and_the_rings_are_labelled(
    page: Page, invitation_url, team_link, content
):
    complete(page, invitation_url, value=chart_value)
    for width in (320, 375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        show_the_chart(page)
        expect(page.locator("#radar svg.main-svg").first).to_be_visible()
        measured = page.evaluate(LABELS_OUTSIDE)
        assert measured["count"] == 8, (width, measured)
        assert measured["outside"] == [], (width, measured["outside"])
        rings = page.evaluate(
            "() => [...document.querySelectorAll('#radar text')].map(t => t.textContent)"
        )
        assert "3 developing" in rings and "4 strength" in rings, rings


def test_printing_from_a_phone_redraws_the_chart_for_the_page(
    page: Page, invitation_url, team_link, content
):
    complete(page, invitation_url, value=chart_value)
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    show_the_chart(page)
    expect(page.locator("#radar svg.main-svg").first).to_be_visible()
    on_screen = page.evaluate(
        "() => document.querySelector('#radar svg.main-svg').getBoundingClientRect().width"
    )
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(300)
    printed = page.evaluate(
        "() => [document.getElementById('radar').getBoundingClientRect().width,"
        " document.querySelector('#radar svg.main-svg').getBoundingClientRect().width]"
    )
    # The chart holder takes the print size (150 mm, wider than the phone's screen) and plotly
    # redrew its SVG to fill it.
    assert printed[0] > on_screen + 100, (on_screen, printed)
    assert abs(printed[1] - printed[0]) <= 2, (on_screen, printed)
    measured = page.evaluate(LABELS_OUTSIDE)
    assert measured["outside"] == [], measured
