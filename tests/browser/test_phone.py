"""On a phone (375×740, mobile, touch): no page scrolls sideways, and every radio button and
checkbox is a big enough target (WCAG 2.2 SC 2.5.8, checked by axe's target-size rule; labels
at least 24 px tall count too, since a label is part of its input's target)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import TIMEOUT_MS, axe_run, describe_violations
from tests.browser.helpers import complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 375, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def test_journey_fits_a_phone_screen(browser: Browser, axe_source, invitation_url, content):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []

    def check(label: str) -> None:
        if label == "results":
            expect(page.locator("#radar svg.main-svg").first).to_be_visible()
        width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if width[0] > width[1] + 1:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
            )
            problems.append(f"{label}: scrolls sideways ({width[0]} > {width[1]}): {wide}")
        # Each radio button and checkbox: a label at least 24 px tall, or a target axe passed.
        result = axe_run(page, axe_source, rules=["target-size"])
        passed = set(result["passed"])
        small = page.evaluate(
            """() => [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
                .filter(i => Math.max(i.getBoundingClientRect().height,
                                      ...[...i.labels].map(l => l.getBoundingClientRect().height)) < 24)
                .map(i => '#' + CSS.escape(i.id))"""
        )
        small = [target for target in small if f"target-size {target}" not in passed]
        if small:
            problems.append(f"{label}: targets under 24 px that axe did not pass: {small[:5]}")
        if result["violations"] or result["incomplete"]:
            problems.append(
                f"{label}: target size:\n"
                + describe_violations(result["violations"] + result["incomplete"])
            )

    try:
        complete(page, invitation_url, on_page=check)
        assert page.locator("table.results-table tbody tr").count() == 8
    finally:
        context.close()
    assert not problems, "\n".join(problems)
