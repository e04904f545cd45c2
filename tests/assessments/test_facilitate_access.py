"""Every facilitator URL × method × persona, with the status each must get.

The table below is the specification. The URL names come from the URL conf: a facilitator URL
added without a row here fails ``test_every_facilitator_url_has_a_row``.

Personas: anonymous (no account), outsider (Oscar, owner of another collaboration), viewer
(Vera), facilitator (Fred), owner (Olive). POSTs carry no data: a permitted one reaches its
view, which answers 400 (form errors), 302 (done) or 405 (not a method the page takes).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, resolve, reverse

from assessments.models import Membership, Team
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "viewer", "facilitator", "owner"]


def row(get, post):
    """Statuses for (anonymous, outsider, viewer, facilitator, owner), GET then POST."""
    return {
        "GET": dict(zip(PERSONAS, get, strict=True)),
        "POST": dict(zip(PERSONAS, post, strict=True)),
    }


L, N = 302, 404  # anonymous users are sent to sign in; outsiders find nothing
EXPECTED = {
    "facilitate_home": row([L, 200, 200, 200, 200], [L, 405, 405, 405, 405]),
    "facilitate_new": row([L, 200, 200, 200, 200], [L, 400, 400, 400, 400]),
    "facilitate_collaboration": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "facilitate_edit": row([L, N, 403, 200, 200], [L, N, 403, 400, 400]),
    "facilitate_delete": row([L, N, 403, 403, 200], [L, N, 403, 403, 400]),
    "facilitate_canvas": row([L, N, 200, 200, 200], [L, N, 403, 302, 302]),
    "facilitate_teams": row([L, N, 200, 200, 200], [L, N, 403, 400, 400]),
    "facilitate_team": row([L, N, 403, 200, 200], [L, N, 403, 400, 400]),
    "facilitate_members": row([L, N, 200, 200, 200], [L, N, 403, 403, 400]),
    "facilitate_member": row([L, N, 403, 403, 200], [L, N, 403, 403, 400]),
    "facilitate_leave": row([L, N, 405, 405, 405], [L, N, 302, 302, 302]),
    # Personal data requests: owners only, for their own collaboration.
    "facilitate_subject_access": row([L, N, 403, 403, 200], [L, N, 403, 403, 400]),
    "facilitate_round_new": row([L, N, 403, 200, 200], [L, N, 403, 400, 400]),
    "facilitate_round": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "facilitate_round_edit": row([L, N, 403, 200, 200], [L, N, 403, 400, 400]),
    "facilitate_round_status": row([L, N, 405, 405, 405], [L, N, 403, 302, 302]),
    "facilitate_poster": row([L, N, 403, 200, 200], [L, N, 405, 405, 405]),
    "facilitate_qr": row([L, N, 403, 200, 200], [L, N, 405, 405, 405]),
    "facilitate_invitations": row([L, N, 403, 200, 200], [L, N, 403, 400, 400]),
    "facilitate_remind": row([L, N, 405, 405, 405], [L, N, 403, 302, 302]),
    "facilitate_invitations_retry": row([L, N, 405, 405, 405], [L, N, 403, 302, 302]),
    "facilitate_tracking": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    # Group results: every member reads them; the team-names switch is each member's own.
    "results_overview": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "results_heatmap": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "results_characteristic": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "results_perspectives": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "results_learn": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "results_team_names": row([L, N, 405, 405, 405], [L, N, 400, 400, 400]),
    "results_csv": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "results_pdf": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "results_summary_pdf": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    # Trends and the action plan: members read them; facilitators add and change actions.
    "facilitate_trends": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "facilitate_actions": row([L, N, 200, 200, 200], [L, N, 405, 405, 405]),
    "facilitate_action_new": row([L, N, 403, 200, 200], [L, N, 403, 400, 400]),
    "facilitate_action": row([L, N, 200, 200, 200], [L, N, 403, 400, 400]),
    # The consensus workshop: members read it; facilitators open it (an empty post: 400).
    "facilitate_workshop": row([L, N, 200, 200, 200], [L, N, 403, 400, 400]),
    "workshop_characteristic": row([L, N, 200, 200, 200], [L, N, 403, 400, 400]),
    "workshop_action": row([L, N, 405, 405, 405], [L, N, 403, 400, 400]),
    # Chart downloads: members read them (no round here has figures yet: a 404 that says so;
    # tests/assessments/test_chart_downloads.py reads them with figures, and keeps outsiders out).
    "round_chart": row([L, N, N, N, N], [L, N, 405, 405, 405]),
    "trends_chart": row([L, N, N, N, N], [L, N, 405, 405, 405]),
    # Sharing results: members read the sharing page; facilitators release, withdraw and make or
    # turn off board links (an empty post: 400; a revoke needs no data).
    "facilitate_sharing": row([L, N, 200, 200, 200], [L, N, 403, 400, 400]),
    "facilitate_board_link_revoke": row([L, N, 405, 405, 405], [L, N, 403, 302, 302]),
}


def facilitator_url_names() -> set[str]:
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                # Every page of a collaboration, whatever its name says.
                if pattern.name and (
                    pattern.name.startswith(("facilitate_", "results_"))
                    or "collaboration_id" in pattern.pattern.converters
                ):
                    names.add(pattern.name)
            else:
                walk(pattern.url_patterns)

    walk(get_resolver().url_patterns)
    return names


def test_every_facilitator_url_has_a_row():
    assert facilitator_url_names() == set(EXPECTED)


@pytest.fixture
def world(collaboration, open_round, team_link, olive, fred, vera, oscar):
    """The collaboration with its four members, a round with a team link, and Oscar's."""
    return {
        "collaboration_id": collaboration.pk,
        "round_id": open_round.pk,
        "team_id": team_link.team_id,
        "membership_id": Membership.objects.get(user=fred, collaboration=collaboration).pk,
        "action_id": _action(collaboration, fred).pk,
        "link_id": _board_link(open_round, fred).pk,
        "number": 1,
        "chart": "radar",
        "fmt": "csv",
        "clients": {
            "anonymous": Client(),
            "outsider": signed_in(oscar),
            "viewer": signed_in(vera),
            "facilitator": signed_in(fred),
            "owner": signed_in(olive),
        },
    }


def _action(collaboration, user):
    from assessments.services.actions import action_create

    data = {"title": "Agree shared measures", "characteristic_number": 6, "status": "planned"}
    return action_create(collaboration=collaboration, user=user, data=data)


def _board_link(round, user):
    from datetime import timedelta

    from django.utils import timezone

    from assessments.services.sharing import create_board_link

    return create_board_link(
        round, user, label="Board", expires_on=timezone.localdate() + timedelta(days=7)
    )


# A URL part that differs from page to page: the trends page's charts are named otherwise.
OWN_KWARGS = {"trends_chart": {"chart": "collaboration"}}


def _url(name: str, world: dict) -> str:
    params = _params(name)
    kwargs = {key: world[key] for key in params} | OWN_KWARGS.get(name, {})
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_status_for_every_url_method_and_persona(world, name, method, persona):
    client = world["clients"][persona]
    url = _url(name, world)
    response = client.get(url) if method == "GET" else client.post(url)
    assert response.status_code == EXPECTED[name][method][persona], (url, method, persona)
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))


FOREIGN = ["round_id", "team_id", "membership_id", "action_id", "link_id"]


def _params(name: str) -> list[str]:
    return get_resolver().reverse_dict.getlist(name)[0][0][0][1]


WITH_OBJECTS = sorted(name for name in EXPECTED if set(_params(name)) & set(FOREIGN))


@pytest.mark.parametrize("name", WITH_OBJECTS)
def test_another_collaborations_objects_are_a_404_even_for_an_owner(
    world, name, other_collaboration_round, oscar
):
    """Olive, owner of her collaboration, asks for Oscar's round, team or membership through it."""
    foreign = {
        "round_id": other_collaboration_round.pk,
        "team_id": Team.objects.get(collaboration=other_collaboration_round.collaboration).pk,
        "membership_id": Membership.objects.get(user=oscar).pk,
        "action_id": _action(other_collaboration_round.collaboration, oscar).pk,
        "link_id": _board_link(other_collaboration_round, oscar).pk,
    }
    params = _params(name)
    swapped = [key for key in params if key in FOREIGN]
    owner = world["clients"]["owner"]
    for key in swapped:
        kwargs = {k: world[k] for k in params}
        kwargs[key] = foreign[key]
        url = reverse(name, kwargs=kwargs)
        accepted = resolve(url).func.access_rule["methods"]
        for method in ("GET", "POST"):
            response = owner.get(url) if method == "GET" else owner.post(url)
            # A method the page never takes is a 405 whatever the object; any other is a 404.
            assert response.status_code == (404 if method in accepted else 405), (url, method)


TOO_LARGE = 2**64  # more than any database integer holds: the URL's int converter takes it


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_id_too_large_for_the_database_is_a_404_not_a_500(world, name):
    """A hand-edited address with a 20-digit id reaches the queries as it is (SQLite cannot
    bind it): each id of every facilitator URL, in turn, is a 404 for the owner."""
    owner = world["clients"]["owner"]
    params = _params(name)
    for key in params:
        kwargs = {k: world[k] for k in params}
        kwargs[key] = TOO_LARGE
        url = reverse(name, kwargs=kwargs)
        accepted = resolve(url).func.access_rule["methods"]
        for method in ("GET", "POST"):
            response = owner.get(url) if method == "GET" else owner.post(url)
            assert response.status_code in (404, 405 if method not in accepted else 404), (
                url,
                method,
            )
