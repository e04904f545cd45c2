"""The consensus workshop in real Chromium, against the live server.

The data is ``results_round`` (tests/browser/test_group_results.py): the open round with 15
responses counted (k = 5), five of each team; its workshop is open with team names hidden.

What is checked:

1. the workshop's page and the projector view at 375 and 1280 px, and the projector at
   1920×1080: axe-core WCAG 2.x A/AA, no CSP violation or script error, nothing sideways-
   scrolling at 375 px outside keyboard-focusable ``.table-responsive`` regions;
2. ArrowRight/ArrowLeft (and PageDown/PageUp, which clickers send) move between
   characteristics, and do nothing while focus is in a form field;
3. the record form and the add-action form work by keyboard alone;
4. without JavaScript the previous/next links and both forms work.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from assessments.models import Action, Agreement
from assessments.services.workshops import open_workshop
from tests.browser.conftest import TIMEOUT_MS, axe_violations, describe_violations
from tests.browser.helpers import path_of
from tests.browser.test_group_results import Audit, sign_in
from tests.browser.test_group_results import results_round as results_round_fixture  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workshop(results_round_fixture, fred):  # noqa: F811 (the imported fixture)
    """The round of tests/browser/test_group_results.py with its workshop open."""
    return open_workshop(
        results_round_fixture,
        fred,
        held_on=date(2026, 12, 3),
        participants=12,
        hide_team_names=True,
    )


def workshop_url(live_server, round, name: str, *args) -> str:
    return live_server.url + reverse(name, args=[round.collaboration_id, round.pk, *args])


def next_href(page: Page, rel: str) -> str:
    return page.locator(f'.projector-nav a[rel="{rel}"]').get_attribute("href")


# --- 1. axe, CSP and layout ---------------------------------------------------------------------


def test_the_workshop_pages_pass_axe_csp_and_phone_layout(
    csp, axe_source, live_server, workshop, fred
):
    results_round = workshop.round
    page = csp.page
    sign_in(page, live_server)
    audit = Audit(page, axe_source, csp)
    audit.check("workshop", workshop_url(live_server, results_round, "facilitate_workshop"))
    for number in (1, 5):
        audit.check(
            f"projector {number}",
            workshop_url(live_server, results_round, "workshop_characteristic", number),
        )
    # A shared screen at full HD, after an agreement so the history shows.
    Agreement.objects.create(
        workshop=workshop, characteristic_number=5, score=None, reasoning="Split.", dissent="Some"
    )
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(workshop_url(live_server, results_round, "workshop_characteristic", 5))
    violations = axe_violations(page, axe_source)
    assert not violations, describe_violations(violations)
    assert not csp.collect("projector at 1920")
    audit.assert_clean()
    # The projector's title fits the 1280×720 screen's first view.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(workshop_url(live_server, results_round, "workshop_characteristic", 1))
    box = page.locator(".projector-title").bounding_box()
    assert box and box["y"] + box["height"] < 720


# --- 2. Keys that move between characteristics ------------------------------------------------


def test_arrow_and_clicker_keys_move_between_characteristics(
    page: Page, live_server, workshop, fred
):
    results_round = workshop.round
    sign_in(page, live_server)
    page.goto(workshop_url(live_server, results_round, "facilitate_workshop"))
    page.get_by_role("link", name="Start the projector view").click()
    # The keys are heard once static/js/workshop.js has run: wait for the projector page to
    # have loaded whole (a key pressed before that moves nothing).
    page.wait_for_url("**/workshop/c/*/", wait_until="load")
    first = path_of(page)
    target = next_href(page, "next")
    page.locator("body").press("ArrowRight")
    page.wait_for_url(f"**{target}")
    expect(page.locator(".projector-position")).to_have_text("2 of 8")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"**{first}")
    page.keyboard.press("PageDown")
    page.wait_for_url(f"**{target}")
    page.keyboard.press("PageUp")
    page.wait_for_url(f"**{first}")
    # Typing in a field never moves on.
    reasoning = page.get_by_label("Why the room agreed this")
    reasoning.focus()
    page.keyboard.type("abc")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert path_of(page) == first


# --- 3. The forms by keyboard ---------------------------------------------------------------------


def test_recording_an_agreement_and_adding_an_action_by_keyboard(
    page: Page, live_server, workshop, fred
):
    results_round = workshop.round
    sign_in(page, live_server)
    url = workshop_url(live_server, results_round, "workshop_characteristic", 3)
    page.goto(url)
    page.locator('input[name="outcome"]').first.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # 1 → 4 in the radio group
    expect(page.locator('input[name="outcome"][value="4"]')).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Why the room agreed this")).to_be_focused()
    page.keyboard.type("Shared measures exist but are not used.")
    page.keyboard.press("Tab")
    page.keyboard.type("A minority felt they are not shared at all.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Record what the room agreed")).to_be_focused()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Recorded. Every agreement on it is kept below, newest first.")
    ).to_be_visible()
    agreement = Agreement.objects.get(workshop=workshop, characteristic_number=3)
    assert (agreement.score, agreement.recorded_by) == (4, fred)
    assert agreement.dissent == "A minority felt they are not shared at all."
    expect(page.locator(".agreement-history")).to_contain_text("Recorded by fred")

    page.get_by_label("What will be done").focus()
    page.keyboard.type("Review the shared measures at the board")
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("marked as agreed in the workshop")
    action = Action.objects.get()
    assert (action.workshop_id, action.characteristic_number) == (workshop.pk, 3)


# --- 4. Without JavaScript -----------------------------------------------------------------------


def test_the_projector_works_without_javascript(browser: Browser, live_server, workshop, fred):
    results_round = workshop.round
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, live_server)
        page.goto(workshop_url(live_server, results_round, "workshop_characteristic", 1))
        target = next_href(page, "next")
        page.locator('.projector-nav a[rel="next"]').click()
        page.wait_for_url(f"**{target}")
        number = int(re.search(r"/c/(\d+)/$", target).group(1))
        page.get_by_label("Could not agree").check()
        page.get_by_label("Why the room agreed this").fill("Views split between the trusts.")
        page.get_by_role("button", name="Record what the room agreed").click()
        expect(page.get_by_text("Could not agree").last).to_be_visible()
        agreement = Agreement.objects.get(workshop=workshop, characteristic_number=number)
        assert agreement.score is None
        page.get_by_label("What will be done").fill("Hold a session on the split")
        page.get_by_role("button", name="Add to the plan").click()
        expect(page.locator(".alert-success")).to_contain_text("marked as agreed in the workshop")
        assert Action.objects.filter(workshop=workshop, characteristic_number=number).exists()
        # A bad post shows its message, nothing saved.
        page.get_by_role("button", name="Record what the room agreed").click()
        expect(page.get_by_text("nothing on this page was saved")).to_be_visible()
        assert Agreement.objects.filter(workshop=workshop).count() == 1
    finally:
        context.close()
