"""Walking the respondent's journey in a real browser (mouse and form helpers).

The keyboard-only walk lives in test_keyboard.py: it must not use these helpers' clicks.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from assessments.models import Response

SCALE_LABELS = {
    "1": "Strongly disagree",
    "2": "Disagree",
    "3": "Neither agree nor disagree",
    "4": "Agree",
    "5": "Strongly agree",
    "dk": "Don’t know / not applicable",
}
SCALE = ["1", "2", "3", "4", "5", "dk"]
CHARACTERISTIC_COUNT = 8
STEP_COUNT = 11


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]


def value_for(number: int, position: int) -> str:
    """A varied answer for item ``position`` (0-based) of characteristic ``number``:
    every value of the scale, "don't know" included, is used somewhere."""
    return SCALE[(number + position) % len(SCALE)]


def expected_answers(version, value=value_for) -> dict[int, int | None]:
    """Indicator pk -> the value stored for ``value``'s answers (None for don't know)."""
    expected = {}
    for characteristic in version.characteristics.order_by("number"):
        for position, indicator in enumerate(characteristic.indicators.order_by("position")):
            raw = value(characteristic.number, position)
            expected[indicator.pk] = None if raw == "dk" else int(raw)
    return expected


def stored_answers(response: Response) -> dict[int, int | None]:
    return dict(response.answers.values_list("indicator_id", "value"))


def expect_step(page: Page, number: int) -> None:
    expect(page.locator(".step-progress")).to_contain_text(f"Page {number} of {STEP_COUNT}")


def start(page: Page, invitation_url: str) -> None:
    """Follow the invitation and press "Start the assessment" (lands on "About you")."""
    page.goto(invitation_url)
    assert path_of(page) == "/respond/", page.url
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/respond/about/")


def save_and_continue(page: Page, next_path: str) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(f"**{next_path}")


def about(page: Page, group: str = "Clinician") -> None:
    page.get_by_label(group, exact=True).check()
    save_and_continue(page, "/respond/c/1/")


def answer_characteristic(page: Page, number: int, value=value_for, comment: str = "") -> None:
    """Answer every item of the page shown, then "Save and continue"."""
    fieldsets = page.locator("fieldset.item")
    count = fieldsets.count()
    assert count > 0, f"no items on {page.url}"
    for position in range(count):
        raw = value(number, position)
        fieldsets.nth(position).get_by_label(SCALE_LABELS[raw], exact=True).check()
    if comment:
        page.get_by_label("Anything you would like to add?").fill(comment)
    next_path = f"/respond/c/{number + 1}/" if number < CHARACTERISTIC_COUNT else "/respond/value/"
    save_and_continue(page, next_path)


def value_modes(page: Page, names=("Shared delivery",)) -> None:
    for name in names:
        page.get_by_label(name, exact=True).check()
    save_and_continue(page, "/respond/review/")


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url("**/respond/results/")


def complete(page: Page, invitation_url: str, value=value_for, on_page=None) -> None:
    """The whole journey with the mouse, ending on the results page.

    ``on_page(label)`` is called on every page once it has loaded (landing to results).
    """
    visit = on_page or (lambda label: None)
    page.goto(invitation_url)
    visit("landing")
    page.get_by_role("button", name="Start the assessment").click()
    page.wait_for_url("**/respond/about/")
    visit("about")
    about(page)
    for number in range(1, CHARACTERISTIC_COUNT + 1):
        visit(f"characteristic {number}")
        answer_characteristic(page, number, value=value)
    visit("value")
    value_modes(page)
    visit("review")
    submit(page)
    visit("results")
