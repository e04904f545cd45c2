"""Facilitators set up a collaboration, its canvas, teams and rounds, and share its links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    CanvasAnswer,
    CanvasConsideration,
    Collaboration,
    Membership,
    OfferedGroup,
    Round,
    Team,
    TeamLink,
)
from frameworks.models import Consideration, PracticalQuestion, ValueMode
from tests.assessments.helpers import follow_invitation, resume_token, start
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _collaboration_data(content, **changes):
    data = {
        "name": "Eastfield Mental Health Alliance",
        "purpose": "Crisis care that never turns anyone away.",
        "approach_type": "",
        "value_modes": [ValueMode.objects.get(slug="aligned-plans").pk],
        "framework_version": content.pk,
        "groups": ["patient", "carer", "partner_staff"],
    }
    data.update(changes)
    return data


def test_a_signed_in_facilitator_sets_up_a_collaboration_and_owns_it(olive, content):
    client = signed_in(olive)
    response = client.post(reverse("facilitate_new"), _collaboration_data(content))
    collaboration = Collaboration.objects.get(name="Eastfield Mental Health Alliance")
    assert response["Location"] == reverse("facilitate_teams", args=[collaboration.pk])
    assert Membership.objects.get(collaboration=collaboration).role == "owner"
    assert set(collaboration.offered_groups.values_list("group", flat=True)) == {
        "patient",
        "carer",
        "partner_staff",
    }
    home = client.get(reverse("facilitate_home")).content.decode()
    assert reverse("facilitate_collaboration", args=[collaboration.pk]) in home


def test_a_collaboration_needs_at_least_one_value_mode_and_a_name(olive, content):
    client = signed_in(olive)
    response = client.post(
        reverse("facilitate_new"), _collaboration_data(content, value_modes=[], name="")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one way the collaboration creates value." in html
    assert not Collaboration.objects.filter(purpose__startswith="Crisis").exists()


def test_respondents_choose_only_from_the_groups_the_collaboration_offers(
    anon_client, team_link, collaboration
):
    OfferedGroup.objects.bulk_create(
        OfferedGroup(collaboration=collaboration, group=g) for g in ["patient", "carer"]
    )
    start(anon_client, team_link.token)
    html = anon_client.get(reverse("respond_about")).content.decode()
    assert 'value="patient"' in html and 'value="carer"' in html
    assert 'value="clinician"' not in html
    response = anon_client.post(
        reverse("respond_about"),
        {"stakeholder_group": "clinician", "resume": resume_token(anon_client)},
    )
    assert "Choose one of the groups listed." in response.content.decode()


def test_editing_the_value_modes_updates_rounds_without_results_only(
    olive, collaboration, open_round, content, anon_client, team_link
):
    from assessments.models import Response
    from tests.assessments.helpers import complete

    later = Round.objects.create(
        collaboration=collaboration,
        framework_version=content,
        title="Second",
        opens_on=open_round.opens_on,
        closes_on=open_round.closes_on,
        status="open",
    )
    complete(anon_client, team_link.token, content)  # a result in the first round
    assert Response.objects.filter(round=open_round, status="submitted").exists()
    data = _collaboration_data(
        content,
        name=collaboration.name,
        value_modes=[ValueMode.objects.get(slug="shared-voice").pk],
    )
    response = signed_in(olive).post(reverse("facilitate_edit", args=[collaboration.pk]), data)
    assert response.status_code == 302
    assert list(open_round.value_modes.values_list("slug", flat=True)) == ["shared-delivery"]
    assert list(later.value_modes.values_list("slug", flat=True)) == ["shared-voice"]


def test_the_planning_canvas_saves_answers_and_shows_what_is_not_discussed(
    fred, collaboration, vera
):
    questions = list(PracticalQuestion.objects.all())
    considerations = list(Consideration.objects.all())
    assert len(questions) == 8 and len(considerations) == 8
    url = reverse("facilitate_canvas", args=[collaboration.pk])
    data = {f"question_{questions[0].pk}": "Faster stroke care.", f"question_{questions[4].pk}": ""}
    data[f"discussed_{considerations[2].pk}"] = "on"
    data[f"notes_{considerations[2].pk}"] = "Agreed in March."

    response = signed_in(fred).post(url, data)

    assert response.status_code == 302
    assert CanvasAnswer.objects.get(collaboration=collaboration, question=questions[0]).text == (
        "Faster stroke care."
    )
    note = CanvasConsideration.objects.get(
        collaboration=collaboration, consideration=considerations[2]
    )
    assert note.discussed and note.notes == "Agreed in March."
    html = signed_in(vera).get(url).content.decode()
    assert "Not discussed yet (7)" in html
    assert f'href="#consideration-{considerations[2].pk}"' not in html
    assert f'href="#consideration-{considerations[3].pk}"' in html
    assert "See the source" in html and "Faster stroke care." in html
    # Viewers read it; the fields are disabled and no save button is offered.
    assert "Save the canvas" not in html and " disabled" in html


def test_teams_are_added_with_links_in_open_rounds_and_archived_with_their_history(
    fred, collaboration, open_round, anon_client
):
    client = signed_in(fred)
    response = client.post(
        reverse("facilitate_teams", args=[collaboration.pk]),
        {"name": "Ambulance Service", "headcount": "12"},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Ambulance Service")
    assert team.headcount == 12
    link = TeamLink.objects.get(round=open_round, team=team)
    draft = start(anon_client, link.token)

    client.post(reverse("facilitate_team", args=[collaboration.pk, team.pk]), {"action": "archive"})

    team.refresh_from_db()
    assert team.is_archived
    assert draft.team == team  # its history stays
    assert follow_invitation(anon_client.__class__(), link.token).status_code == 404
    assert team not in Team.objects.filter(collaboration=collaboration).active()
    # A duplicate name is refused with a message.
    response = client.post(
        reverse("facilitate_teams", args=[collaboration.pk]), {"name": "acute trust"}
    )
    assert response.status_code == 400
    assert "already has a team with that name" in response.content.decode()


def test_a_round_is_set_up_planned_then_opened_closed_and_reopened(fred, collaboration, content):
    client = signed_in(fred)
    today = timezone.localdate()
    data = {
        "title": "Spring 2027",
        "framework_version": content.pk,
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=20)).isoformat(),
        "min_group_size": "2",
    }
    response = client.post(reverse("facilitate_round_new", args=[collaboration.pk]), data)
    assert response.status_code == 400
    assert "at least 3" in response.content.decode()

    data["min_group_size"] = "5"
    response = client.post(reverse("facilitate_round_new", args=[collaboration.pk]), data)
    round = Round.objects.get(title="Spring 2027")
    assert round.status == "draft" and round.team_links.count() == 3
    status_url = reverse("facilitate_round_status", args=[collaboration.pk, round.pk])

    client.post(status_url, {"action": "open"})
    round.refresh_from_db()
    assert round.status == "open" and round.opened_on == today
    client.post(status_url, {"action": "close"})
    round.refresh_from_db()
    assert round.status == "closed"
    client.post(status_url, {"action": "open"})
    round.refresh_from_db()
    assert round.status == "open"


def test_a_round_past_its_closing_date_cannot_be_reopened(fred, open_round, collaboration):
    Round.objects.filter(pk=open_round.pk).update(
        status="closed",
        opens_on=timezone.localdate() - timedelta(days=10),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    response = signed_in(fred).post(
        reverse("facilitate_round_status", args=[collaboration.pk, open_round.pk]),
        {"action": "open"},
        follow=True,
    )
    assert "closing date has passed" in response.content.decode()
    assert Round.objects.get(pk=open_round.pk).status == "closed"


def test_a_rounds_edition_is_shown_fixed_once_it_has_a_response(
    fred, team_link, anon_client, edition1, collaboration
):
    start(anon_client, team_link.token)
    round = team_link.round
    url = reverse("facilitate_round_edit", args=[collaboration.pk, round.pk])
    client = signed_in(fred)
    assert "already has responses to this edition" in client.get(url).content.decode()
    client.post(
        url,
        {
            "title": "Renamed",
            "framework_version": edition1.pk,
            "opens_on": round.opens_on.isoformat(),
            "closes_on": round.closes_on.isoformat(),
            "min_group_size": 5,
        },
    )
    round.refresh_from_db()
    assert round.title == "Renamed" and round.framework_version_id != edition1.pk


def test_the_minimum_group_size_can_be_raised_not_lowered_once_partners_have_answered(
    fred, team_link, anon_client, collaboration
):
    # Partners answered on the promise of k: lowering it would count smaller groups of them.
    start(anon_client, team_link.token)
    round = team_link.round
    url = reverse("facilitate_round_edit", args=[collaboration.pk, round.pk])
    client = signed_in(fred)

    def post(k):
        return client.post(
            url,
            {
                "title": round.title,
                "framework_version": round.framework_version_id,
                "opens_on": round.opens_on.isoformat(),
                "closes_on": round.closes_on.isoformat(),
                "min_group_size": k,
            },
        )

    response = post(3)
    assert response.status_code == 400
    assert "can&#x27;t be lowered now" in response.content.decode()
    round.refresh_from_db()
    assert round.min_group_size == 5
    post(8)
    round.refresh_from_db()
    assert round.min_group_size == 8


def test_the_round_page_gives_each_team_its_link_with_a_copy_button_and_poster(
    fred, vera, team_link, collaboration
):
    round = team_link.round
    url = reverse("facilitate_round", args=[collaboration.pk, round.pk])
    html = signed_in(fred).get(url).content.decode()
    assert f"/i/{team_link.token}/" in html
    assert 'class="btn btn-outline-primary copy-button"' in html and "js/copy.js" in html
    assert (
        reverse("facilitate_poster", args=[collaboration.pk, round.pk, team_link.team_id]) in html
    )
    # A viewer sees the round but not its links (they let anyone answer).
    assert team_link.token not in signed_in(vera).get(url).content.decode()


def test_the_qr_poster_is_a_printable_page_with_an_svg_drawn_on_the_server(
    fred, team_link, collaboration
):
    round = team_link.round
    client = signed_in(fred)
    args = [collaboration.pk, round.pk, team_link.team_id]
    poster = client.get(reverse("facilitate_poster", args=args)).content.decode()
    assert collaboration.name in poster and team_link.team.name in poster
    assert round.closes_on.strftime("%-d %B %Y") in poster
    assert "anonymous" in poster and reverse("facilitate_qr", args=args) in poster
    svg = client.get(reverse("facilitate_qr", args=args))
    assert svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert body.startswith("<svg") and "<path" in body
    assert "<script" not in body and "style=" not in body
    # It encodes the team's invitation link: the same drawing as segno's for that address.
    import segno

    qr = segno.make(f"http://testserver/i/{team_link.token}/", error="m")
    other = segno.make(f"http://testserver/i/{team_link.token}x/", error="m")
    assert list(other.matrix) != list(qr.matrix)
    from assessments.views.rounds import _qr_svg

    assert body == _qr_svg(
        f"http://testserver/i/{team_link.token}/",
        f"QR code of the invitation link for {team_link.team.name}",
    )


def test_the_collaboration_page_runs_the_same_queries_for_1_and_20_teams(
    olive, collaboration, content, django_assert_num_queries
):
    client = signed_in(olive)
    url = reverse("facilitate_collaboration", args=[collaboration.pk])
    client.get(url)  # warm the session and content type caches
    # 1 session, 1 user, 1 membership with its collaboration, 1 collaboration with approach
    # type and edition, then value modes, offered groups, teams, rounds, members (+ users),
    # canvas notes, and the number of key considerations.
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200
    for n in range(20):
        Team.objects.create(collaboration=collaboration, name=f"Team {n}")
        Round.objects.create(
            collaboration=collaboration,
            framework_version=content,
            title=f"Round {n}",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
        )
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_round_page_runs_the_same_queries_for_1_and_20_teams(
    olive, collaboration, open_round, django_assert_num_queries
):
    from assessments.services.facilitate import team_links_create_for_team

    client = signed_in(olive)
    url = reverse("facilitate_round", args=[collaboration.pk, open_round.pk])
    client.get(url)
    # session, user, membership (+ collaboration), round (+ edition), team links (+ teams),
    # personal invitations counted per team, the results' release (shared or not).
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    for n in range(20):
        team = Team.objects.create(collaboration=collaboration, name=f"Team {n}")
        team_links_create_for_team(team=team)
    with django_assert_num_queries(7):
        html = client.get(url).content.decode()
    assert html.count("QR code poster") == 20  # the fixture's round had no team links yet


def test_an_edit_does_not_undo_a_change_made_to_other_columns_at_the_same_moment(
    open_round, collaboration
):
    """A team archived, or a round closed, while an edit of its name or title was being
    validated stays archived or closed: the edit writes only the columns its form shows."""
    from assessments.forms.facilitate import RoundForm, TeamForm
    from assessments.models import Round, Team

    team = collaboration.teams.first()
    team_form = TeamForm(
        {"name": "Renamed", "headcount": ""}, instance=team, collaboration=collaboration
    )
    Team.objects.filter(pk=team.pk).update(archived_on=timezone.localdate())
    assert team_form.is_valid(), team_form.errors
    team_form.save()
    team.refresh_from_db()
    assert (team.name, team.archived_on) == ("Renamed", timezone.localdate())

    round_form = RoundForm(
        {
            "title": "Renamed round",
            "framework_version": open_round.framework_version_id,
            "opens_on": open_round.opens_on.isoformat(),
            "closes_on": open_round.closes_on.isoformat(),
            "min_group_size": open_round.min_group_size,
        },
        instance=open_round,
        collaboration=collaboration,
    )
    Round.objects.filter(pk=open_round.pk).update(status=Round.Status.CLOSED)
    assert round_form.is_valid(), round_form.errors
    round_form.save()
    open_round.refresh_from_db()
    assert (open_round.title, open_round.status) == ("Renamed round", Round.Status.CLOSED)
