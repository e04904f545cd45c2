"""A partner's results page on a phone: a short summary first, the rest folded by characteristic.

With every fold closed the page is at most four screens of a small phone (375 × 667 px: the
bound is ``4 * 667`` px of document height, site header, resume link and footer included);
everything else is one fold away (native <details>, so it opens by keyboard and without
JavaScript), and axe finds no WCAG 2.x A/AA violation with the folds closed or open, at 375 and
1280 px."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from assessments.selectors.partner import personal_results
from tests.assessments.helpers import complete
from tests.browser.conftest import TIMEOUT_MS, axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_SCREEN = 667  # px: the height of a small phone's screen (iPhone SE, 375 × 667)
MOST_SCREENS = 4
# Five priorities and three strengths: every characteristic has a fold, the summary is full.
VALUES = {1: "1", 2: "5", 3: "2", 4: "1", 5: "4", 6: "1", 7: "5", 8: "2"}
PHONE = {"viewport": {"width": 375, "height": PHONE_SCREEN}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def submitted(team_link, content):
    """A partner's submitted response (through the journey, with the test client)."""
    return complete(Client(), team_link.token, content, values=VALUES)


def open_results(browser: Browser, live_server, response, **options) -> Page:
    """The partner's results page, reached by their private link."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server.url + reverse("respond_resume", args=[response.resume_token]))
    page.wait_for_url("**/respond/results/")
    return page


def height(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def folds(page: Page):
    return page.locator("details.result-fold")


def assert_no_violations(page: Page, axe_source: str, label: str) -> None:
    violations = axe_violations(page, axe_source)
    assert not violations, f"{label}:\n{describe_violations(violations)}"


@pytest.mark.parametrize("options", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_summary_leads_and_every_fold_opens(
    browser: Browser, live_server, axe_source, submitted, options
):
    results = personal_results(submitted)
    page = open_results(browser, live_server, submitted, **options)
    try:
        page.wait_for_function("() => document.querySelector('#radar svg.main-svg')")
        wide = options is DESKTOP
        # On a wide screen the chart and its table show at once; on a phone they are a fold away.
        assert page.locator("#all-scores").evaluate("d => d.open") is wide
        # The summary comes first, right under the heading: three things to work on, one strength.
        first = page.locator("main h2").first
        expect(first).to_have_text("In short")
        summary = page.locator("#summary")
        expect(summary.locator("ol li")).to_have_count(3)
        expect(summary).to_contain_text("What is going best")
        # Every characteristic the partner should act on or keep has its fold; all closed.
        expected = len(results.priorities) + len(results.strengths)
        assert expected == 8
        expect(page.locator("details.characteristic")).to_have_count(expected)
        closed = folds(page).evaluate_all("ds => ds.filter(d => !d.open).map(d => d.id)")
        assert len(closed) == folds(page).count() - wide, closed
        if not wide:
            assert height(page) <= MOST_SCREENS * PHONE_SCREEN, height(page)
        assert_no_violations(page, axe_source, "folds closed")
        # A summary link opens its fold and brings it into view.
        page.locator("#summary a").first.click()
        target = results.priorities[0].characteristic.number
        expect(page.locator(f"#priority-{target}")).to_have_attribute("open", "")
        # The rest by keyboard: Tab to each fold's summary line, Enter opens it.
        for index in range(folds(page).count()):
            fold = folds(page).nth(index)
            if fold.evaluate("d => d.open"):
                continue
            fold.locator("summary").focus()
            page.keyboard.press("Enter")
            expect(fold).to_have_attribute("open", "")
        # Open, every word is there: each suggestion, each low statement's plain words and tip,
        # and the table with the chart's figures.
        for row in [*results.priorities, *results.strengths]:
            for suggestion in row.suggestions:
                expect(page.get_by_text(suggestion.text, exact=False).first).to_be_visible()
            for indicator in row.low:
                words = indicator.plain_english or indicator.text
                expect(page.get_by_text(words, exact=False).first).to_be_visible()
                if indicator in row.tips:
                    expect(page.get_by_text(indicator.tip.text).first).to_be_visible()
        expect(page.locator("table.results-table tbody tr")).to_have_count(8)
        expect(page.locator("table.results-table")).to_be_visible()
        # The chart, drawn while its fold was closed, fills the room it has once open.
        chart = page.locator("#radar svg.main-svg").first
        expect(chart).to_be_visible()
        room = page.locator("#radar").evaluate("e => e.getBoundingClientRect().width")
        drawn = chart.evaluate("e => e.getBoundingClientRect().width")
        assert abs(drawn - room) <= 2 and room > 250, (drawn, room)
        assert_no_violations(page, axe_source, "folds open")
    finally:
        page.context.close()


def test_without_javascript_the_folds_open_and_the_summary_links_reach_them(
    browser: Browser, live_server, submitted
):
    results = personal_results(submitted)
    page = open_results(browser, live_server, submitted, java_script_enabled=False, **PHONE)
    try:
        assert page.locator("#radar").inner_html() == ""  # scripts are really off
        assert height(page) <= MOST_SCREENS * PHONE_SCREEN, height(page)
        # A link of the summary: the browser opens the fold it points to.
        strength = results.strengths[0].characteristic.number
        page.locator(f"#summary a[href='#strength-{strength}-more']").click()
        expect(page.locator(f"#strength-{strength}")).to_have_attribute("open", "")
        # Any fold opens with a tap on its summary line; the table too.
        page.locator("#all-scores summary").click()
        expect(page.locator("table.results-table tbody tr")).to_have_count(8)
        expect(page.locator("table.results-table")).to_be_visible()
    finally:
        page.context.close()
