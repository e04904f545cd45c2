"""The heatmap's colour scale in real Chromium, at 375 and 1280 px: one sequential blue scale in
steps of half a point (not three band colours), with a key, and in every cell the number and its
band in words; every piece of text at least 4.5:1 on the colour behind it (measured here and by
axe's color-contrast rule); the step follows the number, never lighter for a higher one. The
perspectives page's matrix uses the same scale and key.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from assessments import group_results
from tests.browser import test_group_results
from tests.browser.conftest import axe_run, describe_violations
from tests.browser.test_group_results import (
    pages_of,
    sign_in,
)

# The round of test_group_results.py (three teams, 20 responses, an earlier round), as a fixture.
results_round = test_group_results.results_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANDS = {"Strength", "Developing", "Priority"}

CELLS = """() => [...document.querySelectorAll('table.heatmap td.heat')].map(td => ({
    classes: [...td.classList],
    number: td.querySelector('.band') ? td.querySelector('.band').textContent.trim() : null,
    text: td.innerText.replace(/\\s+/g, ' ').trim(),
    background: getComputedStyle(td).backgroundColor,
}))"""

# Every visible text node in the heatmap tables and the key: its colour and the first solid
# background behind it, as computed.
TEXT_CONTRAST = """() => {
    const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const backgroundOf = el => {
        for (let e = el; e; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] === 1)) { return c.slice(0, 3); }
        }
        return [255, 255, 255];
    };
    const low = [];
    let checked = 0;
    for (const root of document.querySelectorAll('table.heatmap td.heat, .heat-key li')) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const el = node.parentElement;
            if (!node.textContent.trim() || el.closest('.visually-hidden')) { continue; }
            const value = ratio(parse(getComputedStyle(el).color).slice(0, 3), backgroundOf(el));
            checked += 1;
            if (value < 4.5) { low.push(`${node.textContent.trim()}: ${value.toFixed(2)}`); }
        }
    }
    return {checked, low};
}"""


def step_of(classes: list[str]) -> int | None:
    steps = [int(c.removeprefix("heat-step-")) for c in classes if c.startswith("heat-step-")]
    assert len(steps) <= 1, classes
    return steps[0] if steps else None


def test_the_heatmap_has_a_sequential_scale_with_a_key_and_words_in_every_cell(
    page: Page, live_server, results_round, fred, axe_source
):
    sign_in(page, live_server)
    urls = pages_of(live_server, results_round)
    problems = []
    for label in ("heatmap", "perspectives"):
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(urls[label])
            where = f"{label} at {width} px"

            # The key: eight steps from 1.00 to 5.00, and "no figure".
            key = page.locator(".heat-key li")
            expect(key).to_have_count(group_results.HEAT_STEPS + 1)
            expect(key.first).to_have_text("1.00 to 1.49")
            expect(key.nth(group_results.HEAT_STEPS - 1)).to_have_text("4.50 to 5.00")
            key_colours = page.evaluate(
                """() => Object.fromEntries([...document.querySelectorAll('.heat-key li')]
                    .map(li => [li.className, getComputedStyle(li).backgroundColor]))"""
            )
            assert len(set(key_colours.values())) == group_results.HEAT_STEPS + 1, key_colours

            cells = page.evaluate(CELLS)
            shown = [cell for cell in cells if cell["number"] is not None]
            assert len(shown) >= 16, (where, len(cells))
            for cell in cells:
                step = step_of(cell["classes"])
                if cell["number"] is None:
                    # No figure: no colour, and the reason in words.
                    assert step is None and "heat-none" in cell["classes"], (where, cell)
                    assert re.search(r"none yet|fewer than \d|not shown", cell["text"]), cell
                    continue
                number = Decimal(cell["number"])
                assert step == group_results.heat_step(number), (where, cell)
                # The number and its band in words, in the cell.
                words = set(cell["text"].split()) & BANDS
                assert len(words) == 1, (where, cell)
                # The cell's colour is its step's colour in the key.
                assert cell["background"] == key_colours[f"heat-step-{step}"], (where, cell)
            # The step follows the number: sorted by number, the steps never go down.
            ordered = sorted(shown, key=lambda c: Decimal(c["number"]))
            steps = [step_of(c["classes"]) for c in ordered]
            assert steps == sorted(steps), (where, steps)
            assert len(set(steps)) >= 3, (where, steps)  # the data spans several steps

            measured = page.evaluate(TEXT_CONTRAST)
            assert measured["checked"] > 50, (where, measured)
            problems += [f"{where}: {low}" for low in measured["low"]]
            result = axe_run(page, axe_source, rules=["color-contrast"])
            if result["violations"]:
                problems.append(f"{where}:\n{describe_violations(result['violations'])}")
            passed_cells = [p for p in result["passed"] if "heat" in p or "td" in p]
            assert passed_cells, (where, result["passed"][:5])
    assert not problems, "\n".join(problems)
