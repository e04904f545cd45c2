"""axe-core finds no WCAG 2.0/2.1/2.2 A and AA violation on any page, error states included.

axe runs on the pages as served, strict CSP on (see conftest.py: it is evaluated through the
driver, not injected as an inline script)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, describe_violations
from tests.browser.helpers import (
    about,
    answer_characteristic,
    expect_step,
    path_of,
    save_and_continue,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def audit(page: Page, axe_source: str, label: str, found: dict) -> None:
    violations = axe_violations(page, axe_source)
    if violations:
        found[f"{label} ({path_of(page)})"] = violations


def report(found: dict) -> str:
    return "\n".join(f"{label}:\n{describe_violations(v)}" for label, v in found.items())


def test_journey_pages_have_no_axe_violations(
    page: Page, axe_source, invitation_url, live_server, team_link, content
):
    found: dict[str, list] = {}
    page.goto(invitation_url)
    audit(page, axe_source, "landing", found)
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/respond/about/")
    audit(page, axe_source, "about", found)

    # "About you" sent without a group: the error summary and the field's error.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit(page, axe_source, "about with an error", found)
    about(page)

    expect_step(page, 2)
    audit(page, axe_source, "characteristic 1", found)
    # An over-long comment: the browser's maxlength would stop it, so remove it first.
    comment = page.get_by_label("Anything you would like to add?")
    comment.evaluate("textarea => textarea.removeAttribute('maxlength')")
    comment.fill("x" * 2001)
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()
    assert path_of(page) == "/respond/c/1/"
    expect(page.locator(".error-summary")).to_contain_text("2,000 characters (it has 2001)")
    expect(comment).to_have_class("form-control is-invalid")
    audit(page, axe_source, "characteristic 1 with an error", found)
    comment.fill("")
    answer_characteristic(page, 1)

    # Page 2 is left unanswered, so the review page lists unanswered statements.
    page.goto(f"{live_server.url}/respond/value/")
    audit(page, axe_source, "value", found)
    page.get_by_label("Shared delivery", exact=True).check()
    save_and_continue(page, "/respond/review/")
    expect(page.get_by_role("heading", name="Not answered yet (29)")).to_be_visible()
    audit(page, axe_source, "review", found)
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url("**/respond/results/")
    expect(page.locator("#radar svg.main-svg").first).to_be_visible()
    audit(page, axe_source, "results", found)

    assert not found, "axe found violations:\n" + report(found)


PUBLIC_PAGES = [
    "/",
    "/framework/",
    "/framework/eight-characteristics/edition-1/",
    "/sources/",
    "/admin/login/",
]


def test_public_pages_have_no_axe_violations(page: Page, axe_source, live_server, content):
    found: dict[str, list] = {}
    for path in PUBLIC_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        audit(page, axe_source, path, found)
    assert not found, "axe found violations:\n" + report(found)

    # The check itself can fail: an image without a text alternative is reported.
    page.evaluate(
        "() => document.querySelector('main, #content').append(document.createElement('img'))"
    )
    assert "image-alt" in [v["id"] for v in axe_violations(page, axe_source)]
