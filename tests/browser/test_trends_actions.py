"""Trends across rounds and the action plan in real Chromium, against the live server.

The data (``history``): three rounds of the collaboration, every response through the real
submit service (k = 5 in each):

- "Spring round" (edition 2, closed): 5 per team (6 staff, 9 patients);
- "Summer round" (edition 1, closed): Acute Trust 5 (staff), Community Services 5 (patients),
  Social Care 2 (one of each), submitted team by team. A response is counted only together
  with at least k - 1 others of its team and of its stakeholder group (docs/privacy.md), so
  Acute Trust and Community Services are counted in full while Social Care's two wait for good:
  its cells read "no responses counted yet" and its line has a gap there;
- "Autumn round" (edition 2, open): 5 per team (9 staff, 6 patients).

So the edition changes twice (2 → 1 → 2): the trends page lists the statements added and
dropped and the chart marks where each edition starts. Two actions are already in the plan: an
overdue one (due two weeks ago, "doing") raised from the Summer round, and a planned one raised
from the Spring round.

What is checked:

1. the trends page, the three action pages and the open round's results overview (with its
   "Since the previous round" table) at 375 and 1280 px: axe-core WCAG 2.x A/AA, no CSP
   violation or script error, nothing sideways-scrolling at 375 px outside keyboard-focusable
   ``.table-responsive`` regions;
2. the trend chart plotly drew carries the numbers of its table, and marks the edition change;
3. the characteristic select and its "Show" button, by keyboard and without JavaScript;
4. a facilitator adds an action from a priority card by keyboard, changes its status (the
   history says who, from and to), and the open round shows the overdue earlier action;
5. a viewer reads the plan and the history but gets no form, no "Add an action" link, and a
   403 when she posts a change anyway.
"""

from __future__ import annotations

import re
from datetime import timedelta
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from assessments.models import Action, ActionChange, OfferedGroup, Round, RoundSnapshot, Team
from assessments.services.actions import action_create
from frameworks.models import Suggestion
from tests.assessments.results_data import submit
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.test_group_results import (
    Audit,
    drawn_traces,
    number_in,
    sign_in,
    wait_for_chart,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

K = 5
ACUTE, COMMUNITY, SOCIAL = "Acute Trust", "Community Services", "Social Care"
STAFF, PATIENT = "partner_staff", "patient"
GOVERNANCE = 7  # "Enabling governance processes" in both editions
OVERDUE_TITLE = "Write a shared risk and decision log"
PLANNED_TITLE = "Publish a quarterly dashboard of the shared measures"
NEW_TITLE = "Agree a shared purpose statement at the board"

# Each round: title, edition (1 or 2), opens (days from today), (team, group) of each response.
ROUNDS = [
    (
        "Spring round",
        2,
        -200,
        [(team, STAFF) for team in (ACUTE, COMMUNITY, SOCIAL) for _ in range(2)]
        + [(team, PATIENT) for team in (ACUTE, COMMUNITY, SOCIAL) for _ in range(3)],
    ),
    (
        "Summer round",
        1,
        -100,
        [(ACUTE, STAFF)] * 5 + [(COMMUNITY, PATIENT)] * 5
        + [(SOCIAL, STAFF), (SOCIAL, PATIENT)],
    ),
    (
        "Autumn round",
        2,
        -1,
        [(team, STAFF) for team in (ACUTE, COMMUNITY, SOCIAL) for _ in range(3)]
        + [(team, PATIENT) for team in (ACUTE, COMMUNITY, SOCIAL) for _ in range(2)],
    ),
]  # fmt: skip
# Each round's score for each characteristic, before the team's offset and the response's +1.
BASE = [
    {1: 3, 2: 3, 3: 4, 4: 3, 5: 3, 6: 2, 7: 2, 8: 3},
    {1: 3, 2: 4, 3: 4, 4: 3, 5: 3, 6: 3, 7: 2, 8: 3},
    {1: 2, 2: 4, 3: 4, 4: 4, 5: 3, 6: 3, 7: 3, 8: 3},
]
OFFSET = {ACUTE: 1, COMMUNITY: 0, SOCIAL: -1}


def value_of(round_index: int, team: str, index: int, number: int) -> int:
    """Every statement of a characteristic gets the same answer from one respondent, so a
    score is the plain mean of these values."""
    return max(1, min(5, BASE[round_index][number] + OFFSET[team] + index % 2))


def counted(round_index: int) -> list[tuple[int, str]]:
    """(index, team) of the responses the round's figures count: those of the teams with at
    least k responses. With the data above that is exactly what the release rule counts (every
    stakeholder group then holds at least k of them, and the teams of fewer than k are
    submitted last); ``history`` checks it against each snapshot."""
    people = ROUNDS[round_index][3]
    sizes = {team: sum(t == team for t, _group in people) for team, _group in people}
    return [(index, t) for index, (t, _group) in enumerate(people) if sizes[t] >= K]


def expected_mean(round_index: int, number: int, team: str | None = None) -> str | None:
    """The mean a page shows (two decimals; with n = 5, 10 or 15 there is no tie to round),
    over the counted responses; None where nobody of ``team`` is counted."""
    values = [
        value_of(round_index, t, index, number)
        for index, t in counted(round_index)
        if team is None or t == team
    ]
    return f"{float(Fraction(sum(values), len(values))):.2f}" if values else None


@pytest.fixture
def history(open_round, collaboration, content, edition1, fred):
    """The three rounds above (the open one last) and the two actions; returns the rounds."""
    for slug in (STAFF, PATIENT):
        OfferedGroup.objects.create(collaboration=collaboration, group=slug)
    teams = {t.name: t for t in Team.objects.filter(collaboration=collaboration)}
    today = timezone.localdate()
    rounds = []
    for round_index, (title, edition, opens_in, people) in enumerate(ROUNDS):
        if round_index == len(ROUNDS) - 1:
            round = open_round
            assert (round.title, round.opens_on) == (title, today + timedelta(days=opens_in))
        else:
            round = Round.objects.create(
                collaboration=collaboration,
                framework_version=edition1 if edition == 1 else content,
                title=title,
                opens_on=today + timedelta(days=opens_in),
                closes_on=today,
                status=Round.Status.OPEN,
            )
        assert round.min_group_size == K and round.framework_version.number == edition
        for index, (team, group) in enumerate(people):
            submit(
                round,
                team=teams[team],
                group=group,
                value=lambda i, r=round_index, t=team, x=index: value_of(
                    r, t, x, i.characteristic.number
                ),
            )
        # Every response of a team of k or more counted, the others still waiting.
        assert RoundSnapshot.objects.get(round=round).responses == len(counted(round_index))
        if round is not open_round:
            Round.objects.filter(pk=round.pk).update(
                status=Round.Status.CLOSED, closes_on=today + timedelta(days=opens_in + 40)
            )
        rounds.append(round)
    spring, summer, _autumn = rounds
    action_create(
        collaboration=collaboration,
        user=fred,
        round=summer,
        data={
            "title": OVERDUE_TITLE,
            "characteristic_number": GOVERNANCE,
            "owner": "Partnership board secretary",
            "due_on": today - timedelta(days=14),
            "status": Action.Status.DOING,
            "notes": "",
        },
    )
    action_create(
        collaboration=collaboration,
        user=fred,
        round=spring,
        data={
            "title": PLANNED_TITLE,
            "characteristic_number": 6,
            "owner": "Business intelligence team",
            "due_on": today + timedelta(days=45),
            "status": Action.Status.PLANNED,
            "notes": "Shared with every partner's board.",
        },
    )
    return rounds


# --- Helpers --------------------------------------------------------------------------------


def url_of(live_server, name: str, *args) -> str:
    return live_server.url + reverse(name, args=args)


def trends_url(live_server, collaboration_id: int) -> str:
    return url_of(live_server, "facilitate_trends", collaboration_id)


def overview_url(live_server, round) -> str:
    return url_of(live_server, "results_overview", round.collaboration_id, round.pk)


def tab_to(page: Page, target: Locator, limit: int = 150) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    target.wait_for()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target}")


def table_rows(page: Page, table_id: str) -> dict[str, list[str]]:
    """Row header -> the texts of its cells, of one trend table."""
    rows = {}
    for row in page.locator(f"table#{table_id} tbody tr").all():
        label = row.locator("th").inner_text().strip()
        rows[label] = [" ".join(c.split()) for c in row.locator("td").all_inner_texts()]
    return rows


def shown_value(cell: str) -> float | None:
    """A trend cell's mean ("3.40 n=5"), or None where it says why it is missing ("– …")."""
    return None if cell.startswith("–") else number_in(cell)


# --- 1. Every page at both widths -----------------------------------------------------------


def test_trends_and_action_pages_pass_axe_csp_and_phone_layout(
    csp, axe_source, live_server, history, fred
):
    _spring, summer, autumn = history
    collaboration_id = autumn.collaboration_id
    overdue = Action.objects.get(title=OVERDUE_TITLE)
    suggestion = Suggestion.objects.filter(
        characteristic__version=autumn.framework_version, characteristic__number=1
    ).first()
    page = csp.page
    sign_in(page, live_server)
    audit = Audit(page, axe_source, csp)
    trends = trends_url(live_server, collaboration_id)
    audit.check("trends", trends, charts=("trend-collaboration", "trend-teams", "trend-groups"))
    audit.check(
        "trends, governance",
        f"{trends}?c={GOVERNANCE}",
        charts=("trend-collaboration", "trend-teams", "trend-groups"),
    )
    audit.check("action plan", url_of(live_server, "facilitate_actions", collaboration_id))
    audit.check(
        "new action from a suggestion",
        url_of(live_server, "facilitate_action_new", collaboration_id)
        + f"?round={autumn.pk}&c=1&suggestion={suggestion.pk}",
    )
    audit.check("action", url_of(live_server, "facilitate_action", collaboration_id, overdue.pk))
    audit.check(
        "results overview with actions", overview_url(live_server, autumn), charts=("radar",)
    )
    audit.check("earlier results overview", overview_url(live_server, summer), charts=("radar",))
    # The pages carry what was audited: the edition section, the since table, the links.
    page.goto(trends)
    expect(page.get_by_role("heading", name="The framework’s edition changed")).to_be_visible()
    page.goto(overview_url(live_server, autumn))
    expect(
        page.get_by_role("table", name=re.compile("^Change in the collaboration"))
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Add an action"))).not_to_have_count(0)
    audit.assert_clean()


# --- 2. The trend chart and its table agree -------------------------------------------------


def test_the_trend_chart_draws_the_numbers_of_its_table_and_marks_the_edition(
    page: Page, live_server, history, fred
):
    sign_in(page, live_server)
    page.goto(trends_url(live_server, history[0].collaboration_id))
    titles = [title for title, *_ in ROUNDS]
    for holder, table_id in [
        ("trend-collaboration", "trend-collaboration-table"),
        ("trend-teams", "trend-teams-table"),
        ("trend-groups", "trend-groups-table"),
    ]:
        wait_for_chart(page, holder)
        drawn = {t["name"]: t for t in drawn_traces(page, holder)}
        rows = table_rows(page, table_id)
        assert set(drawn) == set(rows), holder  # one line per table row
        for label, cells in rows.items():
            assert drawn[label]["x"] == titles, label
            assert drawn[label]["y"] == [shown_value(c) for c in cells], f"{holder}: {label}"

    # The table's numbers are the rounds' own (the chart could not agree with a wrong table
    # by chance): every characteristic, every round; the Summer round on edition 1.
    rows = table_rows(page, "trend-collaboration-table")
    assert len(rows) == 8
    for number in range(1, 9):
        (cells,) = [c for label, c in rows.items() if label.startswith(f"{number}. ")]
        assert cells == [f"{expected_mean(r, number)} n={len(counted(r))}" for r in range(3)]
    # Where a team was too small for any of its responses to be counted, its cell says why,
    # and its line has a gap.
    teams = table_rows(page, "trend-teams-table")
    assert teams[SOCIAL][1] == "– no responses counted yet"
    social = [t for t in drawn_traces(page, "trend-teams") if t["name"] == SOCIAL]
    assert social[0]["y"][1] is None

    # The edition mark: two dashed vertical lines before the Summer and Autumn rounds, each
    # with its note, in what plotly drew (layout and SVG).
    layout = page.evaluate(
        """() => { const l = document.getElementById('trend-collaboration').layout;
            return {shapes: l.shapes.map(s => [s.x0, s.line.dash]),
                    notes: l.annotations.map(a => a.text)}; }"""
    )
    assert layout == {
        "shapes": [[0.5, "dash"], [1.5, "dash"]],
        "notes": ["Edition 1 from here", "Edition 2 from here"],
    }
    chart = page.locator("#trend-collaboration")
    expect(chart.locator(".annotation-text")).to_have_text(
        ["Edition 1 from here", "Edition 2 from here"]
    )
    expect(chart.locator(".shapelayer path")).to_have_count(2)
    header = page.locator("table#trend-collaboration-table thead th")
    expect(header.nth(2)).to_contain_text("edition 1 from here")
    expect(header.nth(3)).to_contain_text("edition 2 from here")


# --- 3. The characteristic select, by keyboard and without JavaScript -----------------------


def choose_by_keyboard(page: Page, number: int) -> None:
    """Tab to the characteristic select, arrow down to ``number``, Tab to "Show", Enter."""
    select = page.get_by_label("Characteristic", exact=True)
    tab_to(page, select)  # from the top of the page, just loaded
    expect(select).to_have_value("1")
    for _ in range(number - 1):
        page.keyboard.press("ArrowDown")
    expect(select).to_have_value(str(number))
    show = page.get_by_role("button", name="Show", exact=True)
    tab_to(page, show, limit=3)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/trends/?c={number}")


def expect_governance_breakdown(page: Page) -> None:
    expect(
        page.get_by_role("heading", level=2, name=re.compile("^Teams and stakeholder"))
    ).to_have_text(f"Teams and stakeholder groups: {GOVERNANCE}. Enabling governance processes")
    expect(page.get_by_label("Characteristic", exact=True)).to_have_value(str(GOVERNANCE))
    teams = table_rows(page, "trend-teams-table")
    assert {team: [shown_value(c) for c in cells] for team, cells in teams.items()} == {
        team: [
            float(mean) if (mean := expected_mean(r, GOVERNANCE, team)) else None for r in range(3)
        ]
        for team in (ACUTE, COMMUNITY, SOCIAL)
    }


def test_the_characteristic_select_works_by_keyboard_and_without_javascript(
    browser: Browser, page: Page, live_server, history, fred
):
    url = trends_url(live_server, history[0].collaboration_id)
    sign_in(page, live_server)
    page.goto(url)
    wait_for_chart(page, "trend-teams")
    before = table_rows(page, "trend-teams-table")
    choose_by_keyboard(page, GOVERNANCE)
    expect_governance_breakdown(page)
    assert table_rows(page, "trend-teams-table") != before
    wait_for_chart(page, "trend-teams")

    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, live_server)
        page.goto(url)
        expect(page.locator(".trend-chart svg")).to_have_count(0)  # no chart: the tables say it
        choose_by_keyboard(page, GOVERNANCE)
        expect_governance_breakdown(page)
    finally:
        context.close()


# --- 4. A facilitator's action, by keyboard --------------------------------------------------


def history_rows(page: Page) -> list[list[str]]:
    """The history table's rows: who, what, from, to (newest first; the time left out)."""
    table = page.get_by_role("table", name="Every change to this action, newest first")
    return [
        [" ".join(c.split()) for c in row.locator("td").all_inner_texts()[1:]]
        for row in table.locator("tbody tr").all()
    ]


def test_a_facilitator_adds_an_action_from_a_priority_and_tracks_it_by_keyboard(
    page: Page, live_server, history, fred
):
    _spring, _summer, autumn = history
    sign_in(page, live_server)
    overview = overview_url(live_server, autumn)
    page.goto(overview)

    # The first priority is "Purpose with values" (2.47): its card links to a new action.
    card = (
        page.get_by_role("region", name="What to work on first")
        .locator("article.suggestion-card")
        .first
    )
    expect(card.get_by_role("heading", level=3)).to_contain_text("1. Purpose with values")
    link = card.get_by_role("link", name="Add an action on purpose with values")
    tab_to(page, link)  # from the top of the page, just loaded: no mouse anywhere
    page.keyboard.press("Enter")
    page.wait_for_url("**/actions/new/?round=*")
    expect(page.get_by_text(f"Raised from the results of {autumn.title}.")).to_be_visible()
    expect(page.get_by_label("Characteristic it works on")).to_have_value("1")
    tab_to(page, page.get_by_label("What will be done"))
    page.keyboard.type(NEW_TITLE)
    tab_to(page, page.get_by_label("Owner (optional)"), limit=3)
    page.keyboard.type("Chair of the partnership board")
    tab_to(page, page.get_by_role("button", name="Add to the plan"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/actions/")

    # It is on the plan, under its characteristic, planned.
    expect(page.get_by_role("status").filter(has_text=NEW_TITLE)).to_be_visible()
    section = page.get_by_role("region", name="1. Purpose with values")
    row = section.get_by_role("row").filter(has=page.get_by_role("link", name=NEW_TITLE))
    expect(row.locator("td")).to_have_text(
        ["Chair of the partnership board", "–", "Planned", autumn.title]
    )
    action = Action.objects.get(title=NEW_TITLE)
    assert (action.round, action.characteristic_number, action.created_by) == (autumn, 1, fred)

    # Its status changed on its page: the history says who, from and to.
    tab_to(page, page.get_by_role("link", name=NEW_TITLE))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/actions/{action.pk}/")
    status = page.get_by_label("Status")
    tab_to(page, status)
    page.keyboard.press("ArrowDown")
    expect(status).to_have_value("doing")
    tab_to(page, page.get_by_role("button", name="Save changes"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Saved: 1 change recorded.")).to_be_visible()
    assert history_rows(page) == [
        ["fred", "Status", "Planned", "Doing"],
        ["fred", "Created", "–", NEW_TITLE],
    ]
    assert ActionChange.objects.filter(action=action).count() == 2

    # The open round's results show the actions raised before it: the overdue one from the
    # Summer round beside governance's change, marked; not the one just added from this round's
    # own results (a later round will show that). Summer counts Acute Trust's 5 (3, 4, 3, 4, 3)
    # and Community Services' 5 (3, 2, 3, 2, 3): 30 / 10 = 3.00 (Social Care's two wait, so
    # they are not in it); Autumn counts all 15: 52 / 15 = 3.47; so +0.47.
    page.goto(overview)
    since = page.get_by_role("table", name=re.compile("^Change in the collaboration"))
    governance = since.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=f"{GOVERNANCE}. Enabling governance processes")
    )
    expect(governance.locator("td")).to_have_text(
        ["3.00", "3.47", "+0.47", re.compile(rf"^{OVERDUE_TITLE}: Doing\s+Overdue\s*$")]
    )
    expect(governance.locator(".overdue")).to_have_text("Overdue")
    expect(since).to_contain_text(PLANNED_TITLE)
    expect(since).not_to_contain_text(NEW_TITLE)


# --- 5. A viewer reads --------------------------------------------------------------------


def test_a_viewer_reads_the_plan_and_history_but_cannot_change_it(
    page: Page, live_server, history, vera
):
    _spring, _summer, autumn = history
    collaboration_id = autumn.collaboration_id
    overdue = Action.objects.get(title=OVERDUE_TITLE)
    sign_in(page, live_server, "vera")

    page.goto(url_of(live_server, "facilitate_actions", collaboration_id))
    expect(page.get_by_role("link", name=OVERDUE_TITLE)).to_be_visible()
    expect(page.get_by_role("link", name=PLANNED_TITLE)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Add an action"))).to_have_count(0)

    detail = url_of(live_server, "facilitate_action", collaboration_id, overdue.pk)
    page.goto(detail)
    expect(page.get_by_role("heading", level=1)).to_have_text(OVERDUE_TITLE)
    assert history_rows(page) == [["fred", "Created", "–", OVERDUE_TITLE]]
    expect(page.get_by_role("heading", name="Change this action")).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)

    page.goto(overview_url(live_server, autumn))
    expect(
        page.get_by_role("table", name=re.compile("^Change in the collaboration"))
    ).to_contain_text(OVERDUE_TITLE)
    expect(page.get_by_role("link", name=re.compile("Add an action"))).to_have_count(0)

    # A change posted anyway (with a valid CSRF token, so that the refusal is the role's).
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        detail,
        form={
            "csrfmiddlewaretoken": token,
            "title": "Taken over by a viewer",
            "characteristic_number": str(GOVERNANCE),
            "owner": "",
            "due_on": "",
            "status": "done",
            "notes": "",
        },
        headers={"Referer": detail},
        max_redirects=0,
    )
    assert response.status == 403
    assert "You can’t do that here" in response.text()
    overdue.refresh_from_db()
    assert (overdue.title, overdue.status) == (OVERDUE_TITLE, Action.Status.DOING)
    assert ActionChange.objects.filter(action=overdue).count() == 1
