"""The private resume link restores saved answers in another browser (a fresh context: no
cookies, no storage, nothing shared with the first one)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from assessments.models import Response
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.helpers import (
    SCALE_LABELS,
    about,
    answer_characteristic,
    expect_step,
    path_of,
    start,
    value_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checked_values(page: Page) -> list[str | None]:
    return page.evaluate(
        "() => [...document.querySelectorAll('fieldset.item')]"
        ".map(f => f.querySelector('input[type=radio]:checked')?.value ?? null)"
    )


def test_resume_link_in_a_fresh_browser_restores_pages_1_and_2(
    page: Page, browser: Browser, invitation_url, live_server, team_link, content
):
    start(page, invitation_url)
    about(page)
    answer_characteristic(page, 1)
    answer_characteristic(page, 2, comment="Partners joined late.")
    assert path_of(page) == "/respond/c/3/"
    resume_url = page.locator("a.resume-link").get_attribute("href")
    assert resume_url.startswith("/resume/")
    assert page.locator("a.resume-link").inner_text() == f"{live_server.url}{resume_url}"

    draft = Response.objects.get(round=team_link.round)
    assert draft.answers.count() == 4 + 3

    other = browser.new_context()
    try:
        other.set_default_timeout(TIMEOUT_MS)
        assert other.cookies() == []
        second = other.new_page()
        second.goto(f"{live_server.url}{resume_url}")
        # The token is exchanged for a session and dropped from the address bar, and the
        # partner carries on at the first page with something unanswered.
        assert path_of(second) == "/respond/c/3/", second.url
        assert resume_url not in second.url

        for number, count in [(1, 4), (2, 3)]:
            second.goto(f"{live_server.url}/respond/c/{number}/")
            expect_step(second, number + 1)
            wanted = [value_for(number, position) for position in range(count)]
            assert checked_values(second) == wanted, f"page {number}"
            for position, raw in enumerate(wanted):
                label = SCALE_LABELS[raw]
                item = second.locator("fieldset.item").nth(position)
                expect(item.get_by_label(label, exact=True)).to_be_checked()
        expect(second.get_by_label("Anything you would like to add?")).to_have_value(
            "Partners joined late."
        )
        # Page 3 was never answered.
        second.goto(f"{live_server.url}/respond/c/3/")
        assert checked_values(second) == [None] * 4
        # The same draft, not a new one.
        assert Response.objects.filter(round=team_link.round).count() == 1
    finally:
        other.close()
