"""The demo data that `make run` loads."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assessments import group_results
from assessments.demo import DEMO_FACILITATOR, DEMO_GOVERNANCE_LEADER, DEMO_TEAMS, demo_load
from assessments.disclosure import EMPTY
from assessments.models import (
    Action,
    Agreement,
    Answer,
    Collaboration,
    Comment,
    IndividualLink,
    Response,
    ResultsRelease,
    Round,
    RoundRollup,
    RoundSnapshot,
    StakeholderGroup,
    Team,
    TeamLink,
    Workshop,
)
from assessments.selectors.group_results import group_results_page
from assessments.selectors.workshops import agreed_scores

pytestmark = pytest.mark.django_db


def test_load_demo_creates_an_open_round_and_prints_links_once(content, capsys, client):
    call_command("load_demo")
    out = capsys.readouterr().out
    round = Round.objects.get(status=Round.Status.OPEN)
    assert round.is_accepting
    assert f"Demo round: {round} (open)" in out
    assert TeamLink.objects.filter(round=round).count() == 5
    link = round.team_links.first()
    assert f"/i/{link.token}/" in out
    # Only the open round's links are printed.
    for old in TeamLink.objects.exclude(round=round):
        assert old.token not in out
    # The printed link works.
    response = client.get(f"/i/{link.token}/")
    assert response.status_code == 302

    call_command("load_demo")
    assert Collaboration.objects.count() == 1
    assert f"/i/{link.token}/" in capsys.readouterr().out


def test_the_demo_has_a_facilitator_whose_sign_in_is_printed_with_debug_on(
    content, capsys, settings
):
    from django.test import Client

    from assessments.models import CanvasAnswer, Membership

    settings.DEBUG = True
    call_command("load_demo", "--base-url", "http://127.0.0.1:8123")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("Facilitator sign-in:"))
    assert "http://127.0.0.1:8123/accounts/login/" in line
    assert "http://127.0.0.1:8123/i/" in out
    password = line.split("password: ")[1].strip()
    membership = Membership.objects.get()
    assert membership.role == "owner" and membership.user.username == "demo-facilitator"
    assert CanvasAnswer.objects.exists()
    assert IndividualLink.objects.filter(used=False).exclude(email="").count() == 3
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "demo-facilitator", "password": password}
    )
    assert response.status_code == 302
    assert client.get(f"/facilitate/c/{membership.collaboration_id}/").status_code == 200


def test_without_debug_no_password_is_set_or_printed(content, capsys, settings):
    settings.DEBUG = False
    call_command("load_demo")
    assert "password" not in capsys.readouterr().out
    assert not get_user_model().objects.get(username="demo-facilitator").has_usable_password()


def test_the_demo_has_five_teams_and_two_closed_rounds_before_the_open_one(content):
    open_round = demo_load()
    collaboration = Collaboration.objects.get()
    assert Team.objects.filter(collaboration=collaboration).count() == len(DEMO_TEAMS) == 5
    offered = set(collaboration.offered_groups.values_list("group", flat=True))
    assert {
        StakeholderGroup.PARTNER_STAFF,
        StakeholderGroup.CLINICIAN,
        StakeholderGroup.MANAGER,
        StakeholderGroup.PATIENT,
        StakeholderGroup.CARER,
    } <= offered
    assert collaboration.value_modes.exists()

    rounds = list(Round.objects.order_by("opens_on"))
    assert len(rounds) == 3
    assert [r.status for r in rounds] == ["closed", "closed", "open"]
    assert rounds[-1] == open_round and open_round.is_accepting
    today = timezone.localdate()
    for round in rounds[:2]:
        assert round.closes_on < today and round.availability == "closed"
    assert len({r.title for r in rounds}) == 3
    assert {r.framework_version_id for r in rounds} == {collaboration.framework_version_id}
    for round in rounds:
        # Value modes recorded as when the round opened; a team link per team.
        assert round.opened_on == round.opens_on
        assert set(round.value_modes.all()) == set(collaboration.value_modes.all())
        assert round.team_links.count() == 5


def test_the_demo_rounds_hold_about_150_submitted_responses_with_rollups_and_snapshots(content):
    demo_load()
    submitted = Response.objects.filter(status=Response.Status.SUBMITTED)
    assert 130 <= submitted.count() <= 170
    assert not Response.objects.exclude(status=Response.Status.SUBMITTED).exists()
    assert not submitted.filter(individual_link__isnull=False).exists()
    for round in Round.objects.all():
        count = submitted.filter(round=round).count()
        assert count >= 40
        # The results count all but the few still waiting for others from their team or
        # stakeholder group (docs/privacy.md).
        assert 0.8 * count <= RoundSnapshot.objects.get(round=round).responses <= count
        assert RoundRollup.objects.get(round=round).responses == count
        # Every team and several stakeholder groups answered.
        assert set(submitted.filter(round=round).values_list("team", flat=True)) == set(
            Team.objects.values_list("pk", flat=True)
        )
        assert submitted.filter(round=round).values("stakeholder_group").distinct().count() >= 5

    answers = Answer.objects.filter(response__in=submitted)
    dont_know = answers.filter(value__isnull=True).count()
    assert 0.02 * answers.count() < dont_know < 0.15 * answers.count()
    assert answers.filter(value__in=[2, 3, 4, 5]).count() > 0.8 * answers.count()
    items = content.characteristics.values("indicators").count()
    assert answers.count() < submitted.count() * items  # a few items skipped
    comments = Comment.objects.filter(response__in=submitted)
    assert 0.15 * submitted.count() <= comments.count() <= 0.35 * submitted.count()
    assert comments.values("characteristic").distinct().count() >= 4
    chosen = Response.value_modes.through.objects.filter(response__in=submitted)
    assert chosen.values("response").distinct().count() > submitted.count() / 2


def _figures(round):
    facilitator = get_user_model().objects.get(username=DEMO_FACILITATOR)
    return group_results_page(round, facilitator).figures


def test_every_group_results_view_of_the_open_round_has_something_to_show(content):
    round = demo_load()
    figures = _figures(round)
    assert figures.shown and figures.responses <= round.responses.count()
    numbers = [c.number for c in figures.characteristics]

    # Views differ on the indicators of at least one characteristic.
    assert any(group_results.views_differ(figures, number) for number in numbers)

    # Carers answered, but fewer than the minimum group size: they are not counted yet.
    rows = {row.key: row for row in figures.groups.rows}
    carers = rows[f"group:{StakeholderGroup.CARER}"]
    assert 0 < round.responses.filter(stakeholder_group=StakeholderGroup.CARER).count() < 5
    assert carers.responses.state == EMPTY
    assert all(figure.state == EMPTY for figure in carers.figures.values())

    # Patients see some characteristic noticeably lower than partner staff.
    patients = rows[f"group:{StakeholderGroup.PATIENT}"]
    staff = rows[f"group:{StakeholderGroup.PARTNER_STAFF}"]
    assert patients.responses.shown and staff.responses.shown
    assert any(
        staff.figures[n].shown
        and patients.figures[n].shown
        and staff.figures[n].mean - patients.figures[n].mean >= 0.5
        for n in numbers
    )
    assert group_results.perspective_gaps(figures)

    # Every team is shown in the heatmap.
    assert len(figures.teams.rows) == 5
    assert all(row.responses.shown for row in figures.teams.rows)


def test_one_team_leads_on_governance_in_every_round_and_the_collaboration_improves(content):
    demo_load()
    leader = Team.objects.get(name=DEMO_GOVERNANCE_LEADER)
    governance = content.characteristics.get(name__icontains="overnance")
    overall = []
    for round in Round.objects.order_by("opens_on"):
        figures = _figures(round)
        learn = next(
            entry
            for entry in group_results.learn_from(figures)
            if entry.number == governance.number
        )
        assert [row.key for row in learn.leaders] == [f"team:{leader.pk}"]
        team = learn.leaders[0].figures[governance.number]
        assert team.mean - learn.collaboration_mean >= group_results.LEARN_FROM_MARGIN
        means = [figure.mean for figure in figures.total.values()]
        assert all(figure.shown for figure in figures.total.values())
        overall.append(sum(means) / len(means))
    assert overall == sorted(overall) and overall[-1] - overall[0] > 0.2


def test_the_demo_is_loaded_once_and_the_same_every_time(content, django_assert_max_num_queries):
    with django_assert_max_num_queries(300):  # written in bulk, whatever the number of answers
        round = demo_load()
    models = [
        Collaboration,
        Team,
        Round,
        TeamLink,
        IndividualLink,
        Response,
        Answer,
        Comment,
        Workshop,
        Agreement,
        ResultsRelease,
        Action,
    ]
    counts = {model: model.objects.count() for model in models}
    values = sorted(Answer.objects.values_list("indicator_id", "value"), key=str)

    assert demo_load() == round
    assert {model: model.objects.count() for model in models} == counts
    assert get_user_model().objects.filter(username=DEMO_FACILITATOR).count() == 1

    # Deterministic: loaded again from scratch, the answers are the same.
    Response.objects.all().delete()
    Collaboration.objects.all().delete()
    get_user_model().objects.filter(username=DEMO_FACILITATOR).delete()
    demo_load()
    assert sorted(Answer.objects.values_list("indicator_id", "value"), key=str) == values


def test_the_demo_shows_three_rounds_as_trends_and_its_action_plan_beside_the_change(content):
    from django.urls import reverse

    from assessments.models import Action
    from assessments.selectors.trends import collaboration_trends
    from tests.conftest import signed_in

    round = demo_load()
    facilitator = get_user_model().objects.get(username=DEMO_FACILITATOR)
    trends = collaboration_trends(round.collaboration, facilitator)
    assert len(trends.rounds) == 3
    assert all(p.shown for s in trends.collaboration() for p in s.points)
    # The demo improves round after round on every characteristic.
    for series in trends.collaboration():
        values = [p.value for p in series.points]
        assert values == sorted(values), series.label
    actions = Action.objects.filter(collaboration=round.collaboration)
    assert actions.count() >= 4
    assert sum(a.is_overdue() for a in actions) == 1
    html = (
        signed_in(facilitator)
        .get(reverse("results_overview", args=[round.collaboration_id, round.pk]))
        .content.decode()
    )
    assert "Since the previous round: change and actions" in html
    assert html.count("Overdue</strong>") == 1


def test_the_first_round_had_a_workshop_and_its_results_released_the_later_ones_not(content):
    """So that a facilitator trying the demo sees a released round with agreed scores, and runs
    the workshop and the release of the latest round themselves."""
    demo_load()
    first, latest_closed, open_round = Round.objects.order_by("opens_on")
    facilitator = get_user_model().objects.get(username=DEMO_FACILITATOR)

    workshop = Workshop.objects.get()
    assert workshop.round == first
    assert 0 < (workshop.held_on - first.closes_on).days <= 14
    assert workshop.participants == 11 and workshop.hide_team_names
    agreed = agreed_scores(first)
    assert agreed.label.endswith("by 11 people")
    assert len(agreed.agreements) == 3
    could_not_agree = [a for a in agreed.agreements.values() if a.could_not_agree]
    dissenting = [a for a in agreed.agreements.values() if a.dissent]
    assert len(could_not_agree) == 1 and len(dissenting) == 1
    assert not dissenting[0].could_not_agree
    assert len(agreed.scores) == 2 and set(agreed.scores.values()) <= {1, 2, 3, 4, 5}
    numbers = set(first.framework_version.characteristics.values_list("number", flat=True))
    for agreement in agreed.agreements.values():
        assert agreement.characteristic_number in numbers
        assert agreement.reasoning and agreement.recorded_by == facilitator
        assert agreement.recorded_at.date() == workshop.held_on
        # Notes of a board, short: a few lines, no names.
        assert len(agreement.reasoning) <= 300 and len(agreement.dissent) <= 300
    (action,) = Action.objects.filter(workshop=workshop)
    assert action.round == first
    assert action.characteristic_number in agreed.agreements

    release = ResultsRelease.objects.get()
    assert release.round == first and release.is_live
    assert not release.share_team_names and not release.share_comments
    assert release.released_at.date() >= first.closes_on

    for round in (latest_closed, open_round):
        assert agreed_scores(round) is None
        assert not ResultsRelease.objects.filter(round=round).exists()
        assert not Action.objects.filter(round=round, workshop__isnull=False).exists()
