"""No Content-Security-Policy violation on any page, as Chromium enforces the policy the app
sends (no bypass_csp): neither securitypolicyviolation events nor "Refused to …" console errors,
and no JavaScript error either."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_csp_watcher_sees_a_violation(csp, live_server):
    """The watcher itself: its init script runs under the strict policy and reports what the
    policy blocks (otherwise the test below could pass by seeing nothing)."""
    page = csp.page
    response = page.goto(f"{live_server.url}/admin/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert csp.collect("admin login") == []
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.__inlineRan = true';
            document.head.append(script);
            const style = document.createElement('style');
            style.textContent = 'body { color: red }';
            document.head.append(style);
        }"""
    )
    assert page.evaluate("() => window.__inlineRan") is None  # blocked, not run
    found = "\n".join(csp.collect("injected"))
    assert "event script-src-elem inline" in found, found
    assert "event style-src-elem inline" in found, found
    # The console message too (Chromium 156 says "Executing inline script violates the
    # following Content Security Policy directive…"; older ones "Refused to execute…").
    assert "Content Security Policy directive 'script-src 'self''" in found, found
    assert "Content Security Policy directive 'style-src 'self''" in found, found


def test_no_csp_violation_on_any_page(csp, live_server, invitation_url, team_link, content):
    page = csp.page
    found = []

    def check(label):
        if label == "results":
            expect(page.locator("#radar svg.main-svg").first).to_be_visible()
        found.extend(csp.collect(label))

    complete(page, invitation_url, on_page=check)
    for path in ["/", "/framework/", "/framework/eight-characteristics/edition-1/", "/sources/"]:
        page.goto(f"{live_server.url}{path}")
        check(path)
    assert found == [], "\n".join(found)
