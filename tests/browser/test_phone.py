"""On a phone (375×740, mobile, touch): no page scrolls sideways, and every radio button and
checkbox is a big enough target (WCAG 2.2 SC 2.5.8, checked by axe's target-size rule; labels
at least 24 px tall count too, since a label is part of its input's target)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import (
    AXE_TAGS,
    TIMEOUT_MS,
    axe_run,
    axe_violations,
    describe_violations,
)
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
            # On a phone the chart and its table are one fold away, under the summary.
            page.locator("#all-scores summary").click()
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
        # On a touch screen every answer's target (its row, label included) is 44 px tall.
        short = page.evaluate(
            """() => [...document.querySelectorAll('.scale-option')]
                .filter(o => o.getBoundingClientRect().height < 44)
                .map(o => o.querySelector('input').id)"""
        )
        if short:
            problems.append(f"{label}: answer targets under 44 px: {short[:5]}")
        # The whole of WCAG 2.x A/AA at phone width, on every page of the journey.
        violations = axe_violations(page, axe_source, tags=AXE_TAGS)
        if violations:
            problems.append(f"{label}: axe at 375 px:\n" + describe_violations(violations))
        if label == "landing":
            # The Start button is on the first screen of a small phone (375 × 667).
            bottom = page.evaluate(
                "() => [...document.querySelectorAll('button')]"
                ".find(b => b.textContent.includes('Start the assessment'))"
                ".getBoundingClientRect().bottom"
            )
            if bottom > 667:
                problems.append(f"landing: the Start button ends at {bottom} px, below 667")
        if result["violations"] or result["incomplete"]:
            problems.append(
                f"{label}: target size:\n"
                + describe_violations(result["violations"] + result["incomplete"])
            )

    try:
        complete(page, invitation_url, on_page=check)
        assert page.locator("table.results-table tbody tr").count() == 8
        # A table wider than the phone scrolls inside its own named region, never the page
        # (the page's own sideways scroll is checked on every page above); words and numbers are
        # never broken to squash it (tests/browser/test_tables_phone.py).
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        loose = page.evaluate(
            """() => [...document.querySelectorAll('.table-responsive')]
                .filter(r => r.scrollWidth > r.clientWidth + 1)
                .filter(r => !(r.getAttribute('role') === 'region' && r.tabIndex === 0
                               && r.getAttribute('aria-labelledby')))
                .map(r => r.textContent.slice(0, 40))"""
        )
        if loose:
            problems.append(f"results: a table scrolls outside a named region: {loose}")
        # Every characteristic the table calls "Priority" has its fold of suggestions.
        priority = page.evaluate(
            """() => [...document.querySelectorAll('table.results-table tbody tr')]
                .filter(r => r.querySelector('.band-priority'))
                .map(r => r.querySelector('th').textContent.split('.')[0].trim())"""
        )
        cards = page.evaluate(
            "() => [...document.querySelectorAll('details[id^=priority-]')].map(d => d.id.slice(9))"
        )
        if not set(priority) <= set(cards):
            problems.append(f"results: priorities {priority} but cards {cards}")
        # A second visit to the invitation shows that they answered, with their results.
        page.goto(invitation_url)
        expect(page.get_by_role("heading", name="You have already answered")).to_be_visible()
        page.get_by_role("link", name="See your results").click()
        page.wait_for_url("**/respond/results/")
        # A truncated link: a helpful page, at phone width, with DEBUG off.
        page.goto(invitation_url[: invitation_url.index("/i/") + 12] + "/")
        expect(page.get_by_role("heading", name="We can’t find that page")).to_be_visible()
        check("truncated link")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def question_page(browser: Browser, invitation_url, content):
    """The first questionnaire page on a 1280 px desktop (mouse, keyboard)."""
    from tests.browser.helpers import about, start

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    start(page, invitation_url)
    about(page)
    yield page
    context.close()


def test_the_radio_focus_ring_is_clearly_visible(question_page):
    page = question_page
    page.locator("fieldset.item input[type=radio]").first.focus()
    page.keyboard.press("ArrowRight")  # keyboard focus: :focus-visible applies
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"""
    )
    assert ring[0] == "solid" and ring[1] >= 3, ring
    assert "255, 221, 0" in ring[2], ring  # the yellow halo, not a faint glow


def test_on_a_wide_screen_the_options_line_up_as_a_matrix(question_page):
    page = question_page
    columns = page.evaluate(
        """() => {
          const centre = e => { const r = e.getBoundingClientRect(); return r.left + r.width / 2; };
          const heads = [...document.querySelectorAll('.scale-header span')].map(centre);
          const rows = [...document.querySelectorAll('fieldset.item')].map(
            f => [...f.querySelectorAll('input[type=radio]')].map(centre));
          return {heads, rows};
        }"""
    )
    assert len(columns["heads"]) == 6
    for row in columns["rows"]:
        assert len(row) == 6
        for head, radio in zip(columns["heads"], row, strict=True):
            assert abs(head - radio) < 2, (head, radio)
    # Each radio still has its own accessible name, and its whole cell selects it.
    item = page.locator("fieldset.item").first
    expect(item.get_by_label("Agree", exact=True)).to_have_count(1)
    cell = item.locator(".scale-option").nth(3)
    box = cell.bounding_box()
    page.mouse.click(box["x"] + 4, box["y"] + 4)  # a corner of the cell, not the radio
    expect(item.get_by_label("Agree", exact=True)).to_be_checked()
