"""The pages the integrity work added or changed, at phone and desktop width: the landing page
of a browser that has already answered, a used personal link (410), the results with the
private link, a malformed request (400) and the sign-in lock (429). axe finds no WCAG 2.x A/AA
violation, nothing scrolls sideways at 375 px, and no CSP violation occurs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from assessments.models import IndividualLink
from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.helpers import complete, path_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page: Page, axe_source: str, csp, label: str, found: dict, reload=True) -> None:
    """Both widths; each page is loaded again at its width (a chart is drawn for the width the
    page was loaded at), except a page that only a POST gives."""
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        if reload:
            page.reload()
            page.wait_for_load_state()
        if width == 375:
            scroll = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if scroll > 1:
                found[f"{label} at 375 px"] = [f"scrolls sideways by {scroll} px"]
        violations = axe_violations(page, axe_source)
        if violations:
            found[f"{label} ({path_of(page)}) at {width} px"] = describe_violations(violations)
    problems = [p for p in csp.collect(label) if "Failed to load resource" not in p]
    if problems:
        found[f"{label}: CSP"] = problems


def test_pages_after_submitting_and_error_pages(
    csp, axe_source, live_server, open_round, team_link, content, django_user_model
):
    page = csp.page
    found: dict[str, object] = {}
    invitation = f"{live_server.url}/i/{team_link.token}/"
    complete(page, invitation)
    expect(page.get_by_role("heading", name="Your private results link")).to_be_visible()
    _check(page, axe_source, csp, "results with the private link", found)

    page.goto(invitation)
    expect(page.get_by_role("heading", name="You have already answered")).to_be_visible()
    expect(page.get_by_role("button", name="Start a new response for someone else")).to_be_visible()
    _check(page, axe_source, csp, "landing, already answered", found)

    link, token = IndividualLink.issue(round=open_round)
    IndividualLink.objects.filter(pk=link.pk).update(used=True)
    response = page.goto(f"{live_server.url}/i/{token}/")
    assert response.status == 410
    _check(page, axe_source, csp, "used personal link", found)

    response = page.goto(f"{live_server.url}/framework/?x=%00")
    assert response.status == 400
    expect(
        page.get_by_role("heading", name="Something was wrong with that request")
    ).to_be_visible()
    _check(page, axe_source, csp, "400 page", found)

    django_user_model.objects.create_user("lee", "lee@example.org", "right-password-1")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(10):
        page.get_by_label("Username").fill("lee")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "paused" in page.content():
            break
        page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Signing in is paused for 15 minutes")).to_be_visible()
    _check(page, axe_source, csp, "sign-in paused", found, reload=False)

    assert not found, "\n".join(f"{label}:\n{detail}" for label, detail in found.items())
