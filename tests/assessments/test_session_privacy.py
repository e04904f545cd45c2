"""One invitation, one response; and what the session store keeps about a respondent."""

import base64
import json
import zlib
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from assessments.models import IndividualLink, Response, link_seal_key
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
    follow_invitation(anon_client, token)
    decoded, _ = _stored_session(anon_client)
    assert decoded["ca_link"] == link.pk  # before Start, the link is needed
    start(anon_client, token)
    resume = resume_token(anon_client)
    key_while_answering = anon_client.session.session_key
    decoded, _ = _stored_session(anon_client)
    assert "ca_link" not in decoded and "ca_link_key" not in decoded  # the draft is enough

    anon_client.post(reverse("respond_review"), {"resume": resume})

    decoded, raw = _stored_session(anon_client)
    assert set(decoded) == {"ca_results", "_session_expiry"}
    assert anon_client.session.session_key != key_while_answering
    assert not Session.objects.filter(session_key=key_while_answering).exists()
    everything = "".join(str(s.get_decoded()) + s.session_data for s in Session.objects.all())
    for secret in (token, link_seal_key(token)):
        assert secret not in everything
    # The one value left is the response's resume token, which only its digest can check.
    assert decoded["ca_results"] == resume
    # The results page still works, from the token alone.
    assert anon_client.get(reverse("respond_results")).status_code == 200


def _b64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None


def _read_without_the_key(session_data: str) -> dict:
    """What anyone reading the session table sees: the data is signed, not encrypted."""
    payload = session_data.split(":")[0]
    compressed = payload.startswith(".")
    raw = _b64(payload.lstrip("."))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def _midnight_utc(value: datetime) -> bool:
    value = value.astimezone(UTC)
    return value.time() == time.min


def test_after_submitting_the_session_row_holds_no_response_id_and_no_time_finer_than_the_day(
    team_link, content
):
    """Two partners submit at different moments on different days: each session row holds
    neither the response's id (the stored data is readable without any key) nor an expiry
    that dates the submission; both expire at the same midnight."""
    rows = []
    for days, hour, minute in ((0, 9, 17), (2, 16, 41)):
        moment = datetime.combine(
            team_link.round.opens_on + timedelta(days=1 + days), time(hour, minute, 3, 250_001)
        ).replace(tzinfo=UTC)
        client = Client()
        with time_machine.travel(moment, tick=False):
            response = complete(client, team_link.token, content)
        row = Session.objects.get(session_key=client.session.session_key)
        rows.append((row, response))
        with time_machine.travel(moment, tick=False):
            assert client.get(reverse("respond_results")).status_code == 200
    for row, response in rows:
        decoded = row.get_decoded()
        readable = _read_without_the_key(row.session_data)
        assert readable == decoded
        for value in readable.values():
            assert value != response.pk and value != str(response.pk)
            # Nor the id inside a value, as a signed reference shows it: base64 before a colon.
            if isinstance(value, str):
                assert _b64(value.split(":")[0]) != str(response.pk).encode()
        assert _midnight_utc(row.expire_date), row.expire_date
        assert _midnight_utc(datetime.fromisoformat(decoded["_session_expiry"]))
    assert rows[0][0].expire_date == rows[1][0].expire_date
    assert rows[0][0].expire_date.date() > team_link.round.closes_on


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
    assert set(other.session.keys()) == {"ca_results", "_session_expiry"}


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
    assert set(laptop.session.keys()) == {"ca_results", "_session_expiry"}
