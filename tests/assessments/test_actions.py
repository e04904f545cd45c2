"""The action plan: facilitators raise actions from a priority or a suggestion and change them,
every change is kept with who, when, from and to, viewers read, tampered posts save nothing, and
the next round's results show each action beside the change in score.

Personas (tests/conftest.py): Fred facilitates the Northshire Stroke Network, Vera views it,
Oscar owns another collaboration.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Action, ActionChange, Round
from assessments.services.actions import action_create, action_update
from frameworks.models import Suggestion
from tests.assessments.results_data import submit
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def new_url(collaboration, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = reverse("facilitate_action_new", args=[collaboration.pk])
    return url + (f"?{query}" if query else "")


def detail_url(action) -> str:
    return reverse("facilitate_action", args=[action.collaboration_id, action.pk])


def form_data(**overrides) -> dict:
    data = {
        "title": "Agree three shared measures",
        "characteristic_number": "6",
        "owner": "Performance lead",
        "due_on": "2027-03-31",
        "status": "planned",
        "notes": "",
    }
    data.update(overrides)
    return data


def make_action(collaboration, user, **data) -> Action:
    values = {"title": "Run a joint workshop", "characteristic_number": 3, "status": "planned"}
    values.update(data.pop("data", {}))
    return action_create(collaboration=collaboration, user=user, data=values, **data)


# --- Raising an action ------------------------------------------------------------------------


def test_an_action_from_a_suggestion_keeps_it_and_its_round(collaboration, open_round, fred):
    suggestion = Suggestion.objects.filter(
        characteristic__version=open_round.framework_version, characteristic__number=6
    ).first()
    client = signed_in(fred)
    page = client.get(new_url(collaboration, round=open_round.pk, suggestion=suggestion.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert suggestion.text in html
    assert f'name="suggestion" value="{suggestion.pk}"' in html
    assert re.search(r'<option value="6" selected>', html)

    response = client.post(
        new_url(collaboration),
        form_data(round=open_round.pk, suggestion=suggestion.pk),
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.round, action.suggestion, action.suggestion_text) == (
        open_round,
        suggestion,
        suggestion.text,
    )
    assert (action.characteristic_number, action.owner, str(action.due_on)) == (
        6,
        "Performance lead",
        "2027-03-31",
    )
    (created,) = ActionChange.objects.filter(action=action)
    assert (created.field, created.user, created.new) == ("created", fred, action.title)


def test_the_priority_cards_and_suggestions_link_to_a_prefilled_action(
    collaboration, open_round, fred, vera
):
    for _ in range(5):
        submit(open_round, team=collaboration.teams.first(), group="clinician", value=2)
    url = reverse("results_overview", args=[collaboration.pk, open_round.pk])
    html = signed_in(fred).get(url).content.decode()
    links = re.findall(r'href="(/facilitate/c/\d+/actions/new/\?[^"]+)"', html)
    assert any("&amp;c=" in link for link in links)
    suggestion_links = [link for link in links if "suggestion=" in link]
    assert suggestion_links
    page = signed_in(fred).get(suggestion_links[0].replace("&amp;", "&"))
    assert page.status_code == 200 and "From the suggestion" in page.content.decode()
    # A viewer reads the same results without the links.
    assert "/actions/new/" not in signed_in(vera).get(url).content.decode()


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"title": "   "}, "This field is required"),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"characteristic_number": "9"}, "Select a valid choice"),
        ({"status": "finished"}, "Select a valid choice"),
        ({"due_on": "31/02/2027"}, "Enter a valid date"),
        ({"notes": "n" * 4001}, "at most 4000 characters"),
        ({"round": "not a number"}, "Enter a whole number"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(collaboration, fred, overrides, message):
    response = signed_in(fred).post(new_url(collaboration), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Action.objects.exists() and not ActionChange.objects.exists()


def test_another_collaborations_round_or_suggestion_is_refused(
    collaboration, open_round, other_collaboration_round, edition1, fred
):
    client = signed_in(fred)
    other_edition = Suggestion.objects.filter(
        characteristic__version=edition1, characteristic__number=6
    ).first()
    wrong_characteristic = Suggestion.objects.filter(
        characteristic__version=open_round.framework_version, characteristic__number=2
    ).first()
    cases = [
        ({"round": other_collaboration_round.pk}, "not one of this collaboration"),
        ({"round": open_round.pk, "suggestion": other_edition.pk}, "not part of this round"),
        ({"round": open_round.pk, "suggestion": 10**9}, "not part of this round"),
        ({"round": open_round.pk, "suggestion": wrong_characteristic.pk}, "another characteristic"),
    ]
    for extra, message in cases:
        response = client.post(new_url(collaboration), form_data(**extra))
        assert response.status_code == 400, extra
        assert message in response.content.decode(), extra
    assert not Action.objects.exists()


def test_a_slashless_post_is_never_redirected(collaboration, fred):
    response = signed_in(fred).post(new_url(collaboration).rstrip("/"), form_data())
    assert response.status_code == 404
    assert not Action.objects.exists()


# --- Changing an action, and its history ------------------------------------------------------


def test_every_change_is_kept_with_who_when_from_and_to(collaboration, fred, olive):
    action = make_action(collaboration, fred, data={"owner": "Ann"})
    client = signed_in(olive)
    response = client.post(
        detail_url(action),
        form_data(
            title=action.title, characteristic_number="3", owner="Bo", status="doing", due_on=""
        ),
    )
    assert response.status_code == 302
    changes = {
        c.field: c for c in ActionChange.objects.filter(action=action).exclude(field="created")
    }
    assert set(changes) == {"owner", "status", "notes"} - {"notes"}
    assert (changes["owner"].old, changes["owner"].new, changes["owner"].user) == (
        "Ann",
        "Bo",
        olive,
    )
    assert (changes["status"].old, changes["status"].new) == ("Planned", "Doing")
    assert all(c.changed_at <= timezone.now() for c in changes.values())

    html = signed_in(fred).get(detail_url(action)).content.decode()
    history = re.search(r'id="history-caption".*?</table>', html, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", history).split())
    assert "olive Status Planned Doing" in text
    assert "olive Owner Ann Bo" in text
    assert "fred Created" in text

    # Saving again without a change records nothing.
    client.post(
        detail_url(action),
        form_data(
            title=action.title, characteristic_number="3", owner="Bo", status="doing", due_on=""
        ),
    )
    assert ActionChange.objects.filter(action=action).count() == 3


def test_the_service_records_a_change_only_with_the_change(collaboration, fred):
    action = make_action(collaboration, fred)
    changes = action_update(
        action=action, user=fred, data={"status": "done", "title": action.title}
    )
    assert [(c.field, c.old, c.new) for c in changes] == [("status", "Planned", "Done")]
    assert Action.objects.get(pk=action.pk).status == "done"
    assert action.status == "done"  # the caller's instance follows


def test_a_viewer_reads_the_plan_and_the_history_but_cannot_change_it(collaboration, fred, vera):
    action = make_action(collaboration, fred)
    client = signed_in(vera)
    html = client.get(detail_url(action)).content.decode()
    assert "History" in html and "Change this action" not in html
    assert f'action="{detail_url(action)}"' not in html
    plan = client.get(reverse("facilitate_actions", args=[collaboration.pk])).content.decode()
    assert action.title in plan and "Add an action</a>" not in plan
    assert client.post(detail_url(action), form_data(status="done")).status_code == 403
    assert Action.objects.get(pk=action.pk).status == "planned"


def test_another_collaborations_action_is_a_404(
    collaboration, fred, other_collaboration_round, oscar
):
    theirs = make_action(other_collaboration_round.collaboration, oscar)
    url = reverse("facilitate_action", args=[collaboration.pk, theirs.pk])
    client = signed_in(fred)
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404


def test_the_database_refuses_an_unknown_status_or_an_empty_title(collaboration, fred):
    action = make_action(collaboration, fred)
    for change, name in [
        ({"status": "finished"}, "action_status_valid"),
        ({"title": ""}, "action_title_not_empty"),
        ({"characteristic_number": 0}, "action_characteristic_number_valid"),
    ]:
        with pytest.raises(IntegrityError, match=name), transaction.atomic():
            Action.objects.filter(pk=action.pk).update(**change)


# --- Beside the next round's change in score ----------------------------------------------------


def test_the_next_rounds_results_show_the_actions_beside_the_change_with_overdue_marked(
    collaboration, content, fred
):
    today = timezone.localdate()
    rounds = []
    for index, opens_ago in enumerate((200, 10)):
        rounds.append(
            Round.objects.create(
                collaboration=collaboration,
                framework_version=content,
                title=f"Round {index + 1}",
                opens_on=today - timedelta(days=opens_ago),
                closes_on=today + timedelta(days=30),
                status=Round.Status.OPEN,
            )
        )
    team = collaboration.teams.first()
    for _ in range(5):
        submit(rounds[0], team=team, group="clinician", value=2)
        submit(rounds[1], team=team, group="clinician", value=3)
    overdue = make_action(
        collaboration,
        fred,
        round=rounds[0],
        data={
            "title": "Shared risk log",
            "characteristic_number": 7,
            "status": "doing",
            "due_on": today - timedelta(days=3),
        },
    )
    make_action(
        collaboration,
        fred,
        round=rounds[0],
        data={
            "title": "Open meetings",
            "characteristic_number": 5,
            "status": "done",
            "due_on": today - timedelta(days=30),
        },
    )
    make_action(collaboration, fred, round=rounds[1], data={"title": "Raised this round"})

    url = reverse("results_overview", args=[collaboration.pk, rounds[1].pk])
    html = signed_in(fred).get(url).content.decode()
    table = re.search(r'id="since-caption".*?</table>', html, re.S).group(0)
    rows = {
        " ".join(re.sub(r"<[^>]+>", " ", m).split())
        for m in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    }
    seven = next(r for r in rows if r.startswith("7."))
    assert "2.00 3.00 +1.00" in seven
    assert "Shared risk log : Doing Overdue" in seven
    five = next(r for r in rows if r.startswith("5."))
    assert "Open meetings : Done" in five and "Overdue" not in five  # done is never overdue
    assert "Raised this round" not in table  # it was not in place when this round was answered
    assert overdue.is_overdue()


# --- Queries ----------------------------------------------------------------------------------


def test_the_plan_and_an_action_cost_the_same_queries_for_1_and_40_actions(
    collaboration, open_round, fred, django_assert_num_queries
):
    client = signed_in(fred)
    plan = reverse("facilitate_actions", args=[collaboration.pk])
    counts = []
    first = make_action(collaboration, fred, round=open_round)
    for wanted in (1, 40):
        while Action.objects.count() < wanted:
            action = make_action(
                collaboration,
                fred,
                round=open_round,
                data={"characteristic_number": Action.objects.count() % 8 + 1},
            )
            action_update(action=action, user=fred, data={"status": "doing"})
        client.get(plan)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(plan).status_code == 200
            assert client.get(detail_url(first)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, membership; the characteristics' names; the actions with their rounds.
    with django_assert_num_queries(5):
        client.get(plan)
