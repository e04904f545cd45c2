"""The whole journey with the keyboard only: Tab, Shift+Tab, Space, Enter and arrow keys.

No mouse: no click(), check() or fill(). A listener counts mouse and pointer presses on every
page, so a stray click by the test (or a page that needs one) fails the test.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from assessments.models import Response
from tests.browser.helpers import (
    CHARACTERISTIC_COUNT,
    SCALE,
    expect_step,
    expected_answers,
    path_of,
    stored_answers,
    value_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOUSE_WATCH = """
window.__mousePresses = 0;
for (const type of ['mousedown', 'pointerdown', 'touchstart']) {
    document.addEventListener(type, () => { window.__mousePresses += 1; }, true);
}
"""
COMMENT = "Typed with the keyboard only."


def tab_to(page: Page, selector: str, *, limit: int = 80) -> int:
    """Press Tab until the focused element matches ``selector``; return how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(
        f"{selector} not reached with {limit} Tab presses on {page.url}; focus is on {focused}"
    )


def press_and_wait(page: Page, key: str, path: str) -> None:
    assert page.evaluate("() => window.__mousePresses") == 0, f"a mouse was used on {page.url}"
    page.keyboard.press(key)
    page.wait_for_url(f"**{path}")


def checked_value(page: Page, name: str) -> str | None:
    return page.evaluate(
        "n => document.querySelector(`input[name='${n}']:checked`)?.value ?? null", name
    )


def choose(page: Page, name: str, raw: str) -> None:
    """Select ``raw`` in the radio group ``name`` with the keyboard, starting from outside it."""
    tab_to(page, f"input[type=radio][name='{name}']")
    # Tab enters a group with nothing checked on its first radio; Space selects it.
    page.keyboard.press("Space")
    index = SCALE.index(raw)
    if index == len(SCALE) - 1:
        page.keyboard.press("ArrowLeft")  # wraps round to the last option
    for _ in range(index if index < len(SCALE) - 1 else 0):
        page.keyboard.press("ArrowRight")
    assert checked_value(page, name) == raw, f"{name}: wanted {raw}"


def test_whole_journey_with_the_keyboard_only(page: Page, invitation_url, team_link, content):
    page.context.add_init_script(MOUSE_WATCH)

    page.goto(invitation_url)
    assert path_of(page) == "/respond/"
    tab_to(page, "form[action$='/respond/start/'] button[type=submit]")
    press_and_wait(page, "Enter", "/respond/about/")

    # About you: the team comes from the link, so only the stakeholder group is asked.
    expect_step(page, 1)
    assert page.locator("input[name=team]").count() == 0
    tab_to(page, "input[name=stakeholder_group]")
    page.keyboard.press("Space")  # "Staff of a partner organisation"
    page.keyboard.press("ArrowDown")  # "Clinician"
    assert checked_value(page, "stakeholder_group") == "clinician"
    tab_to(page, "button[name=nav][value=next]")
    press_and_wait(page, "Enter", "/respond/c/1/")

    for number in range(1, CHARACTERISTIC_COUNT + 1):
        expect_step(page, number + 1)
        names = page.evaluate(
            "() => [...document.querySelectorAll('fieldset.item')]"
            ".map(f => f.querySelector('input[type=radio]').name)"
        )
        assert names, f"no items on {page.url}"
        for position, name in enumerate(names):
            choose(page, name, value_for(number, position))
        if number == 3:
            tab_to(page, "textarea[name=comment]")
            page.keyboard.type(COMMENT)
        tab_to(page, "button[name=nav][value=next]")
        next_path = (
            f"/respond/c/{number + 1}/" if number < CHARACTERISTIC_COUNT else "/respond/value/"
        )
        # Space activates a button as well as Enter does; use both.
        press_and_wait(page, "Space" if number % 2 else "Enter", next_path)

    expect_step(page, 10)
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('input[type=checkbox]')]"
        ".map(b => b.labels[0].textContent.trim())"
    )
    assert boxes[0] == "Shared voice" and boxes[3] == "Shared learning", boxes
    tab_to(page, "input[type=checkbox]")
    page.keyboard.press("Space")  # Shared voice
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Shared learning
    tab_to(page, "button[name=nav][value=next]")
    press_and_wait(page, "Enter", "/respond/review/")

    expect_step(page, 11)
    assert "You have answered every statement." in page.content()
    tab_to(page, "form[action$='/respond/review/'] button[type=submit]")
    press_and_wait(page, "Enter", "/respond/results/")

    assert page.get_by_role("heading", name="Your results").is_visible()
    response = Response.objects.get(round=team_link.round)
    assert response.status == Response.Status.SUBMITTED
    assert response.stakeholder_group == "clinician"
    assert response.team_id == team_link.team_id
    answers = stored_answers(response)
    assert len(answers) == 33
    assert answers == expected_answers(content)
    assert response.comments.get().text == COMMENT
    assert response.comments.get().characteristic.number == 3
    assert set(response.value_modes.values_list("slug", flat=True)) == {
        "shared-voice",
        "shared-learning",
    }
