"""Submitting twice from a real browser (a double click, two quick submits) stores one
submitted response and ends on the results page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Response
from tests.browser.helpers import about, answer_characteristic, path_of, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reach_review(page: Page, invitation_url: str, live_server) -> None:
    start(page, invitation_url)
    about(page)
    answer_characteristic(page, 1)
    page.goto(f"{live_server.url}/respond/review/")
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()


def submit_posts(page: Page) -> list:
    """Record the submit requests the browser sends to the review page."""
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request)
            if request.method == "POST" and request.url.endswith("/respond/review/")
            else None
        ),
    )
    return posts


def assert_one_submitted(page: Page, team_link, write_log) -> None:
    """One response, submitted by exactly one write, its answers untouched afterwards."""
    page.wait_for_url("**/respond/results/")
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    responses = Response.objects.filter(round=team_link.round)
    assert responses.count() == 1
    response = responses.get()
    assert response.status == Response.Status.SUBMITTED
    assert response.answers.count() == 4
    assert write_log.count("submit", response.pk) == 1
    assert write_log.writes_after_submit(response.pk) == 0


def test_double_click_on_submit(
    page: Page, invitation_url, live_server, team_link, content, write_log
):
    reach_review(page, invitation_url, live_server)
    posts = submit_posts(page)
    page.get_by_role("button", name="Submit my answers").dblclick()
    assert_one_submitted(page, team_link, write_log)
    assert len(posts) >= 1


def test_two_quick_submits(page: Page, invitation_url, live_server, team_link, content, write_log):
    reach_review(page, invitation_url, live_server)
    posts = submit_posts(page)
    # Two requests in flight at once, as two tabs or an impatient double submit would send them:
    # fetch() waits for neither (a second form submission would cancel the first navigation).
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector("form[action$='/respond/review/']");
            const send = () => fetch(form.action, {method: 'POST', body: new FormData(form)});
            const replies = await Promise.all([send(), send()]);
            return replies.map(r => [r.status, new URL(r.url).pathname]);
        }"""
    )
    assert statuses == [[200, "/respond/results/"]] * 2, statuses
    assert len(posts) == 2
    # And the form itself, submitted twice in a row by script.
    page.evaluate(
        """() => {
            const form = document.querySelector("form[action$='/respond/review/']");
            form.requestSubmit(); form.requestSubmit();
        }"""
    )
    assert_one_submitted(page, team_link, write_log)
    assert path_of(page) == "/respond/results/"
