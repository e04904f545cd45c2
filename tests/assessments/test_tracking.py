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
    # Teams with nobody say so, and hide nobody.
    assert _row(html, "Team 5")[:3] == ["no responses yet"] * 3
    assert "Everyone: 10 to 14 started, 10 to 14 submitted, 10 counted" in _text(html)
