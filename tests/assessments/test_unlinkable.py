"""A personal link's response can't be tied to the link (and so to the invitee's e-mail address).

Each test plays an attacker who has a copy of the database (every row of responses, personal
links, answers, comments and sessions) and, where it says so, ``settings.SECRET_KEY``, and who
knows the code. Partners answer on different days, from team links and personal links; the
attacker then tries every way we know of to pair a used personal link with a response, and
none may single one out.

Left to the design (see ``assessments/models/links.py``): ids. Responses and links take their
ids from separate sequences, in the order partners start and the order a facilitator adds
addresses; with no date on a response, neither order can be placed against the other.
"""

from __future__ import annotations

import base64
import hmac
import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from assessments.models import (
    Answer,
    Comment,
    IndividualLink,
    Response,
    Round,
    TeamLink,
    links,
    token_digest,
)
from tests.assessments.helpers import answer_page, follow_invitation, resume_token, start

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DAY0 = date(2027, 3, 1)


def _at(day: int, hour: int = 10):
    """A moment on the round's ``day``-th day, as time-machine's destination."""
    return time_machine.travel(
        datetime.combine(DAY0 + timedelta(days=day), datetime.min.time(), LONDON)
        + timedelta(hours=hour),
        tick=False,
    )


def _round(collaboration, content) -> Round:
    return Round.objects.create(
        collaboration=collaboration,
        framework_version=content,
        title="Spring round",
        opens_on=DAY0,
        closes_on=DAY0 + timedelta(days=40),
        status=Round.Status.OPEN,
    )


def _invite(round, *, team=None, email: str, day: int) -> tuple[IndividualLink, str]:
    """Issue a personal link on ``day`` and e-mail it the same day (the facilitator's screen)."""
    with _at(day, hour=9):
        link, token = IndividualLink.issue(round=round, team=team, email=email)
        IndividualLink.objects.filter(pk=link.pk).update(sent_on=DAY0 + timedelta(days=day))
    return link, token


def _answer(day: int, token: str, content, *, team=None, group="clinician", client=None):
    """Follow ``token`` on ``day``, answer everything (choosing ``team`` if asked) and submit."""
    client = client or Client()
    with _at(day):
        draft = start(client, token)
        client.post(
            reverse("respond_about"),
            {
                "stakeholder_group": group,
                "resume": resume_token(client),
                **({"team": team.pk} if team is not None else {}),
            },
        )
        for number in range(1, 9):
            assert answer_page(client, content, number, value="4").status_code == 302
        assert client.post(reverse("respond_review"), {"resume": resume_token(client)})
    draft.refresh_from_db()
    assert draft.is_submitted
    return draft


# --- What the attacker reads and how they reason ----------------------------------------------


def _database() -> dict:
    """Every stored field of every row the attacker cares about, and every session decoded."""
    sessions = []
    for row in Session.objects.all():
        sessions.append({"decoded": row.get_decoded(), "raw": row.session_data, **_fields(row)})
    return {
        "responses": [_fields(r) for r in Response.objects.order_by("pk")],
        "links": [_fields(link) for link in IndividualLink.objects.order_by("pk")],
        "answers": list(Answer.objects.values()),
        "comments": list(Comment.objects.values()),
        "sessions": sessions,
    }


def _fields(obj) -> dict:
    """Every concrete field of ``obj`` by attribute name, whatever the model holds today."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _dates(row: dict) -> dict:
    return {
        name: value.date() if isinstance(value, datetime) else value
        for name, value in row.items()
        if isinstance(value, date) and name != "expire_date"
    }


def _mac(purpose: bytes, value: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), purpose + value.encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


PURPOSES = (b"resume:", b"start:", b"personal-link:", b"")


def _tokens_from_link(link: dict, everything: list[str]) -> set[str]:
    """Every resume token the attacker can work out from a link row with SECRET_KEY: the link's
    token (derived from its secret), anything derived from it or from the secret, and anything
    stored anywhere that opens with a key made from it (if the code has such a seal)."""
    if not link.get("secret"):
        return set()
    token = _mac(b"personal-link:", link["secret"])
    found = {token, link["secret"]}
    for purpose in PURPOSES:
        found |= {_mac(purpose, token), _mac(purpose, link["secret"])}
    unseal = getattr(links, "unseal_resume_token", None)
    key_of = getattr(links, "link_seal_key", None)
    if unseal and key_of:
        key = key_of(token)
        for value in everything:
            opened = unseal(value, key)
            if opened:
                found.add(opened)
    return found


def _strings(database: dict) -> list[str]:
    values = []
    for table in ("responses", "links", "sessions"):
        for row in database[table]:
            values += [v for v in row.values() if isinstance(v, str)]
            values += [v for v in row.get("decoded", {}).values() if isinstance(v, str)]
    return values


def _forced_pairs(database: dict, *, secret_key: bool) -> dict[int, int]:
    """{link id: response id} for every pair the attacker can prove directly."""
    responses = {r["id"]: r for r in database["responses"] if r["status"] == "submitted"}
    forced = {}
    everything = _strings(database)
    for link in database["links"]:
        if secret_key:
            digests = {token_digest(t) for t in _tokens_from_link(link, everything)}
            for r in responses.values():
                if r["resume_digest"] in digests:
                    forced[link["id"]] = r["id"]
        # A session that names both the link and a response (or the response's resume token).
        for session in database["sessions"]:
            values = set(map(str, session["decoded"].values()))
            if str(link["id"]) != str(session["decoded"].get("ca_link")):
                continue
            for r in responses.values():
                if str(r["id"]) in values or r["resume_digest"] in {
                    token_digest(v) for v in values
                }:
                    forced[link["id"]] = r["id"]
    return forced


def _compatible(link: dict, response: dict) -> bool:
    """Could ``response`` have come from ``link``, by everything both rows say?"""
    link_dates, response_dates = _dates(link), _dates(response)
    used_on, submitted_on = link_dates.get("used_on"), response_dates.get("submitted_on")
    if used_on and submitted_on and used_on != submitted_on:
        return False
    # A link is used after it was created and sent, and reminded only while unused.
    issued = [link_dates[k] for k in ("created_on", "sent_on", "reminded_on") if k in link_dates]
    if any(day > answered for day in issued for answered in response_dates.values()):
        return False
    if link.get("team_id") and link["team_id"] != response["team_id"]:
        return False
    # A link that fixed no team leaves the partner to choose one; a flag that says the link
    # fixed the team rules this link out.
    return not (link.get("team_id") is None and response.get("team_from_link") is True)


def _certain_pairs(database: dict, *, secret_key: bool) -> dict[int, set[int]]:
    """For each used link, the responses it is paired with in *every* assignment of used links
    to distinct submitted responses that agrees with all the rows (and the forced pairs).

    A non-empty set means the attacker knows which response is the invitee's."""
    used = [link for link in database["links"] if link.get("used") or link.get("used_on")]
    responses = [r for r in database["responses"] if r["status"] == "submitted"]
    forced = _forced_pairs(database, secret_key=secret_key)
    options = []
    for link in used:
        if link["id"] in forced:
            options.append([forced[link["id"]]])
        else:
            options.append([r["id"] for r in responses if _compatible(link, r)])
    seen: dict[int, set[int]] = {link["id"]: set() for link in used}
    for assignment in itertools.product(*options):
        if len(set(assignment)) < len(assignment):
            continue
        for link, response_id in zip(used, assignment, strict=True):
            seen[link["id"]].add(response_id)
    assert all(seen.values()), "no assignment fits the rows: the attacker's model is wrong"
    return {link_id: ids for link_id, ids in seen.items() if len(ids) == 1}


# --- The attacks ------------------------------------------------------------------------------


@pytest.fixture
def spring(collaboration, content):
    """A round answered over eleven days from team links and personal links.

    Personal links with and without a team; team-link partners of the same teams and groups
    answering on the same days, so that what partners choose singles nobody out; one invitee
    opens their link on a laptop and finishes on a phone; one invitee is added late.
    """
    round = _round(collaboration, content)
    acute, community, social = collaboration.teams.order_by("name")
    acute_link = TeamLink.objects.create(round=round, team=acute)
    community_link = TeamLink.objects.create(round=round, team=community)
    pat, pat_token = _invite(round, team=acute, email="pat@example.org", day=0)
    sam, sam_token = _invite(round, email="sam@example.org", day=0)
    _invite(round, email="never@example.org", day=0)
    # Pat starts on a laptop on day 1, reads the first page and submits from a phone on day 2.
    laptop = Client()
    with _at(1):
        start(laptop, pat_token)
        assert laptop.get(reverse("respond_about")).status_code == 200
    team_ids = [_answer(1, acute_link.token, content).pk]
    team_ids.append(_answer(2, community_link.token, content).pk)
    personal_ids = [_answer(2, sam_token, content, team=community).pk]
    personal_ids.append(_answer(2, pat_token, content).pk)
    team_ids.append(_answer(3, acute_link.token, content).pk)
    late, late_token = _invite(round, email="late@example.org", day=10)
    personal_ids.append(_answer(11, late_token, content, team=acute).pk)
    team_ids.append(_answer(11, acute_link.token, content).pk)
    team_ids.append(_answer(11, community_link.token, content, group="manager").pk)
    return {
        "round": round,
        "pat": (pat, pat_token),
        "laptop": laptop,
        "personal_ids": set(personal_ids),
        "team_ids": set(team_ids),
    }


def test_no_used_personal_link_can_be_paired_with_its_response_from_the_database(spring):
    assert _certain_pairs(_database(), secret_key=False) == {}


def test_no_used_personal_link_can_be_paired_with_its_response_with_the_secret_key(spring):
    assert _certain_pairs(_database(), secret_key=True) == {}


def test_no_date_of_a_personal_link_is_a_date_of_a_response(spring):
    database = _database()
    link_days = {day for link in database["links"] for day in _dates(link).values()}
    response_days = {day for r in database["responses"] for day in _dates(r).values()}
    assert not link_days & response_days


def test_the_resume_digest_cannot_be_worked_out_from_a_link_with_the_secret_key(spring):
    database = _database()
    everything = _strings(database)
    digests = {r["resume_digest"] for r in database["responses"]}
    for link in database["links"]:
        derived = {token_digest(token) for token in _tokens_from_link(link, everything)}
        assert not derived & digests, link["email"]


def test_no_field_of_a_response_tells_a_personal_link_from_a_team_link(spring):
    """Whatever a personal-link response holds, some team-link response holds too (the
    partners here chose alike): no field sorts the responses by how their partner came."""
    responses = [r for r in _database()["responses"] if r["status"] == "submitted"]
    for name in responses[0]:
        if name in {"id", "resume_digest"}:
            continue
        by_kind = {"personal": set(), "team": set()}
        for r in responses:
            kind = "personal" if r["id"] in spring["personal_ids"] else "team"
            by_kind[kind].add(repr(r[name]))
        assert by_kind["personal"] <= by_kind["team"], name


def test_a_late_invitation_does_not_single_out_the_last_responses(collaboration, content):
    """Links added late bound when they could be used: with a date on the response, the
    responses before that date must be the earlier invitees', which leaves the late one's."""
    round = _round(collaboration, content)
    tokens = [_invite(round, email=f"early{n}@example.org", day=0)[1] for n in range(2)]
    for day, token in enumerate(tokens, start=1):
        _answer(day, token, content, team=collaboration.teams.first())
    late, late_token = _invite(round, email="late@example.org", day=10)
    _answer(11, late_token, content, team=collaboration.teams.first())

    database = _database()
    for link in database["links"]:
        if "used_on" in link:  # this attacker does without the day of use
            link["used"] = link.pop("used_on") is not None
    assert sum(bool(link["used"]) for link in database["links"]) == 3
    assert _certain_pairs(database, secret_key=False) == {}


def test_a_browser_left_on_a_draft_ties_no_link_to_the_response(spring):
    laptop_session = Session.objects.get(session_key=spring["laptop"].session.session_key)
    stored = laptop_session.get_decoded()
    assert "ca_link" not in stored
    forced = _forced_pairs(_database(), secret_key=True)
    assert spring["pat"][0].pk not in forced


def test_a_used_personal_link_still_says_so_and_opens_nothing(spring):
    reply = follow_invitation(Client(), spring["pat"][1])
    assert reply.status_code == 410
    assert "already been used" in reply.content.decode()
