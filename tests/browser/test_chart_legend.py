"""The overview's radar with five teams switched on, in real Chromium at 375 and 1280 px.

- The chart has a key that names every team on it, each with the colour, dash and marker its
  line is drawn in (so it holds in greyscale and for colour-blind readers), and no two of the
  five alike in dash or marker.
- The figures table beside the chart fits a 1280 px screen with five teams (a row per team, not
  a column: nothing cut off), and carries the numbers of the chart's JSON, team by team.
- At both widths: axe WCAG 2.x A/AA clean, and the page never scrolls sideways.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.models import OfferedGroup, Round, Team
from assessments.services.facilitate import round_close
from assessments.services.snapshots import results_rebuild
from tests.assessments.results_data import submit
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.test_group_results import (
    SCROLL_PROBLEMS,
    json_figure,
    number_in,
    pages_of,
    sign_in,
    wait_for_chart,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXTRA_TEAMS = ["Primary Care", "Voluntary Sector"]
PER_TEAM = 5  # k: every team's figures are shown


@pytest.fixture
def five_teams_round(open_round, collaboration):
    """Five teams of five staff each; team i scores characteristic n with 1 + (i + n) % 5, so
    that the five lines differ everywhere."""
    OfferedGroup.objects.create(collaboration=collaboration, group="partner_staff")
    for name in EXTRA_TEAMS:
        Team.objects.create(collaboration=collaboration, name=name)
    teams = list(Team.objects.filter(collaboration=collaboration).order_by("name"))
    assert len(teams) == 5
    # A closed round before it, so that the table has its widest columns ("Previous round").
    today = timezone.localdate()
    earlier = Round.objects.create(
        collaboration=collaboration,
        framework_version=open_round.framework_version,
        title="Spring round",
        opens_on=today - timedelta(days=90),
        closes_on=today + timedelta(days=1),  # open while it is answered, then dated back
        status=Round.Status.OPEN,
    )
    for round in (earlier, open_round):
        for index, team in enumerate(teams):
            for _ in range(PER_TEAM):
                submit(
                    round,
                    team=team,
                    group="partner_staff",
                    value=lambda i, index=index: 1 + (index + i.characteristic.number) % 5,
                )
    Round.objects.filter(pk=earlier.pk).update(closes_on=today - timedelta(days=60))
    round_close(round=earlier)
    results_rebuild(round=earlier)
    return open_round


SWATCHES = """() => [...document.querySelectorAll('.chart-legend li')]
    .filter(li => li.getClientRects().length)
    .map(li => {
        const line = li.querySelector('svg line');
        const marker = li.querySelector('svg polygon, svg circle');
        return {
            key: li.getAttribute('data-series'),
            name: li.textContent.trim(),
            colour: line.getAttribute('stroke'),
            dash: line.getAttribute('stroke-dasharray') || '',
            marker: marker ? marker.tagName + ' ' + (marker.getAttribute('points') || '') : null,
            markerColour: marker ? marker.getAttribute('fill') : null,
        };
    })"""

DRAWN = """() => document.getElementById('radar')._fullData
    .filter(t => String(t.meta || '').startsWith('team:'))
    .map(t => ({key: t.meta, name: t.name, visible: t.visible, colour: t.line.color,
                dash: t.line.dash, symbol: t.marker.symbol, r: t.r}))"""


def test_five_teams_have_a_key_and_a_table_that_fits(
    page: Page, live_server, five_teams_round, fred, axe_source
):
    sign_in(page, live_server)
    teams = list(Team.objects.filter(collaboration=five_teams_round.collaboration))
    url = pages_of(live_server, five_teams_round)["overview"]
    url += "?" + "&".join(f"show=team:{team.pk}" for team in teams)
    problems = []
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        wait_for_chart(page, "radar")
        where = f"at {width} px"

        # The key names each team on the chart, in the style plotly drew its line.
        legend = page.locator(".chart-legend")
        expect(legend).to_be_visible()
        swatches = {s["key"]: s for s in page.evaluate(SWATCHES) if s["key"]}
        drawn = page.evaluate(DRAWN)
        assert len(drawn) == 5 and all(t["visible"] is True for t in drawn), drawn
        assert {s["name"] for s in swatches.values()} == {team.name for team in teams}, where
        for trace in drawn:
            swatch = swatches[trace["key"]]
            assert swatch["name"] == trace["name"], where
            assert swatch["colour"] == swatch["markerColour"] == trace["colour"], (where, trace)
            assert swatch["dash"] == trace["dash"].replace("px", "").replace(",", " ").replace(
                "solid", ""
            ), (where, trace)
            assert swatch["marker"].startswith("polygon"), (where, swatch)
        # Five teams, five dashes and five markers: apart without colour.
        assert len({s["dash"] for s in swatches.values()}) == 5, swatches
        assert len({s["marker"] for s in swatches.values()}) == 5, swatches
        assert len({t["symbol"] for t in drawn}) == 5, drawn
        assert {"Collaboration", "Developing from 3", "Strength from 4"} <= {
            s["name"] for s in page.evaluate(SWATCHES)
        }

        # The teams' table: a row per team with the chart's numbers.
        table = page.locator("table.teams-table")
        expect(table).to_be_visible()
        figure = json_figure(page, "radar-figure")
        served = {
            t["meta"]: t for t in figure["data"] if str(t.get("meta", "")).startswith("team:")
        }
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(5)
        for index in range(5):
            row = rows.nth(index)
            key = row.get_attribute("data-series")
            assert row.locator("th").inner_text().strip() == served[key]["name"]
            cells = row.locator("td")
            expect(cells).to_have_count(8)
            numbers = [number_in(cells.nth(c).locator(".band").inner_text()) for c in range(8)]
            assert numbers == served[key]["r"][:-1], (key, numbers, served[key]["r"])
            assert served[key]["r"][:-1] == next(t for t in drawn if t["key"] == key)["r"][:-1]

        if width == 1280:
            # Nothing cut off: both tables fit their regions on a desktop screen, with the
            # previous round's column too.
            expect(page.get_by_role("columnheader", name="Previous round")).to_be_visible()
            fits = page.evaluate(
                """() => [...document.querySelectorAll('.chart-block .table-responsive')]
                    .map(r => [r.getAttribute('aria-labelledby'), r.scrollWidth, r.clientWidth])"""
            )
            assert len(fits) == 2, fits
            for name, scroll, client in fits:
                assert scroll <= client, f"{name}: {scroll} > {client} at 1280 px"
        problems += [f"{where}: {p}" for p in page.evaluate(SCROLL_PROBLEMS)]
        violations = axe_violations(page, axe_source)
        if violations:
            problems.append(f"axe {where}:\n{describe_violations(violations)}")
    assert not problems, "\n".join(problems)
