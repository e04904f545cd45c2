"""Every edit form gives back what it was shown: a facilitator who changes one field changes only
that field.

The pages are read and posted back as a browser would (``tests.admin_forms.form_data``: every
input, select and textarea of the form as the page renders it), so a widget that renders a value
the browser cannot show (an en-GB date in ``<input type="date">`` is shown empty) is caught here:
editing an action's status once erased its due date.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from assessments.models import Action, ActionChange, Round
from assessments.services.actions import action_create
from tests.admin_forms import form_data
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

# One new value per field of the action form, each different from ACTION's.
ACTION = {
    "title": "Run a joint workshop",
    "characteristic_number": 3,
    "owner": "Programme lead",
    "due_on": date(2027, 3, 31),
    "status": "planned",
    "notes": "Book the room.",
}
CHANGED = {
    "title": "Run two joint workshops",
    "characteristic_number": "5",
    "owner": "Chair",
    "due_on": "2027-06-30",
    "status": "doing",
    "notes": "Room booked.",
}


def _shown(client, url: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), action=url)
    assert data, f"no form posting to {url} on the page"
    return data


@pytest.mark.parametrize("field", sorted(CHANGED))
def test_changing_one_field_of_an_action_keeps_every_other(collaboration, fred, field):
    action = action_create(collaboration=collaboration, user=fred, data=dict(ACTION))
    before = model_to_dict(action, fields=list(ACTION))
    client = signed_in(fred)
    url = reverse("facilitate_action", args=[collaboration.pk, action.pk])

    data = _shown(client, url)
    assert data["due_on"] == ["2027-03-31"], "the date field must show the stored date"
    data[field] = [CHANGED[field]]
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    after = model_to_dict(Action.objects.get(pk=action.pk), fields=list(ACTION))
    kept = {name: value for name, value in after.items() if name != field}
    assert kept == {name: value for name, value in before.items() if name != field}
    assert str(after[field]) == CHANGED[field]
    changes = ActionChange.objects.filter(action=action).exclude(field="created")
    assert [change.field for change in changes] == [field]


def _round_trip(client, url: str, obj) -> None:
    """Post the form back unchanged: the object must be exactly as it was."""
    before = model_to_dict(type(obj).objects.get(pk=obj.pk))
    response = client.post(url, _shown(client, url))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert model_to_dict(type(obj).objects.get(pk=obj.pk)) == before


def test_the_collaboration_form_posted_back_unchanged_changes_nothing(collaboration, olive):
    _round_trip(
        signed_in(olive), reverse("facilitate_edit", args=[collaboration.pk]), collaboration
    )


def test_the_round_form_posted_back_unchanged_changes_nothing(collaboration, fred, content):
    round = Round.objects.create(
        collaboration=collaboration,
        framework_version=content,
        title="Spring round",
        opens_on=date(2027, 4, 1),
        closes_on=date(2027, 4, 30),
    )
    url = reverse("facilitate_round_edit", args=[collaboration.pk, round.pk])
    _round_trip(signed_in(fred), url, round)


def test_the_team_form_posted_back_unchanged_changes_nothing(collaboration, fred):
    team = collaboration.teams.first()
    url = reverse("facilitate_team", args=[collaboration.pk, team.pk])
    _round_trip(signed_in(fred), url, team)


def test_the_action_form_posted_back_unchanged_changes_nothing(collaboration, fred):
    action = action_create(collaboration=collaboration, user=fred, data=dict(ACTION))
    url = reverse("facilitate_action", args=[collaboration.pk, action.pk])
    _round_trip(signed_in(fred), url, action)
    assert not ActionChange.objects.filter(action=action).exclude(field="created").exists()
