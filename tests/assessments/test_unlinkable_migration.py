"""Migration 0009 converts what tied responses to personal links before it (and wipes it)."""

from __future__ import annotations

import base64
import hmac
from datetime import date, time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import (
    IndividualLink,
    Response,
    link_seal_key,
    personal_link_token,
    token_digest,
    unseal_resume_token,
)

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("assessments", "0008_response_personal_result")]


def _old_resume(invitation_token: str) -> str:
    """The resume token the code derived from a personal link's token before 0009."""
    mac = hmac.new(settings.SECRET_KEY.encode(), b"resume:" + invitation_token.encode(), "sha256")
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _session(data: dict) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


@pytest.fixture
def before():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_0009_rotates_link_derived_tokens_and_cleans_links_and_sessions(before, content):
    apps = before
    version = apps.get_model("frameworks", "FrameworkVersion").objects.get(pk=content.pk)
    collaboration = apps.get_model("assessments", "Collaboration").objects.create(
        name="Old", framework_version=version
    )
    team = apps.get_model("assessments", "Team").objects.create(
        collaboration=collaboration, name="Team"
    )
    round = apps.get_model("assessments", "Round").objects.create(
        collaboration=collaboration,
        framework_version=version,
        title="Old round",
        opens_on=date(2026, 1, 1),
        closes_on=date(2099, 1, 31),
        status="open",
    )
    OldLink = apps.get_model("assessments", "IndividualLink")
    OldResponse = apps.get_model("assessments", "Response")
    links, tokens = [], []
    for n in range(3):
        secret = f"secret-{n}"
        token = personal_link_token(secret)
        tokens.append(token)
        links.append(
            OldLink.objects.create(
                round=round,
                email=f"p{n}@example.org",
                token_digest=token_digest(token),
                secret=secret,
                reminded_on=date(2026, 1, 5),
            )
        )
    OldLink.objects.filter(pk=links[0].pk).update(used_on=date(2026, 1, 7))
    submitted = OldResponse.objects.create(
        round=round,
        team=team,
        status="submitted",
        submitted_on=date(2026, 1, 7),
        resume_digest=token_digest(_old_resume(tokens[0])),
    )
    draft = OldResponse.objects.create(
        round=round,
        individual_link=links[1],
        resume_digest=token_digest(_old_resume(tokens[1])),
    )
    from_team_link = OldResponse.objects.create(
        round=round,
        team=team,
        team_from_link=True,
        status="submitted",
        submitted_on=date(2026, 1, 7),
        resume_digest=token_digest("a team link's token"),
    )
    salt = "assessments.respondent_session.results"
    results_session = _session({"ca_results": signing.dumps(submitted.pk, salt=salt)})
    team_session = _session({"ca_results": signing.dumps(from_team_link.pk, salt=salt)})
    draft_session = _session(
        {
            "ca_round": round.pk,
            "ca_link": links[1].pk,
            "ca_link_resume": _old_resume(tokens[1]),
            "ca_response": draft.pk,
            "ca_resume": _old_resume(tokens[1]),
        }
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    used, unused, other = (IndividualLink.objects.get(pk=link.pk) for link in links)
    assert used.used and used.reminded_on is None
    assert not unused.used and unused.reminded_on == date(2026, 1, 5)
    assert not other.used
    digests = set(Response.objects.values_list("resume_digest", flat=True))
    for token in tokens:
        assert token_digest(_old_resume(token)) not in digests
    assert Response.objects.get(pk=from_team_link.pk).resume_digest == from_team_link.resume_digest
    # The draft is reached from its link as before, with its new token.
    draft = Response.objects.get(pk=draft.pk)
    new_token = unseal_resume_token(draft.sealed_resume, link_seal_key(tokens[1]))
    assert token_digest(new_token) == draft.resume_digest
    # Sessions: no link; the draft's new token; the submitted response's new token until a
    # midnight, or nothing of a response whose token did not change.
    stored = SessionStore(draft_session).load()
    assert "ca_link" not in stored and "ca_link_resume" not in stored
    assert stored["ca_resume"] == new_token
    stored = SessionStore(results_session)
    data = stored.load()
    assert token_digest(data["ca_results"]) == Response.objects.get(pk=submitted.pk).resume_digest
    assert stored.get_expiry_date().time() == time.min
    assert "ca_results" not in SessionStore(team_session).load()
