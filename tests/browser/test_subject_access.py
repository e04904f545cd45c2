"""Subject access and erasure in real Chromium, against the live server: the owner's page and
the admin's, each empty, with what is held, and with a refused confirmation, at 375 and 1280 px
(axe-core WCAG 2.x A/AA, no CSP violation or script error, nothing sideways at 375 px); then
the whole request (find, erase) by keyboard with JavaScript off.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from assessments.models import IndividualLink, Membership
from tests.browser.conftest import TIMEOUT_MS, axe_violations, describe_violations
from tests.browser.test_group_results import (
    DESKTOP_WIDTH,
    HEIGHT,
    PHONE_WIDTH,
    SCROLL_PROBLEMS,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAT = "pat@example.org"


@pytest.fixture
def pat(open_round, collaboration, olive, django_user_model):
    """Pat: invited to the open round, and a facilitator of the collaboration."""
    IndividualLink.issue(round=open_round, team=collaboration.teams.first(), email=PAT)
    user = django_user_model.objects.create_user(
        PAT, PAT, "pw-pat-123", first_name="Pat", last_name="Jones"
    )
    Membership.objects.create(user=user, collaboration=collaboration, role="facilitator")
    return user


def _audit(page: Page, axe_source: str, csp, label: str, found: list[str], act=None) -> None:
    """At each width: load the state ``act`` leads to, then axe, CSP and the phone layout.
    (A refused form is a 400 on purpose: Chromium's console line saying so is not a problem.)"""
    for width in (PHONE_WIDTH, DESKTOP_WIDTH):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        act()
        where = f"{label} at {width} px"
        violations = axe_violations(page, axe_source)
        if violations:
            found.append(f"{where}:\n{describe_violations(violations)}")
        if width == PHONE_WIDTH:
            found.extend(f"{where}: {problem}" for problem in page.evaluate(SCROLL_PROBLEMS))
        found.extend(p for p in csp.collect(where) if "status of 400 (Bad Request)" not in p)


def _find(page: Page, url: str, address: str) -> None:
    page.goto(url)
    page.get_by_label("E-mail address").fill(address)
    page.get_by_role("button", name="Find what is held").click()
    expect(page.get_by_role("heading", name=f"What is held about {address}")).to_be_visible()


def _refuse(page: Page, url: str) -> None:
    _find(page, url, PAT)
    page.get_by_label("Type the e-mail address again to confirm").fill("someone@example.org")
    page.get_by_role("button", name="Erase what is held").click()
    expect(page.get_by_text("That is not the same address").first).to_be_visible()


def test_the_owner_page_passes_axe_csp_and_phone_layout(
    csp, axe_source, live_server, collaboration, pat
):
    page = csp.page
    sign_in(page, live_server, "olive")
    url = f"{live_server.url}/facilitate/c/{collaboration.pk}/personal-data/"
    found: list[str] = []
    _audit(page, axe_source, csp, "empty", found, lambda: page.goto(url))
    _audit(page, axe_source, csp, "bad address", found, lambda: _bad_address(page, url))
    _audit(page, axe_source, csp, "held", found, lambda: _find(page, url, PAT))
    _audit(page, axe_source, csp, "refused", found, lambda: _refuse(page, url))
    assert not found, "\n".join(found)


def _bad_address(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Find what is held").click()
    expect(page.get_by_text("Enter a valid email address.").first).to_be_visible()


def _admin_sign_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("pw-ada-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_the_admin_page_passes_axe_csp_and_phone_layout(csp, axe_source, live_server, pat, ada):
    page = csp.page
    _admin_sign_in(page, live_server)
    page.get_by_role("link", name="Subject access and erasure").click()
    url = f"{live_server.url}/admin/subject-access/"
    page.wait_for_url(url)
    found: list[str] = []
    _audit(page, axe_source, csp, "admin empty", found, lambda: page.goto(url))
    _audit(page, axe_source, csp, "admin bad address", found, lambda: _bad_address(page, url))
    _audit(page, axe_source, csp, "admin held", found, lambda: _find(page, url, PAT))
    _audit(page, axe_source, csp, "admin refused", found, lambda: _refuse(page, url))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("door", ["owner", "admin"])
def test_a_request_is_answered_by_keyboard_without_javascript(
    browser: Browser, live_server, collaboration, pat, ada, door
):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        if door == "owner":
            sign_in(page, live_server, "olive")
            url = f"{live_server.url}/facilitate/c/{collaboration.pk}/personal-data/"
        else:
            _admin_sign_in(page, live_server)
            url = f"{live_server.url}/admin/subject-access/"
        page.goto(url)
        page.get_by_label("E-mail address").focus()
        page.keyboard.type(" PAT@Example.org ")
        page.keyboard.press("Enter")  # the page's first button: find
        expect(page.get_by_role("heading", name=f"What is held about {PAT}")).to_be_visible()
        expect(page.get_by_text("Personal invitations (1)")).to_be_visible()
        page.get_by_label("Type the e-mail address again to confirm").focus()
        page.keyboard.type(PAT)
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Erase what is held")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Erased.")).to_be_visible()
    finally:
        context.close()
    assert not IndividualLink.objects.filter(email=PAT).exists()
    assert IndividualLink.objects.count() == 1
    assert not Membership.objects.filter(user=pat).exists()
    assert get_user_model().objects.get(pk=pat.pk).is_active is (door == "owner")
