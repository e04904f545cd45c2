"""With JavaScript off the whole journey works, and the results table carries the scores."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from assessments.models import Response
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.helpers import complete, expected_answers, stored_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_whole_journey_without_javascript(browser: Browser, invitation_url, team_link, content):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        complete(page, invitation_url)
        expect(page.get_by_role("heading", name="Your results")).to_be_visible()
        # Scripts really are off: plotly drew nothing, and the table is all there is.
        assert page.locator("#radar").inner_html() == ""
        rows = page.locator("table.results-table tbody tr")
        expect(rows).to_have_count(8)
        for index in range(8):
            expect(rows.nth(index).locator("th")).to_contain_text(f"{index + 1}. ")
    finally:
        context.close()
    response = Response.objects.get(round=team_link.round)
    assert response.status == Response.Status.SUBMITTED
    assert stored_answers(response) == expected_answers(content)
    assert list(response.value_modes.values_list("slug", flat=True)) == ["shared-delivery"]
