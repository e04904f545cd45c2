"""The focus ring on the navigation pills (a collaboration's sections) and the results tabs is
clearly visible (WCAG 2.2 focus appearance): reached by Tab in real Chromium at 375 and 1280 px,
each has a solid outline at least 2 px thick whose colour is at least 3:1 against the page
behind it and against the link's own background (the active pill is filled blue)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser import test_group_results
from tests.browser.test_group_results import (
    pages_of,
    sign_in,
)

# The round of test_group_results.py (three teams, 20 responses, an earlier round), as a fixture.
results_round = test_group_results.results_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const solid = c => c.length === 3 || (c.length === 4 && c[3] === 1);
    const backgroundOf = start => {
        for (let e = start; e; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (solid(c)) { return c.slice(0, 3); }
        }
        return [255, 255, 255];
    };
    const lum = ([r, g, b]) => {
        const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const ring = parse(style.outlineColor).slice(0, 3);
    return {
        text: el.textContent.trim(),
        classes: el.className,
        active: el.classList.contains('active'),
        width: parseFloat(style.outlineWidth),
        style: style.outlineStyle,
        offset: parseFloat(style.outlineOffset),
        againstPage: ratio(ring, backgroundOf(el.parentElement)),
        againstSelf: ratio(ring, backgroundOf(el)),
    };
}"""


def tab_to(page: Page, selector: str, limit: int = 60) -> dict:
    """Press Tab from the top of the page until an element matching ``selector`` has focus.
    The page is loaded again first: a blur leaves the browser's starting point for Tab where the
    focus was, so the walk would go on from the last element reached, not from the top."""
    page.goto(page.url)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.evaluate(FOCUSED)
    pytest.fail(f"Tab never reached {selector} on {page.url}")


def check(ring: dict, where: str) -> list[str]:
    problems = []
    if ring["style"] in ("none", "hidden") or ring["width"] < 2:
        problems.append(f"{where}: outline {ring['width']}px {ring['style']}")
    if ring["againstPage"] < 3 or ring["againstSelf"] < 3:
        problems.append(
            f"{where}: ring contrast {ring['againstPage']:.2f} (page), "
            f"{ring['againstSelf']:.2f} (link)"
        )
    return problems


def test_pills_and_tabs_show_a_thick_high_contrast_focus_ring(
    page: Page, live_server, results_round, fred
):
    sign_in(page, live_server)
    url = pages_of(live_server, results_round)["overview"]
    problems = []
    seen = []
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        # A pill (the collaboration's sections), the active one (filled), and a results tab.
        for label, selector in (
            ("pill", ".collab-nav .nav-link:not(.active)"),
            ("active pill", ".collab-nav .nav-link.active"),
            ("tab", ".results-tabs .nav-link:not(.active)"),
            ("active tab", ".results-tabs .nav-link.active"),
        ):
            if not page.locator(selector).count():
                continue
            ring = tab_to(page, selector)
            seen.append(label)
            problems += check(ring, f"{label} '{ring['text']}' at {width} px")
    assert {"pill", "tab", "active tab"} <= set(seen), seen
    assert not problems, "\n".join(problems)
