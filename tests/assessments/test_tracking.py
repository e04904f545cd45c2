"""Response tracking: started and submitted per team and stakeholder group, never a count
under k nor one that could be worked out, nothing in time order, queries pinned."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Team, TeamLink
from tests.assessments.helpers import complete, resume_token, start
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def links(open_round):
    return {
        team.name: TeamLink.objects.create(round=open_round, team=team)
        for team in open_round.collaboration.teams.all()
    }


def _submit(link, content, n, group="clinician"):
    for _ in range(n):
        complete(Client(), link.token, content, group=group)


def _start(link, n, group=None):
    """Drafts; with ``group``, the respondents got as far as choosing it."""
    for _ in range(n):
        client = Client()
        start(client, link.token)
        if group:
            client.post(
                reverse("respond_about"),
                {"stakeholder_group": group, "resume": resume_token(client)},
            )


def _row(html: str, label: str) -> list[str]:
    """The cells of the first table row headed ``label``, as text."""
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", html, re.S)
    assert match, label
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    ]


def _tracking(client, round):
    return client.get(
        reverse("facilitate_tracking", args=[round.collaboration_id, round.pk])
    ).content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def test_counts_of_k_or_more_are_shown_with_response_rates(vera, links, content, open_round):
    from assessments.models import OfferedGroup

    OfferedGroup.objects.bulk_create(
        OfferedGroup(collaboration=open_round.collaboration, group=g)
        for g in ["clinician", "carer"]
    )
    Team.objects.filter(name="Acute Trust").update(headcount=10)
    _submit(links["Acute Trust"], content, 5)
    _submit(links["Community Services"], content, 6, group="carer")
    _start(links["Community Services"], 5, group="carer")
    _submit(links["Social Care"], content, 5, group="carer")

    html = _tracking(signed_in(vera), open_round)

    # Started, submitted (live, in steps of 5), counted in the results, headcount, rate.
    assert _row(html, "Acute Trust") == ["5 to 9", "5 to 9", "5", "10", "50%"]
    # The sixth from Community Services waits for four more: counting it alone would move the
    # team's figures by one person.
    assert _row(html, "Community Services")[:3] == ["10 to 14", "5 to 9", "5"]
    assert _row(html, "Social Care")[:3] == ["5 to 9", "5 to 9", "5"]
    assert "Everyone: 20 to 24 started, 15 to 19 submitted, 15 counted in the results." in _text(
        html
    )
    assert _row(html, "Clinician") == ["5 to 9", "5 to 9", "5"]
    assert _row(html, "Carer") == ["15 to 19", "10 to 14", "10"]
    assert "No group chosen yet" not in html  # everybody has chosen one
    assert 'width="50"' in html  # the response-rate bar


def test_a_team_below_k_is_not_counted_until_k_of_it_have_submitted(
    vera, links, content, open_round
):
    _submit(links["Acute Trust"], content, 8)
    _submit(links["Community Services"], content, 6)
    _submit(links["Social Care"], content, 2)

    html = _tracking(signed_in(vera), open_round)

    # The two in Social Care wait: counting them would move everyone's figures by 2.
    assert _row(html, "Social Care")[:3] == ["fewer than 5", "fewer than 5", "no responses yet"]
    # So do the last 3 of Acute Trust and the last of Community Services.
    assert _row(html, "Community Services")[:3] == ["5 to 9", "5 to 9", "5"]
    assert _row(html, "Acute Trust")[:3] == ["5 to 9", "5 to 9", "5"]
    assert "15 to 19 submitted, 10 counted in the results." in _text(html)
    assert ">2<" not in html and ">16<" not in html and ">8<" not in html

    _submit(links["Social Care"], content, 3)
    html = _tracking(signed_in(vera), open_round)
    assert _row(html, "Social Care")[:3] == ["5 to 9", "5 to 9", "5"]
    assert "15 counted in the results." in _text(html)


def test_a_round_with_fewer_than_k_responses_shows_no_count_at_all(
    vera, links, content, open_round
):
    _submit(links["Acute Trust"], content, 3)
    _start(links["Social Care"], 1)
    html = _tracking(signed_in(vera), open_round)
    assert (
        "Everyone: fewer than 5 started, fewer than 5 submitted, no responses yet counted"
        in _text(html)
    )
    assert _row(html, "Acute Trust")[:3] == ["fewer than 5", "fewer than 5", "no responses yet"]
    assert _row(html, "Social Care")[:3] == ["fewer than 5", "no responses yet", "no responses yet"]
    # An empty team says so, and hides nobody.
    assert _row(html, "Community Services")[:3] == ["no responses yet"] * 3
    assert not re.search(
        r'<td class="text-end">\s*[0-9]+\s*</td>',
        html.split("By team")[1].split("Headcount")[1].split("By stakeholder")[0].replace("–", ""),
    )


def test_stakeholder_groups_are_counted_the_same_way(vera, links, content, open_round):
    from assessments.models import OfferedGroup

    OfferedGroup.objects.bulk_create(
        OfferedGroup(collaboration=open_round.collaboration, group=g)
        for g in ["clinician", "carer", "patient"]
    )
    _submit(links["Acute Trust"], content, 9, group="clinician")
    _submit(links["Community Services"], content, 6, group="carer")
    _submit(links["Social Care"], content, 1, group="patient")
    html = _tracking(signed_in(vera), open_round)
    assert _row(html, "Patient or service user") == [
        "fewer than 5",
        "fewer than 5",
        "no responses yet",
    ]
    assert _row(html, "Carer") == ["5 to 9", "5 to 9", "5"]
    assert _row(html, "Clinician") == ["5 to 9", "5 to 9", "5"]


def test_drafts_without_a_group_count_as_a_group_of_their_own(vera, links, content, open_round):
    _submit(links["Acute Trust"], content, 9)
    _start(links["Social Care"], 2)
    html = _tracking(signed_in(vera), open_round)
    assert _row(html, "No group chosen yet")[0] == "fewer than 5"
    assert ">2<" not in html and ">11<" not in html


def test_the_page_shows_nothing_in_time_order(vera, links, content, open_round):
    _submit(links["Acute Trust"], content, 5)
    html = _tracking(signed_in(vera), open_round)
    today = timezone.localdate()  # the day of the submission (a response keeps no date)
    assert today.strftime("%-d %b %Y") not in html.replace(
        open_round.opens_on.strftime("%-d %b %Y"), ""
    )
    assert "last response" not in html.lower()


def test_tracking_runs_the_same_queries_for_1_and_20_teams(
    olive, collaboration, open_round, content, django_assert_num_queries
):
    from assessments.services.facilitate import team_links_create_for_team

    client = signed_in(olive)
    url = reverse("facilitate_tracking", args=[collaboration.pk, open_round.pk])
    client.get(url)
    # session, user, membership (+ collaboration), round (+ edition), teams, two aggregates
    # (by team, by group), offered groups, the snapshot's counts, personal invitations counted.
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    for n in range(20):
        team = Team.objects.create(collaboration=collaboration, name=f"Team {n}", headcount=9)
        team_links_create_for_team(team=team)
        if n < 2:
            _submit(TeamLink.objects.get(round=open_round, team=team), content, 5)
    with django_assert_num_queries(10):
        html = client.get(url).content.decode()
    assert _row(html, "Team 0")[:3] == ["5 to 9", "5 to 9", "5"]
    # Teams with nobody say so, and hide nobody; the chase-up list names them (9 headcount at
    # 60 %: 6 expected), and Team 0 and Team 1, whose 5 to 9 may be fewer than 6.
    assert _row(html, "Team 5")[:3] == ["no responses yet"] * 3
    assert "Team 5: no responses yet, 6 expected (60% of 9)" in _chased(html)
    assert len(_chased(html)) == 23
    assert "Everyone: 10 to 14 started, 10 to 14 submitted, 10 counted" in _text(html)


# --- Chasing up ----------------------------------------------------------------------------------


def _chase_up(html: str) -> str:
    """The chase-up section, as HTML."""
    match = re.search(r'<section aria-labelledby="chase-heading".*?</section>', html, re.S)
    assert match
    return match.group(0)


def _chased(html: str) -> list[str]:
    items = re.findall(r"<li>(.*?)</li>", _chase_up(html), re.S)
    return [_text(item).strip().replace(" :", ":").replace(" ,", ",") for item in items]


def test_the_chase_up_list_names_the_teams_with_nobody_first_then_those_furthest_behind(
    vera, links, content, open_round, collaboration
):
    Team.objects.filter(name="Acute Trust").update(headcount=20)  # 60 %: 12 expected
    Team.objects.filter(name="Community Services").update(headcount=8)  # 5 expected
    # A team archived after one of its people answered: still in the tables, never chased.
    archived = Team.objects.create(collaboration=collaboration, name="Old Partner")
    _submit(TeamLink.objects.create(round=open_round, team=archived), content, 1)
    Team.objects.filter(pk=archived.pk).update(archived_on=timezone.localdate())
    _submit(links["Acute Trust"], content, 5)
    _submit(links["Community Services"], content, 5)

    html = _tracking(signed_in(vera), open_round)
    assert _row(html, "Old Partner")[1] == "fewer than 5"

    # Social Care has nobody: it is named. Acute Trust's 5 to 9 is not known to reach 12.
    # Community Services reached its 5 (60 % of 8); an archived team is not chased.
    assert _chased(html) == [
        "Social Care: no responses yet, 5 expected",
        "Acute Trust: 5 to 9 submitted, 12 expected (60% of 20)",
    ]
    assert "Old Partner" not in _chase_up(html)
    assert "Next automatic reminder: " in _text(_chase_up(html))


def test_the_chase_up_list_says_no_more_than_the_table_whatever_the_counts_within_a_step(
    vera, links, content, open_round
):
    """Privacy: the list is made from the cells the table shows, so two states that show the
    same cells give the same list, word for word and in the same order, whichever team the
    responses in between came from (docs/privacy.md, "The chase-up list")."""
    Team.objects.filter(name="Acute Trust").update(headcount=20)  # 12 expected
    _submit(links["Acute Trust"], content, 5)
    _submit(links["Social Care"], content, 1)
    client = signed_in(vera)
    before = _tracking(client, open_round)

    # One more from Acute Trust (6: still "5 to 9", still 5 counted: the sixth waits) and two
    # more from Social Care (3: still "fewer than 5").
    _submit(links["Acute Trust"], content, 1)
    _submit(links["Social Care"], content, 2)
    after = _tracking(client, open_round)

    assert _row(before, "Acute Trust")[:3] == _row(after, "Acute Trust")[:3]
    assert _row(before, "Social Care")[:3] == _row(after, "Social Care")[:3]
    assert _chase_up(before) == _chase_up(after)
    assert _chased(after) == [
        "Community Services: no responses yet, 5 expected",
        "Social Care: fewer than 5 submitted, 5 expected",  # at least 1 of 5
        "Acute Trust: 5 to 9 submitted, 12 expected (60% of 20)",  # at least 5 of 12
    ]


def test_a_team_leaves_the_list_only_when_the_table_shows_it_reached_its_number(
    vera, links, content, open_round
):
    Team.objects.filter(name="Acute Trust").update(headcount=6)  # 60 %: 4 expected
    _submit(links["Acute Trust"], content, 4)  # reached, but the table says "fewer than 5"
    html = _tracking(signed_in(vera), open_round)
    assert "Acute Trust: fewer than 5 submitted, 4 expected (60% of 6)" in _chased(html)
    _submit(links["Acute Trust"], content, 1)
    html = _tracking(signed_in(vera), open_round)
    assert not [item for item in _chased(html) if item.startswith("Acute Trust")]


def test_the_expected_rate_comes_from_the_round(vera, links, content, open_round):
    Team.objects.filter(name="Acute Trust").update(headcount=10)
    open_round.expected_response_rate = 40  # 4 expected: 5 to 9 reaches it
    open_round.save(update_fields=["expected_response_rate"])
    _submit(links["Acute Trust"], content, 5)
    html = _tracking(signed_in(vera), open_round)
    assert not [item for item in _chased(html) if item.startswith("Acute Trust")]
    assert "40% of their headcount" in _text(_chase_up(html))


def test_a_closed_round_chases_nobody_and_sends_no_more_reminders(vera, links, open_round):
    open_round.status = "closed"
    open_round.save(update_fields=["status"])
    section = _chase_up(_tracking(signed_in(vera), open_round))
    assert "The round is closed" in section and "<li>" not in section
    assert "automatic reminder" not in section
