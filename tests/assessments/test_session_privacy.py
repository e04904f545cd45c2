"""One invitation, one response; and what the session store keeps about a respondent."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from assessments.models import IndividualLink, Response, link_resume_token
from assessments.respondent_session import RESULTS_SALT
from tests.assessments.helpers import (
    answer_page,
    complete,
    follow_invitation,
    resume_token,
    start,
)

pytestmark = pytest.mark.django_db


def _stored_session(client) -> tuple[dict, str]:
    """The session as the database holds it: decoded, and as raw stored text."""
    row = Session.objects.get(session_key=client.session.session_key)
    return row.get_decoded(), row.session_data


def test_a_used_personal_link_opens_no_journey_in_any_browser(open_round, content):
    link, token = IndividualLink.issue(round=open_round)
    complete(Client(), token, content)
    assert Response.objects.count() == 1

    stranger = Client()
    assert follow_invitation(stranger, token).status_code == 410
    # Nothing was written to the session, so nothing can be started or submitted with it.
    assert "ca_round" not in stranger.session
    assert stranger.post(reverse("respond_start")).status_code == 404
    assert stranger.post(reverse("respond_review")).status_code == 404
    assert stranger.get(reverse("respond_landing")).status_code == 404
    assert Response.objects.count() == 1


def test_reopening_a_team_link_after_submitting_shows_that_you_answered(
    anon_client, team_link, content
):
    complete(anon_client, team_link.token, content)
    response = follow_invitation(anon_client, team_link.token)
    assert response["Location"] == reverse("respond_landing")

    landing = anon_client.get(reverse("respond_landing")).content.decode()

    assert "You have already answered" in landing
    assert reverse("respond_results") in landing
    assert "Start the assessment" not in landing
    assert anon_client.get(reverse("respond_results")).status_code == 200


def test_someone_else_on_the_same_device_can_answer_from_a_team_link(
    anon_client, team_link, content
):
    first = complete(anon_client, team_link.token, content)
    follow_invitation(anon_client, team_link.token)

    started = anon_client.post(reverse("respond_start"))

    assert started["Location"] == reverse("respond_about")
    second = Response.objects.exclude(pk=first.pk).get()
    assert second.status == "draft" and second.team_id == team_link.team_id
    # The first person's results are no longer reachable from this session.
    assert anon_client.get(reverse("respond_results"))["Location"] == reverse("respond_review")


def test_reopening_a_personal_link_after_submitting_says_it_was_used_and_links_the_results(
    anon_client, open_round, content
):
    link, token = IndividualLink.issue(round=open_round)
    complete(anon_client, token, content)

    response = follow_invitation(anon_client, token)

    assert response.status_code == 410
    html = response.content.decode()
    assert "already been used" in html and reverse("respond_results") in html
    assert anon_client.get(reverse("respond_results")).status_code == 200


def test_after_submitting_the_session_store_keeps_no_link_and_no_token(
    anon_client, open_round, content
):
    link, token = IndividualLink.issue(round=open_round, email="pat@example.org")
    draft = start(anon_client, token)
    resume = resume_token(anon_client)
    key_while_answering = anon_client.session.session_key
    decoded, _ = _stored_session(anon_client)
    assert decoded["ca_link"] == link.pk  # while answering, the link is needed

    anon_client.post(reverse("respond_review"), {"resume": resume})

    decoded, raw = _stored_session(anon_client)
    assert set(decoded) == {"ca_results"}
    assert anon_client.session.session_key != key_while_answering
    assert not Session.objects.filter(session_key=key_while_answering).exists()
    everything = "".join(str(s.get_decoded()) + s.session_data for s in Session.objects.all())
    for secret in (token, resume, link_resume_token(token)):
        assert secret not in everything
    # The one value left is a signed reference to the response, not to the link.
    from django.core import signing

    assert signing.loads(decoded["ca_results"], salt=RESULTS_SALT) == draft.pk
    # The results page still works, from the signed reference alone.
    assert anon_client.get(reverse("respond_results")).status_code == 200


def test_a_tampered_results_reference_opens_nothing(anon_client, team_link, content):
    other = complete(Client(), team_link.token, content)
    session = anon_client.session
    session["ca_results"] = f"{other.pk}:forged"
    session.save()
    assert anon_client.get(reverse("respond_results")).status_code == 404


def test_the_results_page_shows_the_private_link_from_the_browser_not_the_session(
    anon_client, team_link, content
):
    draft = complete(anon_client, team_link.token, content)
    html = anon_client.get(reverse("respond_results")).content.decode()
    assert reverse("respond_resume", args=[draft.resume_token]) in html
    assert "opens these results again" in html
    # Another browser with the resume link sees the results, not the questions.
    other = Client()
    assert other.get(reverse("respond_resume", args=[draft.resume_token]))["Location"] == reverse(
        "respond_results"
    )
    assert set(other.session.keys()) == {"ca_results"}


def test_a_posted_resume_token_binds_its_draft_to_a_new_session_key(team_link, content):
    owner = Client()
    draft = start(owner, team_link.token)
    token = resume_token(owner)
    # A browser whose session id an attacker may know (here: any existing session).
    victim = Client()
    follow_invitation(victim, team_link.token)
    planted = victim.session.session_key

    answer_page(victim, content, 1, value="4", extra={"resume": token})

    assert victim.session.session_key != planted
    assert victim.session["ca_response"] == draft.pk
    assert not Session.objects.filter(session_key=planted).exists()


def test_only_a_followed_invitation_can_start_a_response(anon_client, team_link, content):
    complete(anon_client, team_link.token, content)  # the session now holds only results
    assert anon_client.post(reverse("respond_start")).status_code == 404
    assert Response.objects.count() == 1


def test_a_draft_submitted_in_another_browser_shows_results_here_too(open_round, content):
    link, token = IndividualLink.issue(round=open_round)
    laptop, phone = Client(), Client()
    start(laptop, token)
    answer_page(laptop, content, 1, value="4")
    follow_invitation(phone, token)
    phone.post(reverse("respond_review"), {"resume": resume_token(phone)})

    reply = laptop.get(reverse("respond_characteristic", args=[2]))

    assert reply["Location"] == reverse("respond_results")
    assert set(laptop.session.keys()) == {"ca_results"}
