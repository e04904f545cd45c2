"""No invitation, personal or resume token reaches the server's log, on a 5xx or a 410."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import IndividualLink
from collabassess.log_filters import mask
from tests.assessments.helpers import complete, resume_token, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def emitted():
    """Everything every configured handler emits (after its filters), with the records."""
    handlers = set(logging.getLogger().handlers)
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            handlers.update(logger.handlers)
    lines: list[tuple[str, logging.LogRecord]] = []
    originals = {}
    for handler in handlers:
        originals[handler] = handler.emit
        handler.emit = lambda record, h=handler: lines.append((h.format(record), record))
    yield lines
    for handler, emit in originals.items():
        handler.emit = emit


def _assert_no_secret(lines, *secrets):
    assert lines, "nothing was logged: the test would prove nothing"
    for text, record in lines:
        everything = text + repr(vars(record)) + repr(getattr(record, "request", ""))
        for secret in secrets:
            assert secret not in everything, text


def test_a_5xx_on_an_invitation_logs_no_token(team_link, emitted, monkeypatch):
    from assessments.selectors import partner

    token = team_link.token

    def database_down(*args, **kwargs):
        raise RuntimeError(f"could not connect while reading TeamLink token={token} ({token})")

    monkeypatch.setattr(partner.TeamLink.objects, "filter", database_down)
    client = Client(raise_request_exception=False)

    response = client.get(reverse("invitation", args=[token]))

    assert response.status_code == 500
    assert any("Internal Server Error" in text for text, _ in emitted)
    _assert_no_secret(emitted, token)


def test_a_5xx_on_a_posted_resume_token_logs_no_token(team_link, content, emitted, monkeypatch):
    browser = Client(raise_request_exception=False)
    start(browser, team_link.token)
    token = resume_token(browser)
    from assessments.services import respond as services

    def crash(**kwargs):
        raise RuntimeError(f"lost the connection: {kwargs['response'].pk} {token}")

    monkeypatch.setattr(services, "response_submit", crash)

    response = browser.post(reverse("respond_review"), {"resume": token})

    assert response.status_code == 500
    _assert_no_secret(emitted, token, team_link.token)


def test_a_resume_link_5xx_and_a_used_personal_link_410_log_no_token(
    open_round, content, emitted, monkeypatch
):
    link, invitation = IndividualLink.issue(round=open_round)
    draft = complete(Client(), invitation, content)
    assert Client().get(reverse("invitation", args=[invitation])).status_code == 410
    assert any("Gone" in text for text, _ in emitted)

    from assessments.views.partner import entry

    def crash(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(entry.session_store, "finish", crash)
    response = Client(raise_request_exception=False).get(
        reverse("respond_resume", args=[draft.resume_token])
    )
    assert response.status_code == 500
    _assert_no_secret(emitted, invitation, draft.resume_token)


def test_the_mask_keeps_what_helps_debugging():
    line = (
        '"GET /i/Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd/ HTTP/1.1" 410 '
        "resume=Zz9xYwVuTsRqPoNmLkJiHgFeDcBa0123456789AbCd in test_a_long_function_name_that_is_fine"
    )
    masked = mask(line)
    assert "Ab3dEf" not in masked and "Zz9xYw" not in masked
    assert "/i/[masked]/" in masked and "resume=[masked]" in masked
    assert "test_a_long_function_name_that_is_fine" in masked and "410" in masked
