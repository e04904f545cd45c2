"""Issue 20's "Done when", tried as a facilitator would, in real Chromium on the demo data.

A partner answers the demo's open round and keeps their private results link. The demo
facilitator closes the round, shares its results, opens a consensus workshop (its date, how many
took part), records on two characteristics an agreed score with its reasoning (one with a
dissent), adds an action from the workshop and makes a board link. The partner then opens their
results link, and anyone the board link, on a phone (375 × 667) and at 1280 × 800: both show
the collaboration's results with the agreed scores and their label. Last, the facilitator
downloads the two-page summary, a PDF of at most two pages.

Every page on the way is checked at both sizes: axe-core finds no WCAG 2.2 A/AA violation,
nothing scrolls sideways at 375 px, and no Content-Security-Policy violation or script error
occurs (the strict policy is on: see conftest.py). Problems are gathered and reported together.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from assessments.demo import DEMO_FACILITATOR, DEMO_NAME, demo_load
from assessments.models import Action, Agreement, BoardLink, ResultsRelease, Round, Workshop
from tests.browser.conftest import (
    CSP_INIT_SCRIPT,
    TIMEOUT_MS,
    CSPWatcher,
    axe_violations,
    describe_violations,
)
from tests.browser.helpers import complete, path_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "a long Passphrase 42"
PARTICIPANTS = 14
BOARD_LABEL = "Riverside ICB board, March meeting"
# What the room agreed on the first two characteristics it discussed: (score, reasoning, dissent).
AGREED = [
    (
        "2",
        "Two camps: the joint discharge team sees goodwill, others do not. A 2 for now.",
        "Some would score 4: trust has grown where teams work side by side.",
    ),
    ("4", "Agreed quickly: the survey matches what the room sees.", ""),
]
ACTION = "Hold a trust-building session with every partner's front-line leads"


@dataclass
class Audit:
    """Checks each page at both sizes and gathers every problem, reported at the end."""

    axe_source: str
    axe: dict[str, str] = field(default_factory=dict)
    csp: list[str] = field(default_factory=list)
    layout: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def check(self, watcher: CSPWatcher, label: str, on_each=None) -> None:
        """The page is loaded again at each size (a chart is drawn for the width the page was
        loaded at); ``on_each(page)`` runs at each size too."""
        page = watcher.page
        self.labels.append(label)
        for size in (PHONE, DESKTOP):
            if page.viewport_size != size:
                page.set_viewport_size(size)
                page.reload()
            page.wait_for_load_state()
            where = f"{label} ({path_of(page)}) at {size['width']} px"
            if on_each is not None:
                on_each(page)
            if size is PHONE:
                scroll = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                if scroll > 1:
                    self.layout.append(f"{where}: scrolls sideways by {scroll} px")
            violations = axe_violations(page, self.axe_source)
            if violations:
                self.axe[where] = describe_violations(violations)
        self.csp.extend(watcher.collect(label))

    def assert_clean(self) -> None:
        problems = []
        if self.axe:
            problems.append(
                "axe found violations:\n"
                + "\n".join(f"{where}:\n{found}" for where, found in self.axe.items())
            )
        if self.csp:
            problems.append("CSP violations or script errors:\n" + "\n".join(self.csp))
        if self.layout:
            problems.append("Layout at 375 px:\n" + "\n".join(self.layout))
        assert not problems, "\n\n".join(problems)


@pytest.fixture
def watched(browser: Browser):
    """A new browser (its own cookies) whose pages report CSP violations: ``watched()``."""
    contexts = []

    def make() -> CSPWatcher:
        context = browser.new_context(viewport=PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_INIT_SCRIPT)
        contexts.append(context)
        return CSPWatcher(context.new_page()).attach()

    yield make
    for context in contexts:
        context.close()


def click_and_wait(page: Page, locator, url) -> None:
    locator.click()
    page.wait_for_url(url)


def shows_the_agreed_scores(label: str, agreed: dict[int, str]):
    """A check for the shared page: the collaboration's results with the agreed scores beside
    the survey's, labelled as agreed in a workshop (date, how many took part)."""

    def check(page: Page) -> None:
        expect(page.get_by_role("heading", level=1)).to_contain_text("The collaboration’s results")
        expect(page.locator("main")).to_contain_text(label)
        table = page.locator("table.shared-table")
        expect(table.locator("thead th").last).to_have_text("Agreed in the workshop")
        for number, score in agreed.items():
            row = table.locator("tbody tr").filter(has_text=re.compile(rf"\b{number}\. "))
            expect(row.locator("td").last).to_have_text(score)
        # Team names stay hidden (the release did not share them).
        expect(page.locator("main")).not_to_contain_text("Riverside Council Adult Social Care")

    return check


def test_close_the_loop(watched, axe_source, live_server, content):
    demo_round = demo_load()
    collaboration = demo_round.collaboration
    facilitator = get_user_model().objects.get(username=DEMO_FACILITATOR)
    facilitator.set_password(PASSWORD)
    facilitator.save(update_fields=["password"])
    url = live_server.url
    audit = Audit(axe_source)
    team_link = demo_round.team_links.select_related("team").order_by("team__name").first()

    # 1. A partner answers the open round and keeps their private results link.
    partner = watched()
    complete(partner.page, f"{url}/i/{team_link.token}/")
    results_link = partner.page.locator("a.resume-link").get_attribute("href")
    assert results_link.startswith("/resume/"), results_link
    partner.page.context.close()

    # 2. The facilitator signs in and closes the round.
    f = watched()
    page = f.page
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(DEMO_FACILITATOR)
    page.get_by_label("Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign in"), "**/facilitate/")
    click_and_wait(page, page.get_by_role("link", name=DEMO_NAME), f"**/c/{collaboration.pk}/")
    click_and_wait(
        page,
        page.get_by_role("link", name=demo_round.title, exact=True),
        f"**/rounds/{demo_round.pk}/",
    )
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("status").filter(has_text="is closed")).to_be_visible()
    assert Round.objects.get(pk=demo_round.pk).status == Round.Status.CLOSED
    audit.check(f, "round (closed)")

    # 3. Share its results with the partners (team names hidden, comments not shared).
    click_and_wait(
        page,
        page.get_by_role("link", name="Share the results with partners"),
        "**/sharing/",
    )
    audit.check(f, "sharing (not shared)")
    expect(page.get_by_label("Show teams by name")).not_to_be_checked()
    click_and_wait(page, page.get_by_role("button", name="Share the results"), "**/sharing/")
    expect(page.get_by_role("status").filter(has_text="Results shared")).to_be_visible()
    release = ResultsRelease.objects.get(round=demo_round)
    assert release.is_live and not release.share_team_names and not release.share_comments
    audit.check(f, "sharing (shared)")

    # 4. Make a board link, and read it from the page as the facilitator would copy it.
    page.get_by_label("Who the link is for").fill(BOARD_LABEL)
    click_and_wait(page, page.get_by_role("button", name="Make the link"), "**/sharing/")
    board_url = page.get_by_label(f"Board link for {BOARD_LABEL}").input_value()
    link = BoardLink.objects.get(round=demo_round)
    assert board_url == f"{url}/b/{link.token}/"
    audit.check(f, "sharing (a board link)")

    # 5. Open the workshop: its date and how many took part; team names hidden on the screen.
    page.goto(f"{url}/facilitate/c/{collaboration.pk}/rounds/{demo_round.pk}/")
    click_and_wait(page, page.get_by_role("link", name="Consensus workshop"), "**/workshop/")
    audit.check(f, "workshop (set-up)")
    today = timezone.localdate()
    page.get_by_label("Date of the workshop").fill(today.isoformat())
    page.get_by_label("How many took part").fill(str(PARTICIPANTS))
    expect(page.get_by_label("Hide team names on the shared screen")).to_be_checked()
    click_and_wait(page, page.get_by_role("button", name="Open the workshop"), "**/workshop/")
    expect(page.get_by_role("status").filter(has_text="The workshop is open")).to_be_visible()
    workshop = Workshop.objects.get(round=demo_round)
    assert (workshop.held_on, workshop.participants) == (today, PARTICIPANTS)
    audit.check(f, "workshop")

    # 6. The projector view: on the first characteristic, an agreed score with a dissent; the
    # keyboard moves on to the next, where the room agrees a score and an action.
    click_and_wait(
        page, page.get_by_role("link", name="Start the projector view"), "**/workshop/c/*/"
    )
    numbers = []
    for position, (score, reasoning, dissent) in enumerate(AGREED):
        if position:
            following = page.locator(".projector-nav a[rel=next]").get_attribute("href")
            page.locator("body").press("ArrowRight")
            page.wait_for_url(f"{url}{following}")
        numbers.append(int(re.search(r"/workshop/c/(\d+)/", page.url).group(1)))
        page.get_by_role("radio", name=re.compile(rf"^{score}\b")).check()
        page.get_by_label("Why the room agreed this").fill(reasoning)
        if dissent:
            page.get_by_label("Dissent (optional)").fill(dissent)
        click_and_wait(
            page, page.get_by_role("button", name="Record what the room agreed"), page.url
        )
        expect(page.get_by_role("status").filter(has_text="Recorded")).to_be_visible()
        history = page.locator(".agreement-history li").first
        expect(history).to_contain_text(f"Agreed score {score}")
        if dissent:
            expect(history).to_contain_text(dissent)
    page.get_by_label("What will be done").fill(ACTION)
    click_and_wait(page, page.get_by_role("button", name="Add to the plan"), page.url)
    expect(page.get_by_role("status").filter(has_text="is in the plan")).to_be_visible()
    audit.check(f, "projector view")

    agreements = Agreement.objects.filter(workshop=workshop).current()
    assert {n: (str(a.score), a.reasoning, a.dissent) for n, a in agreements.items()} == dict(
        zip(numbers, AGREED, strict=True)
    )
    action = Action.objects.get(workshop=workshop)
    assert (action.title, action.characteristic_number, action.round_id) == (
        ACTION,
        numbers[1],
        demo_round.pk,
    )
    agreed = {number: score for number, (score, _, _) in zip(numbers, AGREED, strict=True)}
    label = f"Agreed in a workshop on {date_format(today, 'j F Y')} by {PARTICIPANTS} people"

    # 7. The partner opens their private results link, then the collaboration's results.
    partner = watched()
    page = partner.page
    page.goto(f"{url}{results_link}")
    page.wait_for_url("**/respond/results/")
    click_and_wait(
        page,
        page.get_by_role("link", name="Your collaboration’s results"),
        "**/respond/results/collaboration/",
    )
    audit.check(partner, "partner's shared results", shows_the_agreed_scores(label, agreed))
    expect(page.locator("main")).to_contain_text(ACTION)

    # 8. The board link, in a browser that never signed in.
    board = watched()
    board.page.goto(board_url)
    audit.check(board, "board link", shows_the_agreed_scores(label, agreed))

    # 9. The two-page summary for the board pack, from the round's results.
    page = f.page
    page.goto(f"{url}/facilitate/c/{collaboration.pk}/rounds/{demo_round.pk}/")
    click_and_wait(page, page.get_by_role("link", name="Results", exact=True), "**/results/")
    audit.check(f, "results overview")
    summary = page.get_by_role("link", name=re.compile("^Two-page summary"))
    with page.expect_download() as download_info:
        summary.click()
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert 1 <= len(PdfReader(io.BytesIO(pdf)).pages) <= 2

    expected = {
        "round (closed)", "sharing (shared)", "sharing (a board link)", "workshop (set-up)",
        "workshop", "projector view", "partner's shared results", "board link",
        "results overview",
    }  # fmt: skip
    assert expected <= set(audit.labels), expected - set(audit.labels)
    audit.assert_clean()
