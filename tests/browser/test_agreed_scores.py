"""The scores a consensus workshop agreed, on the overview and the trends page in real Chromium:
axe-core WCAG 2.x A/AA, no CSP violation, nothing sideways-scrolling at 375 px, and the
agreed trace plotly drew carries the numbers of the table beside it.

The data: the group results tests' rounds (``results_round``: an open round and a closed
"Spring round"), each with a workshop; the open round's agreed 3 on characteristic 1, could not
agree on 2 and agreed 5 on 4; the Spring round's agreed 2 on characteristic 1.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Agreement, Round, Workshop
from tests.browser import test_group_results
from tests.browser.test_group_results import (
    Audit,
    drawn_traces,
    results_url,
    sign_in,
    wait_for_chart,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
results_round = test_group_results.results_round  # the fixture


def _agree(round, held_on, participants, scores):
    held = Workshop.objects.create(round=round, held_on=held_on, participants=participants)
    for number, score in scores.items():
        Agreement.objects.create(
            workshop=held,
            characteristic_number=number,
            score=score,
            reasoning="What the room said, in a few lines.",
            dissent="A minority view." if score is None else "",
        )


def test_agreed_scores_pass_axe_and_draw_the_tables_numbers(
    csp, axe_source, live_server, results_round, fred
):
    spring = Round.objects.get(collaboration=results_round.collaboration, title="Spring round")
    _agree(results_round, date(2026, 12, 3), 12, {1: 3, 2: None, 4: 5})
    _agree(spring, date(2026, 9, 1), 9, {1: 2})
    page = csp.page
    sign_in(page, live_server)
    overview = results_url(live_server, results_round, "results_overview")
    trends = live_server.url + reverse("facilitate_trends", args=[results_round.collaboration_id])
    audit = Audit(page, axe_source, csp)
    audit.check("overview with agreed scores", overview, charts=("radar",))
    audit.check("trends with agreed scores", trends, charts=("trend-collaboration",))
    audit.assert_clean()

    page.goto(overview)
    wait_for_chart(page, "radar")
    agreed = next(t for t in drawn_traces(page, "radar") if t["meta"] == "agreed")
    cells = page.locator(".results-table td.agreed-cell").all_inner_texts()
    assert [c.strip() for c in cells] == ["3", "could not agree", "", "5", "", "", "", ""]
    assert agreed["r"][:-1] == [3, None, None, 5, None, None, None, None]
    expect(page.locator(".chart-legend")).to_contain_text("Agreed in a workshop")
    expect(page.locator("#radar-table-caption")).to_contain_text(
        "Agreed in a workshop on 3 December 2026 by 12 people"
    )

    page.goto(trends)
    wait_for_chart(page, "trend-collaboration")
    line = next(t for t in drawn_traces(page, "trend-collaboration") if t["meta"] == "agreed:1")
    row = page.locator('tr[data-series="agreed:1"] td').all_inner_texts()
    assert line["y"] == [2, 3]
    assert [cell.split()[0] for cell in row] == ["2", "3"]
    assert "1 Sep 2026, 9 people" in row[0] and "3 Dec 2026, 12 people" in row[1]
