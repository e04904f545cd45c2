"""Tables on a phone (320 and 375 px): no cell breaks a word or a number in the middle
("Deve/lopin/g", an SD of "1." over "02"); a table wider than the screen scrolls sideways inside
its own focusable, named region instead of squashing its cells, and the page itself never does.

Checked on every table of the group results pages (the overview with every team on the chart),
trends, tracking and the partner's own results page. A word is measured with a DOM Range: broken
over lines, its client rects sit on more than one line. A word may break after a hyphen between
letters ("well-/being"); a number never breaks.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.models import Team
from tests.browser import test_group_results
from tests.browser.helpers import complete
from tests.browser.test_group_results import (
    SCROLL_PROBLEMS,
    pages_of,
    sign_in,
)

# The round of test_group_results.py (three teams, 20 responses, an earlier round), as a fixture.
results_round = test_group_results.results_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 375)
HEIGHT = 740

BROKEN_WORDS = """() => {
    const problems = [];
    const tables = [...document.querySelectorAll('table')].filter(t => t.getClientRects().length);
    for (const table of tables) {
        const name = table.caption ? table.caption.textContent.trim().slice(0, 50) : table.id;
        const walker = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            // Visually hidden text is clipped to a 1 px box on purpose; hidden text is not drawn.
            if (!parent || parent.closest('.visually-hidden, [hidden]')) { continue; }
            const text = node.textContent;
            for (const match of text.matchAll(/\\S+/g)) {
                // A word may break after a hyphen or slash between letters, nowhere else.
                const pieces = match[0].split(/(?<=\\p{L}[-\\u2010\\/])(?=\\p{L})/u);
                let start = match.index;
                for (const piece of pieces) {
                    const range = document.createRange();
                    range.setStart(node, start);
                    range.setEnd(node, start + piece.length);
                    const lines = new Set([...range.getClientRects()]
                        .filter(r => r.width > 0 && r.height > 0)
                        .map(r => Math.round(r.top)));
                    if (lines.size > 1) {
                        problems.push(`${name}: "${piece}" is broken over ${lines.size} lines`);
                    }
                    start += piece.length;
                }
            }
        }
    }
    return problems;
}"""

TABLES_IN_REGIONS = """() => [...document.querySelectorAll('table')]
    .filter(t => t.getClientRects().length)
    .filter(t => {
        const region = t.closest('.table-responsive');
        return !region || region.getAttribute('tabindex') !== '0'
            || region.getAttribute('role') !== 'region'
            || !document.getElementById(region.getAttribute('aria-labelledby') || '');
    })
    .map(t => (t.caption ? t.caption.textContent.trim() : t.outerHTML.slice(0, 60)))"""


def check_tables(page: Page, label: str, url: str, problems: list[str]) -> int:
    """Measure every table of the page at each phone width; return how many tables were seen."""
    seen = 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(url)
        # Folded tables (the partner's scores on a phone) are measured opened, as read.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        seen = page.locator("table:visible").count()
        where = f"{label} at {width} px"
        problems += [f"{where}: {p}" for p in page.evaluate(BROKEN_WORDS)]
        problems += [
            f"{where}: not in a named, focusable region: {t}"
            for t in page.evaluate(TABLES_IN_REGIONS)
        ]
        problems += [f"{where}: {p}" for p in page.evaluate(SCROLL_PROBLEMS)]
    return seen


def test_no_table_cell_breaks_a_word_or_a_number_on_a_phone(
    page: Page, live_server, results_round, fred, team_link
):
    problems: list[str] = []
    counts: dict[str, int] = {}
    sign_in(page, live_server)
    collaboration = results_round.collaboration
    every_team = "&".join(
        f"show=team:{t.pk}" for t in Team.objects.filter(collaboration=collaboration)
    )
    urls = pages_of(live_server, results_round)
    urls["overview"] += "?" + every_team
    urls["trends"] = live_server.url + reverse("facilitate_trends", args=[collaboration.pk])
    urls["tracking"] = live_server.url + reverse(
        "facilitate_tracking", args=[collaboration.pk, results_round.pk]
    )
    for label, url in urls.items():
        counts[label] = check_tables(page, label, url, problems)

    # The partner's own results, after the whole journey (a fresh context: not signed in).
    partner = page.context.browser.new_context()
    try:
        partner_page = partner.new_page()
        complete(partner_page, f"{live_server.url}/i/{team_link.token}/")
        expect(partner_page.locator("table.results-table")).to_have_count(1)
        counts["partner results"] = check_tables(
            partner_page, "partner results", partner_page.url, problems
        )
    finally:
        partner.close()

    assert not problems, "\n".join(problems)
    # The pages really carry their tables (the check above cannot pass on an empty page).
    assert counts["overview"] >= 5 and counts["heatmap"] == 2, counts
    assert counts.pop("learn from") == 0, counts  # a page of lists: measured all the same
    assert all(count >= 1 for count in counts.values()), counts
