"""Walking the respondent's journey with the test client."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assessments.models import Collaboration, Response, Round, Team, TeamLink
from frameworks.models import FrameworkVersion, Indicator


def open_round_link(version: FrameworkVersion, name: str = "Collaboration") -> TeamLink:
    """A collaboration with one team and an open round against ``version``: its team link."""
    collaboration = Collaboration.objects.create(name=name, framework_version=version)
    team = Team.objects.create(collaboration=collaboration, name=f"{name} team")
    today = timezone.localdate()
    round = Round.objects.create(
        collaboration=collaboration,
        framework_version=version,
        title="Round",
        opens_on=today,
        closes_on=today + timedelta(days=30),
        status=Round.Status.OPEN,
    )
    return TeamLink.objects.create(round=round, team=team)


def follow_invitation(client, token: str):
    return client.get(reverse("invitation", args=[token]))


def start(client, token: str) -> Response:
    follow_invitation(client, token)
    response = client.post(reverse("respond_start"))
    assert response.status_code == 302, response.status_code
    return Response.objects.get(pk=client.session["ca_response"])


def resume_token(client) -> str:
    """The draft's resume token from the session ('' once submitted: it is not kept then)."""
    return client.session.get("ca_resume", "")


def answer_page(client, version, number: int, value="4", comment="", nav="next", extra=None):
    indicators = Indicator.objects.filter(
        characteristic__version=version, characteristic__number=number
    )
    data = {f"item_{i.pk}": value for i in indicators}
    data.update({"comment": comment, "nav": nav, "resume": resume_token(client)})
    data.update(extra or {})
    return client.post(reverse("respond_characteristic", args=[number]), data)


def complete(client, token: str, version, values=None, group="clinician") -> Response:
    """Start, answer every page (values: characteristic number -> value) and submit.

    The session keeps no resume token after submitting: the returned response carries it as
    ``resume_token`` for tests that need it.
    """
    draft = start(client, token)
    client.post(
        reverse("respond_about"), {"stakeholder_group": group, "resume": resume_token(client)}
    )
    for number in range(1, 9):
        value = (values or {}).get(number, "4")
        assert answer_page(client, version, number, value=value).status_code == 302
    token = resume_token(client)
    submitted = client.post(reverse("respond_review"), {"resume": token})
    assert submitted.status_code == 302
    draft.refresh_from_db()
    draft.resume_token = token
    return draft
