"""The consensus workshop: opening it, the workshop's page and the projector view (through
disclosure, like every results page), agreements kept with their history, actions agreed into
the plan, who may do what, and the query counts.

Personas (tests/conftest.py): Fred facilitates the Northshire Stroke Network, Vera views it,
Oscar owns another collaboration.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Action, ActionChange, Agreement, Team, Workshop
from assessments.models.workshops import AGREEMENT_TEXT_MAX_LENGTH
from assessments.services.workshops import (
    add_workshop_action,
    open_workshop,
    record_agreement,
)
from tests.assessments.results_data import submit, synthetic_snapshot
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def url(name, round, *args):
    return reverse(name, args=[round.collaboration_id, round.pk, *args])


def teams(round):
    return list(Team.objects.filter(collaboration=round.collaboration).order_by("name"))


def fill(round, counts: dict[str, int], *, value=4):
    by_name = {t.name: t for t in teams(round)}
    for name, count in counts.items():
        for _ in range(count):
            submit(round, team=by_name[name], group="partner_staff", value=value)


def workshop_for(round, user, *, hide=True) -> Workshop:
    return open_workshop(
        round, user, held_on=date(2026, 12, 3), participants=12, hide_team_names=hide
    )


def projector_block(html: str) -> str:
    """The shared screen's figures (everything above the forms), as text."""
    block = html[
        html.index('<div class="projector">') : html.index('aria-labelledby="record-heading"')
    ]
    return unescape(re.sub(r"<[^>]+>", " ", block))


def numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def agree(client, round, number=1, **data):
    post = {"outcome": "4", "reasoning": "We share a purpose.", "dissent": ""}
    post.update(data)
    return client.post(url("workshop_characteristic", round, number), post)


# --- Opening the workshop -----------------------------------------------------------------------


def test_the_page_offers_to_open_the_workshop_and_a_facilitator_opens_it(open_round, fred):
    client = signed_in(fred)
    page = client.get(url("facilitate_workshop", open_round))
    assert page.status_code == 200 and "Open the workshop" in page.content.decode()
    response = client.post(
        url("facilitate_workshop", open_round),
        {"held_on": "2026-12-03", "participants": "14", "hide_team_names": "on"},
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get(round=open_round)
    assert (workshop.held_on, workshop.participants, workshop.hide_team_names) == (
        date(2026, 12, 3),
        14,
        True,
    )
    assert workshop.created_by == fred
    # Changing the details changes the one workshop.
    client.post(
        url("facilitate_workshop", open_round),
        {"held_on": "2026-12-04", "participants": "9"},
    )
    workshop = Workshop.objects.get(round=open_round)
    assert (workshop.participants, workshop.hide_team_names) == (9, False)


@pytest.mark.parametrize("participants", ["1", "1001", "x", "", "2.5"])
def test_participants_out_of_range_get_a_clear_message_and_nothing_is_saved(
    open_round, fred, participants
):
    response = signed_in(fred).post(
        url("facilitate_workshop", open_round),
        {"held_on": "2026-12-03", "participants": participants},
    )
    assert response.status_code == 400
    assert "a whole number from 2 to 1000" in response.content.decode()
    assert not Workshop.objects.exists()


def test_projector_before_the_workshop_is_opened_offers_to_open_it(open_round, fred):
    client = signed_in(fred)
    response = client.get(url("workshop_characteristic", open_round, 1))
    assert response.status_code == 200
    assert "Open the workshop" in response.content.decode()
    assert agree(client, open_round).status_code == 400
    assert client.post(url("workshop_action", open_round, 1), {"title": "x"}).status_code == 400
    assert not Workshop.objects.exists() and not Agreement.objects.exists()
    assert not Action.objects.exists()


def test_the_overview_and_round_page_link_to_the_workshop(open_round, fred):
    client = signed_in(fred)
    link = url("facilitate_workshop", open_round)
    assert link in client.get(url("results_overview", open_round)).content.decode()
    assert link in client.get(url("facilitate_round", open_round)).content.decode()


# --- The minimum group size ------------------------------------------------------------------


def test_under_k_responses_the_pages_show_no_distribution_and_no_score(open_round, fred):
    fill(open_round, {"Acute Trust": 4}, value=lambda i: [1, 5][i.pk % 2])
    workshop_for(open_round, fred)
    client = signed_in(fred)
    page = client.get(url("facilitate_workshop", open_round)).content.decode()
    assert "No figures yet: fewer than 5 responses" in page
    assert "band band-" not in page and "Discuss first" not in page
    html = client.get(url("workshop_characteristic", open_round, 1)).content.decode()
    assert "No figures yet: fewer than 5 responses submitted" in html
    assert "band band-" not in html and "projector-table" not in html
    assert "Splits the room" not in html and "Views differ" not in html
    assert "Acute Trust" not in html and "Team A" not in html


def test_a_team_under_k_shows_no_score_and_every_number_is_on_the_characteristic_page(
    open_round, fred
):
    acute, community, social = teams(open_round)
    split = lambda i: [1, 2, 4, 5, 5, None][i.pk % 6]  # noqa: E731
    for team, count in ((acute, 6), (community, 5), (social, 2)):
        for _ in range(count):
            submit(open_round, team=team, group="partner_staff", value=split)
    workshop_for(open_round, fred, hide=False)
    client = signed_in(fred)
    for number in range(1, 9):
        html = client.get(url("workshop_characteristic", open_round, number)).content.decode()
        shown = projector_block(html)
        assert "band band-" in html
        # Social Care's two responses are not counted: its row says so, without a score.
        row = html[html.index("Social Care") :]
        row = row[: row.index("</tr>")]
        assert "band band-" not in row
        page = client.get(url("results_characteristic", open_round, number)).content.decode()
        assert numbers(shown) <= numbers(unescape(re.sub(r"<[^>]+>", " ", page))), number


def test_team_names_are_hidden_on_the_shared_screen_when_the_workshop_says_so(open_round, fred):
    fill(open_round, {"Acute Trust": 5, "Community Services": 5})
    workshop_for(open_round, fred, hide=True)
    html = signed_in(fred).get(url("workshop_characteristic", open_round, 1)).content.decode()
    assert "Team A" in html and "Acute Trust" not in html


def test_statements_that_split_the_room_come_first_and_are_flagged(open_round, fred):
    # Every statement: half at 1, half at 5 on odd ids; all at 4 on even ids.
    fill(open_round, {"Acute Trust": 5, "Community Services": 5}, value=lambda i: 4)
    acute = teams(open_round)[0]
    for _ in range(5):
        submit(open_round, team=acute, group="partner_staff", value=lambda i: 1 if i.pk % 2 else 4)
    workshop_for(open_round, fred)
    client = signed_in(fred)
    html = client.get(url("workshop_characteristic", open_round, 1)).content.decode()
    rows = re.findall(r"<tr( class=\"splits-room\")?>\s*<th scope=\"row\"><span", html)
    flags = [bool(r) for r in rows]
    assert any(flags) and flags == sorted(flags, reverse=True)  # flagged ones first
    assert "Splits the room" in html
    page = client.get(url("facilitate_workshop", open_round)).content.decode()
    assert "Discuss first" in page


# --- Agreements and their history ---------------------------------------------------------------


def test_recording_twice_keeps_both_and_shows_the_newest_with_who_and_when(open_round, fred):
    workshop = workshop_for(open_round, fred)
    client = signed_in(fred)
    # The first time there is nothing earlier: the message does not speak of earlier ones.
    first = client.get(agree(client, open_round, outcome="3", reasoning="First view.").url)
    assert "Recorded." in first.content.decode() and "Earlier" not in first.content.decode()
    assert agree(client, open_round, outcome="4", reasoning="On reflection.").status_code == 302
    rows = list(Agreement.objects.filter(workshop=workshop).order_by("pk"))
    assert [(a.score, a.reasoning) for a in rows] == [(3, "First view."), (4, "On reflection.")]
    assert all(a.recorded_by == fred for a in rows)
    html = client.get(url("workshop_characteristic", open_round, 1)).content.decode()
    assert html.index("On reflection.") < html.index("First view.")  # newest first
    assert "Recorded by fred" in html and "(the agreed score now)" in html
    assert rows[0].recorded_at.strftime("%-d %B %Y") in html
    page = client.get(url("facilitate_workshop", open_round)).content.decode()
    assert re.search(r'<strong class="agreed-score">4</strong>', page)


def test_could_not_agree_stores_no_score(open_round, fred):
    workshop_for(open_round, fred)
    response = agree(
        signed_in(fred), open_round, outcome="none", reasoning="Split down the middle."
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.score is None and agreement.could_not_agree
    page = signed_in(fred).get(url("facilitate_workshop", open_round)).content.decode()
    assert "could not agree" in page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"outcome": "0"}, "Choose the score the room agreed"),
        ({"outcome": "6"}, "Choose the score the room agreed"),
        ({"outcome": "x"}, "Choose the score the room agreed"),
        ({"outcome": ""}, "Choose the score the room agreed"),
        ({"reasoning": "   "}, "Say in a few lines why"),
        ({"reasoning": "x" * (AGREEMENT_TEXT_MAX_LENGTH + 1)}, "Keep the reasoning to 1000"),
        ({"dissent": "x" * (AGREEMENT_TEXT_MAX_LENGTH + 1)}, "Keep the dissent to 1000"),
        # Line breaks are the room's; another control character would print as a box in the PDFs.
        ({"reasoning": "We share\x01 a purpose."}, "other control characters"),
        ({"dissent": "Some\x1b[31m disagreed."}, "other control characters"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(open_round, fred, data, message):
    workshop_for(open_round, fred)
    response = agree(signed_in(fred), open_round, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "nothing on this page was saved" in html
    assert not Agreement.objects.exists()


def test_line_breaks_count_as_one_character_as_the_browser_counts_them(open_round, fred):
    """Browsers send a textarea's line breaks as CRLF but count them as one character against
    its maxlength: reasoning and dissent the page accepted are not refused as too long."""
    workshop_for(open_round, fred)
    text = ("x" * 99 + "\r\n") * 10  # 1,000 characters as the browser counts them
    assert len(text.replace("\r\n", "\n")) == AGREEMENT_TEXT_MAX_LENGTH
    response = agree(signed_in(fred), open_round, reasoning="Why:\r" + text[4:], dissent=text)
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert "\r" not in agreement.reasoning + agreement.dissent
    assert agreement.dissent == text.replace("\r\n", "\n").strip()


def test_dissent_is_stored_in_the_rooms_words_without_a_name(open_round, fred):
    workshop_for(open_round, fred)
    agree(signed_in(fred), open_round, dissent="  Some felt the purpose is the board's only.  ")
    agreement = Agreement.objects.get()
    assert agreement.dissent == "Some felt the purpose is the board's only."
    # The only person on the row is who recorded it: no field names the one who dissented.
    people = {f.name for f in Agreement._meta.get_fields() if getattr(f, "related_model", None)} - {
        "workshop"
    }
    assert people == {"recorded_by"}


def test_agreements_are_never_updated_or_deleted_by_the_service(open_round, fred):
    workshop = workshop_for(open_round, fred)
    with CaptureQueriesContext(connection) as queries:
        record_agreement(workshop, 2, fred, score=2, reasoning="a", dissent="")
        record_agreement(workshop, 2, fred, score=None, reasoning="b", dissent="c")
    writes = [q["sql"].split(" ", 1)[0].upper() for q in queries.captured_queries]
    assert "UPDATE" not in writes and "DELETE" not in writes
    assert Agreement.objects.filter(workshop=workshop).count() == 2


# --- Actions ------------------------------------------------------------------------------------


def test_an_action_agreed_in_the_workshop_lands_in_the_plan_with_its_history(open_round, fred):
    workshop = workshop_for(open_round, fred)
    client = signed_in(fred)
    response = client.post(
        url("workshop_action", open_round, 3),
        {"title": "  Agree  shared measures ", "status": "planned", "owner": "ICB lead"},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.workshop, action.round, action.characteristic_number) == (
        workshop,
        open_round,
        3,
    )
    assert action.title == "Agree shared measures"
    change = ActionChange.objects.get(action=action)
    assert (change.field, change.user) == ("created", fred)
    plan = client.get(reverse("facilitate_actions", args=[open_round.collaboration_id]))
    assert "Agreed in the workshop" in plan.content.decode()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"title": "   "}, "Say what will be done."),
        # A control character (pasted from another tool) would print as a box in the PDFs.
        ({"title": "Agree\x01 measures"}, "control characters can"),
        ({"title": "Agree\x7f measures"}, "control characters can"),
        ({"title": "Agree measures", "owner": "The \x1bchair"}, "control characters can"),
    ],
)
def test_a_bad_action_gets_a_clear_message_and_saves_nothing(open_round, fred, data, message):
    workshop_for(open_round, fred)
    response = signed_in(fred).post(
        url("workshop_action", open_round, 3), {"status": "planned", **data}
    )
    assert response.status_code == 400
    assert message in unescape(response.content.decode())
    assert not Action.objects.exists() and not ActionChange.objects.exists()


def test_the_service_refuses_a_characteristic_outside_the_edition(open_round, fred):
    from django.core.exceptions import ValidationError

    workshop = workshop_for(open_round, fred)
    with pytest.raises(ValidationError):
        record_agreement(workshop, 99, fred, score=3, reasoning="x", dissent="")
    with pytest.raises(ValidationError):
        add_workshop_action(workshop, 99, fred, title="x", status="planned")
    assert not Agreement.objects.exists() and not Action.objects.exists()


# --- Who may do what ----------------------------------------------------------------------------


def test_a_viewer_reads_but_may_not_write(open_round, fred, vera):
    workshop_for(open_round, fred)
    client = signed_in(vera)
    assert client.get(url("facilitate_workshop", open_round)).status_code == 200
    html = client.get(url("workshop_characteristic", open_round, 1)).content.decode()
    assert '<form method="post"' not in html.split('id="record-heading"')[1]
    assert agree(client, open_round).status_code == 403
    assert client.post(url("workshop_action", open_round, 1), {"title": "x"}).status_code == 403
    assert client.post(url("facilitate_workshop", open_round), {}).status_code == 403
    assert not Agreement.objects.exists() and not Action.objects.exists()


def test_another_collaborations_round_is_a_404(open_round, fred, oscar, other_collaboration_round):
    workshop_for(open_round, fred)
    workshop_for(other_collaboration_round, oscar)
    client = signed_in(fred)
    for name, args in [
        ("facilitate_workshop", ()),
        ("workshop_characteristic", (1,)),
    ]:
        foreign = reverse(
            name, args=[open_round.collaboration_id, other_collaboration_round.pk, *args]
        )
        assert client.get(foreign).status_code == 404
        assert client.post(foreign, {}).status_code == 404
    foreign = reverse(
        "workshop_action", args=[open_round.collaboration_id, other_collaboration_round.pk, 1]
    )
    assert client.post(foreign, {"title": "x", "status": "planned"}).status_code == 404
    outsider = signed_in(oscar)
    assert outsider.get(url("workshop_characteristic", open_round, 1)).status_code == 404
    assert Agreement.objects.count() == 0


def test_characteristic_99_is_a_404(open_round, fred):
    workshop_for(open_round, fred)
    client = signed_in(fred)
    assert client.get(url("workshop_characteristic", open_round, 99)).status_code == 404
    assert agree(client, open_round, 99).status_code == 404
    response = client.post(
        url("workshop_action", open_round, 99), {"title": "x", "status": "planned"}
    )
    assert response.status_code == 404
    assert not Agreement.objects.exists() and not Action.objects.exists()


def test_a_get_writes_nothing(open_round, fred):
    fill(open_round, {"Acute Trust": 5})
    workshop_for(open_round, fred)
    client = signed_in(fred)
    for target in [
        url("facilitate_workshop", open_round),
        url("workshop_characteristic", open_round, 2),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        assert not [
            q
            for q in queries.captured_queries
            if q["sql"].split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        ]


# --- Query counts ---------------------------------------------------------------------------


def _grow(round, fred, workshop, team_count, responses, agreements):
    existing = teams(round)
    for i in range(len(existing), team_count):
        Team.objects.create(collaboration=round.collaboration, name=f"Team {i:02d}")
    synthetic_snapshot(round, teams(round)[:team_count], responses)
    for n in range(agreements):
        record_agreement(workshop, 1 + n % 8, fred, score=1 + n % 5, reasoning=f"r{n}", dissent="")


@pytest.mark.parametrize(
    "name,args,expected",
    [
        # Session, user, membership, round, workshop; the figures (snapshot, characteristics,
        # indicators, teams, offered groups); the current agreements.
        ("facilitate_workshop", (), 11),
        # The same, with this characteristic's agreements and who recorded them in one query:
        # none per statement, team or agreement.
        ("workshop_characteristic", (1,), 11),
    ],
)
def test_query_counts_do_not_grow_with_teams_responses_or_agreements(
    name, args, expected, open_round, fred, django_assert_num_queries
):
    workshop = workshop_for(open_round, fred)
    client = signed_in(fred)
    target = url(name, open_round, *args)
    counts = []
    for team_count, responses, agreements in [(1, 10, 1), (20, 5_000, 40)]:
        _grow(open_round, fred, workshop, team_count, responses, agreements)
        assert client.get(target).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_num_queries(expected):
        client.get(target)
