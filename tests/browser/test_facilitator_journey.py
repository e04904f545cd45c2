"""A new facilitator's whole journey in real Chromium, against the live server.

Sign in, set up a collaboration, add teams, fill in and print the planning canvas, set up and
open a round, copy a team link, print its QR poster, send personal invitations and a reminder,
and watch responses arrive on the tracking page. Every page on the way is checked at phone
(375 px) and desktop (1280 px) widths: axe-core WCAG 2.x A/AA, no sideways scrolling at 375 px,
and no Content-Security-Policy violation (the strict policy is on: see conftest.py).

A second test walks the key pages with JavaScript off: the invitation link stays selectable
text and the copy button stays hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from assessments.models import (
    Collaboration,
    Membership,
    Round,
    StakeholderGroup,
    Team,
    TeamLink,
)
from tests.assessments.helpers import complete
from tests.browser.conftest import (
    TIMEOUT_MS,
    CSPWatcher,
    axe_violations,
    describe_violations,
)
from tests.browser.helpers import path_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH, DESKTOP_WIDTH = 375, 1280
HEIGHT = 800
USERNAME, PASSWORD = "fay", "a long Passphrase 42"
NAME = "Riverside Frailty Partnership"
TEAMS = [("Acute Trust", "10"), ("Community Services", ""), ("Social Care", "")]


@dataclass
class Audit:
    """Checks each page at both widths and gathers every problem, reported at the end."""

    page: Page
    axe_source: str
    csp: CSPWatcher
    axe: dict[str, list] = field(default_factory=dict)
    csp_found: list[str] = field(default_factory=list)
    layout: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def check(self, label: str, *, status: int = 200) -> None:
        """``status``: the page's own status (400 for a form sent back with errors: Chromium
        then logs "Failed to load resource", which is expected, not a script error)."""
        page = self.page
        page.wait_for_load_state()
        where = f"{label} ({path_of(page)})"
        self.labels.append(label)
        for width in (PHONE_WIDTH, DESKTOP_WIDTH):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            if width == PHONE_WIDTH:
                self._no_sideways_scrolling(where)
            violations = axe_violations(page, self.axe_source)
            if violations:
                self.axe[f"{where} at {width} px"] = violations
        expected = f"status of {status} (Bad Request) ({page.url})" if status == 400 else None
        self.csp_found.extend(
            found for found in self.csp.collect(where) if not expected or expected not in found
        )

    def _no_sideways_scrolling(self, where: str) -> None:
        scroll_width, inner_width = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width + 1:
            wide = self.page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
            )
            self.layout.append(
                f"{where}: scrolls sideways ({scroll_width} > {inner_width}): {wide}"
            )

    def assert_clean(self) -> None:
        problems = []
        if self.axe:
            problems.append(
                "axe found violations:\n"
                + "\n".join(f"{where}:\n{describe_violations(v)}" for where, v in self.axe.items())
            )
        if self.csp_found:
            problems.append("CSP violations or script errors:\n" + "\n".join(self.csp_found))
        if self.layout:
            problems.append("Layout at 375 px:\n" + "\n".join(self.layout))
        assert not problems, "\n\n".join(problems)


def click_and_wait(page: Page, locator, url_glob: str) -> None:
    locator.click()
    page.wait_for_url(url_glob)


def collab_nav(page: Page, name: str):
    """A link of the collaboration's own navigation (Overview, Planning canvas, Teams, …)."""
    return page.get_by_role("navigation", name=NAME).get_by_role("link", name=name, exact=True)


def team_row(page: Page, team: str):
    """The row of the first tracking table (by team) whose row header is ``team``."""
    return (
        page.locator("table.tracking-table")
        .first.locator("tbody tr")
        .filter(has=page.get_by_role("rowheader", name=team, exact=True))
    )


def long_date(day) -> str:
    """Django's "j F Y" (as on the poster): 5 March 2027."""
    return f"{day.day} {day:%B %Y}"


def test_facilitator_journey(csp, context, axe_source, live_server, django_user_model, content):
    django_user_model.objects.create_user(USERNAME, "fay@example.org", PASSWORD)
    page = csp.page
    audit = Audit(page, axe_source, csp)
    url = live_server.url

    # 1. Sign in: lands on "My collaborations".
    page.goto(f"{url}/accounts/login/")
    audit.check("sign-in")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign in"), "**/facilitate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My collaborations")
    audit.check("home")

    # 2. Set up a collaboration; sent first without a way of creating value (an error).
    click_and_wait(
        page, page.get_by_role("link", name="Set up a new collaboration"), "**/facilitate/new/"
    )
    audit.check("new collaboration")
    page.get_by_label("Name of the collaboration").fill(NAME)
    page.get_by_label("Purpose statement").fill("Joined-up care for frail older people.")
    page.get_by_label("Communities of Practice", exact=True).check()
    page.get_by_role("button", name="Create the collaboration").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose at least one way")
    audit.check("new collaboration with an error", status=400)
    page.get_by_label("Shared learning", exact=True).check()
    page.get_by_label("Shared voice", exact=True).check()
    click_and_wait(
        page,
        page.get_by_role("button", name="Create the collaboration"),
        "**/facilitate/c/*/teams/",
    )
    collaboration = Collaboration.objects.get(name=NAME)
    # The default edition and stakeholder groups were kept.
    assert collaboration.framework_version == content
    assert len(collaboration.offered_group_choices) == len(StakeholderGroup.choices)
    assert set(collaboration.value_modes.values_list("name", flat=True)) == {
        "Shared learning",
        "Shared voice",
    }
    assert Membership.objects.get(collaboration=collaboration).user.username == USERNAME
    base = f"{url}/facilitate/c/{collaboration.pk}/"
    audit.check("teams (none yet)")

    # 3. Three teams, one with a headcount.
    for name, headcount in TEAMS:
        page.get_by_label("Team name").fill(name)
        page.get_by_label("Headcount (optional)").fill(headcount)
        page.get_by_role("button", name="Add the team").click()
        expect(page.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
    expect(
        page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Acute Trust"))
    ).to_contain_text("10")
    audit.check("teams")
    click_and_wait(
        page, page.get_by_role("link", name="Rename or archive Acute Trust"), "**/teams/*/"
    )
    expect(page.get_by_label("Headcount (optional)")).to_have_value("10")
    audit.check("team edit")

    # 4. The planning canvas: an answer, one consideration discussed with notes; it prints.
    click_and_wait(page, collab_nav(page, "Planning canvas"), "**/canvas/")
    audit.check("canvas (empty)")
    expect(page.get_by_role("heading", name="Not discussed yet (8)")).to_be_visible()
    answer = "Fewer emergency admissions of frail older people."
    page.locator("section[aria-labelledby=purpose-heading] textarea").first.fill(answer)
    consideration = page.locator("fieldset.canvas-item").first
    consideration.get_by_label("Discussed").check()
    consideration.get_by_label(re.compile("^Notes on")).fill("Agreed at the first meeting.")
    click_and_wait(page, page.get_by_role("button", name="Save the canvas"), "**/canvas/")
    expect(page.get_by_role("status")).to_contain_text("The planning canvas is saved.")
    expect(page.get_by_role("heading", name="Not discussed yet (7)")).to_be_visible()
    audit.check("canvas")
    page.emulate_media(media="print")
    expect(page.locator(f"form[action='/facilitate/c/{collaboration.pk}/canvas/']")).to_be_hidden()
    printed = page.locator("section.canvas-print")
    expect(printed).to_be_visible()
    expect(printed).to_contain_text(answer)
    expect(printed).to_contain_text("Agreed at the first meeting.")
    page.emulate_media(media="screen")
    expect(printed).to_be_hidden()

    # The other screens of the collaboration.
    click_and_wait(page, collab_nav(page, "Members"), "**/members/")
    expect(page.get_by_role("rowheader", name=f"{USERNAME} (you)")).to_be_visible()
    audit.check("members")
    click_and_wait(page, collab_nav(page, "Overview"), base)
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    audit.check("overview")
    click_and_wait(page, page.get_by_role("link", name="Edit the set-up"), "**/edit/")
    expect(page.get_by_label("Shared learning", exact=True)).to_be_checked()
    audit.check("edit set-up")
    click_and_wait(page, collab_nav(page, "Overview"), base)

    # 5. Set up a round: a minimum group size of 2 is refused, 3 is taken; then open it.
    click_and_wait(page, page.get_by_role("link", name="Set up a round"), "**/rounds/new/")
    audit.check("round form")
    page.get_by_label("Title").fill("Spring 2027")
    page.get_by_label("Minimum group size").fill("2")
    page.get_by_role("button", name="Set up the round").click()
    expect(page.locator(".error-summary")).to_contain_text("at least 3")
    audit.check("round form with an error", status=400)
    page.get_by_label("Minimum group size").fill("3")
    # Automatic reminders: a week and two days before closing unless chosen otherwise.
    expect(page.get_by_label("A week and two days before the round closes")).to_be_checked()
    page.get_by_label("Two days before it closes", exact=True).check()
    page.get_by_label("Expected response rate per team (%)").fill("50")
    click_and_wait(
        page, page.get_by_role("button", name="Set up the round"), re.compile(r".*/rounds/\d+/$")
    )
    round = Round.objects.get(collaboration=collaboration)
    assert (round.min_group_size, round.framework_version) == (3, content)
    assert (round.reminder_schedule, round.expected_response_rate) == ("2", 50)
    assert round.opens_on == timezone.localdate()
    audit.check("round (planned)")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("status").filter(has_text="is open for answers")).to_be_visible()
    round.refresh_from_db()
    assert round.status == Round.Status.OPEN
    audit.check("round (open)")

    # 6. Copy a team's link (the script shows the button; the clipboard is granted).
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    acute = TeamLink.objects.get(round=round, team__name="Acute Trust")
    card = page.locator(".team-link").filter(
        has=page.get_by_role("heading", name="Acute Trust", exact=True)
    )
    link_field = card.get_by_label("Invitation link for Acute Trust")
    expect(link_field).to_have_value(f"{url}/i/{acute.token}/")
    copy = card.get_by_role("button", name="Copy the link for Acute Trust")
    expect(copy).to_be_visible()
    copy.click()
    expect(card.locator(".copy-status")).to_have_text("Copied.")
    try:
        clipboard = page.evaluate("() => navigator.clipboard.readText()")
    except Exception:  # reading is best effort: the write was confirmed above
        clipboard = None
    if clipboard is not None:
        assert clipboard == f"{url}/i/{acute.token}/"

    # 7. Its QR code poster: the image loads, and it prints without the site's header.
    click_and_wait(
        page, card.get_by_role("link", name="QR code poster for Acute Trust"), "**/poster/"
    )
    qr = page.locator("img.poster-qr")
    expect(qr).to_have_attribute("src", re.compile(r"/qr\.svg$"))
    page.wait_for_function(
        "() => { const i = document.querySelector('img.poster-qr');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator(".poster")).to_contain_text(long_date(round.closes_on))
    expect(page.locator(".poster-privacy")).to_contain_text("anonymous")
    audit.check("poster")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(qr).to_be_visible()
    page.emulate_media(media="screen")
    click_and_wait(
        page, page.get_by_role("link", name="Back to Spring 2027"), re.compile(r".*/rounds/\d+/$")
    )

    # 8. Personal invitations: two sent, one refused; then a reminder to both.
    click_and_wait(page, page.get_by_role("link", name="Personal invitations"), "**/invitations/")
    audit.check("invitations")
    page.get_by_label("E-mail addresses").fill(
        "lee@example.org\nSam Jones <sam@example.org>\nnot-an-address"
    )
    page.get_by_role("button", name="Send the invitations").click()
    report = page.locator(".invitation-report")
    expect(report).to_contain_text("Added 2")
    expect(report).to_contain_text("Refused")
    expect(report).to_contain_text("not-an-address")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "lee@example.org",
        "sam@example.org",
    ]
    audit.check("invitations with a report")
    click_and_wait(page, page.get_by_role("button", name="Send a reminder"), "**/invitations/")
    expect(page.get_by_role("status").filter(has_text="A reminder is going")).to_be_visible()
    assert len(mail.outbox) == 4
    assert sorted(message.to[0] for message in mail.outbox[2:]) == [
        "lee@example.org",
        "sam@example.org",
    ]
    assert all(message.subject.startswith("Reminder") for message in mail.outbox[2:])
    expect(page.get_by_role("button", name="Send a reminder")).to_be_disabled()
    audit.check("invitations after a reminder")

    # 9. Response tracking: nothing to show, then 3 and 3 responses from two teams.
    page.goto(f"{base}rounds/{round.pk}/")
    click_and_wait(page, page.get_by_role("link", name="Response tracking"), "**/tracking/")
    for name, _headcount in TEAMS:
        expect(team_row(page, name).locator("td").nth(1)).to_have_text("no responses yet")
    # Every team is to be chased up, and the next reminder is two days before closing.
    chase_up = page.get_by_role("region", name="Teams to chase up")
    expect(chase_up.get_by_role("listitem")).to_have_count(len(TEAMS))
    expect(chase_up).to_contain_text(
        f"Next automatic reminder: {long_date(round.closes_on - timedelta(days=2))}"
    )
    audit.check("tracking (no responses)")
    version = round.framework_version
    for name in ("Acute Trust", "Community Services"):
        link = TeamLink.objects.get(round=round, team__name=name)
        for _ in range(3):
            complete(Client(), link.token, version)
    page.reload()
    for name in ("Acute Trust", "Community Services"):
        cells = team_row(page, name).locator("td")
        expect(cells.nth(0)).to_have_text("3 to 5")  # started, live in steps of k
        expect(cells.nth(1)).to_have_text("3 to 5")  # submitted, likewise
        expect(cells.nth(2)).to_have_text("3")  # counted in the results
    # 3 counted of a headcount of 10.
    expect(team_row(page, "Acute Trust").locator(".rate")).to_have_text("30%")
    expect(team_row(page, "Social Care").locator("td").nth(1)).to_have_text("no responses yet")
    # Social Care has nobody; Acute Trust's "3 to 5" is not known to reach its 5 (50 % of 10);
    # Community Services (no headcount) has reached k.
    expect(chase_up.get_by_role("listitem")).to_have_text(
        [
            re.compile(r"^Social Care: no responses yet, 3 expected$"),
            re.compile(r"^Acute Trust: 3 to 5 submitted, 5 expected \(50% of 10\)$"),
        ]
    )
    audit.check("tracking")

    expected = {
        "sign-in", "home", "new collaboration", "overview", "edit set-up", "canvas", "teams",
        "team edit", "members", "round form", "round (open)", "poster", "invitations", "tracking",
    }  # fmt: skip
    assert expected <= set(audit.labels), expected - set(audit.labels)
    audit.assert_clean()


def test_key_pages_work_without_javascript(
    browser: Browser, live_server, django_user_model, content
):
    """With JavaScript off the facilitator signs in and reaches every key page; each team's
    link is selectable text in a read-only field, and no copy button shows."""
    user = django_user_model.objects.create_user(USERNAME, "fay@example.org", PASSWORD)
    collaboration = Collaboration.objects.create(name=NAME, framework_version=content)
    Membership.objects.create(user=user, collaboration=collaboration, role="owner")
    team = Team.objects.create(collaboration=collaboration, name="Acute Trust", headcount=10)
    today = timezone.localdate()
    round = Round.objects.create(
        collaboration=collaboration,
        framework_version=content,
        title="Spring 2027",
        opens_on=today,
        closes_on=today + timedelta(days=28),
        status=Round.Status.OPEN,
        min_group_size=3,
    )
    link = TeamLink.objects.create(round=round, team=team)
    invitation = f"{live_server.url}/i/{link.token}/"
    base = f"{live_server.url}/facilitate/c/{collaboration.pk}/"

    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(USERNAME)
        page.get_by_label("Password").fill(PASSWORD)
        click_and_wait(page, page.get_by_role("button", name="Sign in"), "**/facilitate/")
        expect(page.get_by_role("link", name=NAME)).to_be_visible()

        for path, heading in [
            ("", NAME),
            ("canvas/", "Planning canvas"),
            ("teams/", "Teams"),
            ("members/", "Members"),
            (f"rounds/{round.pk}/tracking/", "Response tracking"),
            (f"rounds/{round.pk}/invitations/", "Personal invitations"),
            (f"rounds/{round.pk}/teams/{team.pk}/poster/", NAME),
        ]:
            response = page.goto(base + path)
            assert response.status == 200, path
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)

        # A form works too: add a team.
        page.goto(base + "teams/")
        page.get_by_label("Team name").fill("Social Care")
        click_and_wait(page, page.get_by_role("button", name="Add the team"), base + "teams/")
        expect(page.get_by_role("rowheader", name="Social Care", exact=True)).to_be_visible()

        page.goto(f"{base}rounds/{round.pk}/")
        field_ = page.get_by_label("Invitation link for Acute Trust")
        expect(field_).to_be_visible()
        expect(field_).to_have_value(invitation)
        expect(field_).to_have_attribute("readonly", "")
        # One copy button per team (the team added above got its link too), none visible.
        copy_buttons = page.locator("button.copy-button")
        expect(copy_buttons).to_have_count(2)
        for index in range(2):
            expect(copy_buttons.nth(index)).to_be_hidden()
        expect(page.get_by_role("button", name=re.compile("^Copy"))).to_have_count(0)
        # Selectable: the text can be selected with the keyboard or mouse (select() here is
        # the driver's, the page runs no script).
        field_.select_text()
        selected = page.evaluate(
            "() => { const f = document.activeElement;"
            " return f.value.substring(f.selectionStart, f.selectionEnd); }"
        )
        assert selected == invitation
    finally:
        context.close()
