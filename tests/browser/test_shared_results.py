"""Results shared back in real Chromium, against the live server: the partner's link to the
collaboration's results and a board link.

The data is ``results_round`` (tests/browser/test_group_results.py), released, with one more
partner who answered through the views (their browser session is handed to Chromium) and a
board link.

What is checked:

1. the partner's page, the board page and the facilitators' sharing page at 375 and 1280 px:
   axe-core WCAG 2.x A/AA, no CSP violation or script error, nothing sideways-scrolling at
   375 px outside keyboard-focusable regions, the radar drawn;
2. the page refreshes itself when something it shows changes (an agreement recorded in the
   database), and the pause button stops it (WCAG 2.2.1), by keyboard;
3. without JavaScript the figures table is there and "Check for updates" reloads the page;
4. a board link that no longer works is the 404 help, which passes axe too.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from assessments.models import Agreement, Workshop
from assessments.services import sharing as services
from assessments.views.partner import shared_results
from tests.assessments.helpers import complete
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.test_group_results import Audit, sign_in
from tests.browser.test_group_results import results_round as results_round_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTNER_PATH = "/respond/results/collaboration/"


@pytest.fixture
def shared(results_round_fixture, fred, team_link, content):  # noqa: F811 (imported fixture)
    """The round released (teams as letters, comments shared), a board link, and the session
    cookie of a partner who answered."""
    round = results_round_fixture
    client = Client()
    complete(client, team_link.token, content)
    services.release_results(round, fred, share_team_names=False, share_comments=True)
    link = services.create_board_link(
        round, fred, label="ICB board", expires_on=timezone.localdate() + timedelta(days=7)
    )
    return {
        "round": round,
        "link": link,
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


def as_partner(context, live_server, shared) -> None:
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": shared["session"], "url": live_server.url}]
    )


def board_url(live_server, link) -> str:
    return live_server.url + reverse("board", args=[link.token])


# --- 1. axe, CSP and layout -------------------------------------------------------------------


def test_the_shared_pages_pass_axe_csp_and_phone_layout(
    csp, context, axe_source, live_server, shared, fred
):
    page = csp.page
    as_partner(context, live_server, shared)
    audit = Audit(page, axe_source, csp)
    audit.check("partner's link", live_server.url + PARTNER_PATH, charts=("radar",))
    audit.check("board link", board_url(live_server, shared["link"]), charts=("radar",))
    round = shared["round"]
    sign_in(page, live_server)
    audit.check(
        "sharing page",
        live_server.url + reverse("facilitate_sharing", args=[round.collaboration_id, round.pk]),
    )
    audit.assert_clean()
    # The figures table is there beside the chart, and nothing names a respondent.
    page.goto(board_url(live_server, shared["link"]))
    expect(page.locator("table.shared-table tbody tr")).to_have_count(8)
    assert "@" not in page.locator("main").inner_text()


def test_a_board_link_that_stopped_working_is_the_404_help(
    csp, axe_source, live_server, shared, fred
):
    services.revoke_board_link(shared["link"], fred)
    page = csp.page
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        response = page.goto(board_url(live_server, shared["link"]))
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("We can’t find that page")
        expect(page.locator("main")).to_contain_text("Ask whoever sent it to you for a new link")
        violations = axe_violations(page, axe_source)
        assert not violations, describe_violations(violations)
        # The document's own 404 is logged by Chromium as a failed load: that one is expected.
        found = [
            problem
            for problem in csp.collect(f"404 at {width}")
            if "status of 404" not in problem or not problem.endswith(f"({page.url})")
        ]
        assert not found


# --- 2. Self-refresh and its pause -----------------------------------------------------------------


def _mark(page: Page) -> None:
    """A flag that a reload clears."""
    page.evaluate("() => { window.__notReloaded = true; }")


def _reloaded(page: Page) -> bool:
    return page.evaluate("() => window.__notReloaded !== true")


def _agree(round, number: int) -> None:
    workshop, _ = Workshop.objects.get_or_create(
        round=round, defaults={"participants": 9, "held_on": date(2026, 12, 3)}
    )
    Agreement.objects.create(
        workshop=workshop, characteristic_number=number, score=3, reasoning=f"Agreed {number}."
    )


def test_the_page_refreshes_itself_and_the_pause_stops_it(csp, live_server, shared, monkeypatch):
    monkeypatch.setattr(shared_results, "REFRESH_SECONDS", 1)
    page = csp.page
    page.goto(board_url(live_server, shared["link"]))
    toggle = page.get_by_role("button", name="Pause updates")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    _mark(page)
    page.wait_for_timeout(1500)
    assert not _reloaded(page)  # nothing changed: no reload

    _agree(shared["round"], 1)
    page.wait_for_function("() => window.__notReloaded !== true", timeout=8000)
    expect(page.get_by_role("heading", name="What the workshop agreed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Agreed 1.")

    # Paused by keyboard: a change is not loaded, and the live region says why.
    button = page.get_by_role("button", name="Pause updates")
    button.focus()
    page.keyboard.press("Enter")
    resume = page.get_by_role("button", name="Resume updates")
    expect(resume).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-refresh-note]")).to_contain_text("Updates paused")
    _mark(page)
    _agree(shared["round"], 2)
    page.wait_for_timeout(3000)
    assert not _reloaded(page)
    # Resumed: the change arrives.
    resume.focus()
    page.keyboard.press("Space")
    page.wait_for_function("() => window.__notReloaded !== true", timeout=8000)
    expect(page.locator("main")).to_contain_text("Agreed 2.")
    assert not csp.collect("refresh")


def test_the_controls_are_reached_by_keyboard(page: Page, live_server, shared):
    page.goto(board_url(live_server, shared["link"]))
    reached = set()
    for _ in range(30):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("() => document.activeElement.textContent.trim()"))
        if {"Check for updates", "Pause updates"} <= reached:
            break
    assert {"Check for updates", "Pause updates"} <= reached, reached


# --- 3. Without JavaScript ---------------------------------------------------------------------------


def test_the_shared_page_works_without_javascript(browser: Browser, live_server, shared):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        as_partner(context, live_server, shared)
        for url in (live_server.url + PARTNER_PATH, board_url(live_server, shared["link"])):
            page.goto(url)
            expect(page.locator("table.shared-table tbody tr")).to_have_count(8)
            expect(page.get_by_role("button", name="Pause updates")).to_be_hidden()
            _agree(shared["round"], 3)
            page.get_by_role("link", name="Check for updates").click()
            expect(page.locator("main")).to_contain_text("Agreed 3.")
            Agreement.objects.all().delete()
    finally:
        context.close()
