"""The public framework page on a phone: characteristics fold (open without JavaScript), the
one linked to opens, and the page passes axe at 375 and 1280 px with no CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import AXE_TAGS, TIMEOUT_MS, axe_violations, describe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPEN = "() => [...document.querySelectorAll('details.characteristic')].filter(d => d.open).map(d => d.id)"


def test_characteristics_fold_on_a_phone_and_the_linked_one_opens(
    live_server, content, axe_source, csp
):
    page: Page = csp.page
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/framework/")
    assert page.evaluate(OPEN) == []
    folded = page.evaluate("() => document.documentElement.scrollHeight")
    assert folded < 740 * 20, folded  # about 30 screens before
    page.get_by_role("button", name="Open all").click()
    assert len(page.evaluate(OPEN)) == 8
    assert page.evaluate("() => document.documentElement.scrollHeight") > folded * 1.5
    page.get_by_role("button", name="Close all").click()
    assert page.evaluate(OPEN) == []
    page.goto(f"{live_server.url}/framework/#characteristic-3")
    assert page.evaluate(OPEN) == ["characteristic-3"]
    # A summary opens by keyboard.
    page.locator("#characteristic-5 summary").focus()
    page.keyboard.press("Enter")
    assert "characteristic-5" in page.evaluate(OPEN)
    page.mouse.move(0, 0)  # not hovering a button mid-transition when axe reads colours
    page.wait_for_timeout(300)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        violations = axe_violations(page, axe_source, tags=AXE_TAGS)
        assert not violations, describe_violations(violations)
    assert csp.collect("framework") == []


def test_without_javascript_every_characteristic_is_open(browser: Browser, live_server, content):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/framework/")
        expect(page.locator("details.characteristic[open]")).to_have_count(8)
        expect(page.get_by_role("button", name="Open all")).to_be_hidden()
    finally:
        context.close()
