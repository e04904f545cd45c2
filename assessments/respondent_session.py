"""What a respondent's browser session holds, and when it changes: the one place for it.

While answering, the session holds the round, the team link or personal link that invited them,
a start key (so one browser opens one draft per round, however often Start is clicked), and,
once started, their draft with its private resume token (shown on every page).

After submitting it holds only a signed reference to the submitted response, which the results
page needs: no link id, no token, no start key. The session store can then no longer tie an
invitation (and so an e-mail address) to the answers given.

Every change of whose journey the session carries cycles the session key, so a session id
planted in a browser beforehand (session fixation) never gains access to a draft or results.
Nothing is written before the caller has made every check: these functions are the writes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from assessments.models import Response, new_token, token_digest

ROUND = "ca_round"
TEAM = "ca_team"
LINK = "ca_link"
LINK_RESUME = "ca_link_resume"
START_KEY = "ca_start"
RESPONSE = "ca_response"
RESUME = "ca_resume"
RESULTS = "ca_results"
JOURNEY_KEYS = (ROUND, TEAM, LINK, LINK_RESUME, START_KEY, RESPONSE, RESUME)
RESULTS_SALT = "assessments.respondent_session.results"

# The results page shows the private link once more after submitting. It comes from a signed
# cookie of the browser's own, never from the session store, which keeps no token after submit.
RESUME_COOKIE = "ca_resume_link"
RESUME_COOKIE_SALT = "assessments.respondent_session.resume_cookie"
RESUME_COOKIE_AGE = 60 * 60 * 24


def _clear(session: SessionBase) -> None:
    for key in (*JOURNEY_KEYS, RESULTS):
        session.pop(key, None)


def begin(
    session: SessionBase,
    *,
    round_id: int,
    team_id: int | None = None,
    link_id: int | None = None,
    link_resume: str | None = None,
    draft: Response | None = None,
    keep_results: bool = False,
) -> None:
    """A followed invitation: a new session key and a fresh journey for ``round_id``.

    ``keep_results`` keeps this browser's own submitted response (a team link followed again
    after submitting); ``draft`` binds a personal link's existing draft at once.
    """
    results = session.get(RESULTS) if keep_results else None
    session.cycle_key()
    _clear(session)
    session[ROUND] = round_id
    if team_id is not None:
        session[TEAM] = team_id
    if link_id is not None:
        session[LINK] = link_id
        session[LINK_RESUME] = link_resume
    session[START_KEY] = new_token()
    if results:
        session[RESULTS] = results
    if draft is not None:
        session[RESPONSE] = draft.pk
        session[RESUME] = link_resume


def bind_draft(session: SessionBase, response: Response, token: str, *, fresh: bool) -> None:
    """This browser now works on ``response`` (a draft), reached with resume ``token``.

    Nothing is written when the session already carries it. A ``fresh`` binding (a resume link,
    a posted resume token) cycles the key and drops whatever other journey the session carried.
    A start is not fresh: its session began with a new key when the invitation was followed,
    and concurrent Start clicks from one browser must all keep finding that session (cycling
    here deleted it under the others' feet).
    """
    if session.get(RESPONSE) == response.pk and session.get(RESUME) == token:
        return
    if fresh:
        session.cycle_key()
        _clear(session)
    session.pop(RESULTS, None)
    session[ROUND] = response.round_id
    session[RESPONSE] = response.pk
    session[RESUME] = token


def finish(session: SessionBase, response: Response) -> None:
    """Submitted: keep only a signed reference to the response, under a new session key."""
    if results_id(session) == response.pk and not any(key in session for key in JOURNEY_KEYS):
        return
    session.cycle_key()
    _clear(session)
    session[RESULTS] = signing.dumps(response.pk, salt=RESULTS_SALT)


def _results_id(value) -> int | None:
    if not value:
        return None
    try:
        return signing.loads(value, salt=RESULTS_SALT)
    except signing.BadSignature:
        return None


def results_id(session: SessionBase) -> int | None:
    """The submitted response this browser may see the results of, if any."""
    return _results_id(session.get(RESULTS))


def draft_id(session: SessionBase) -> int | None:
    return session.get(RESPONSE)


def round_id(session: SessionBase) -> int | None:
    return session.get(ROUND)


def team_id(session: SessionBase) -> int | None:
    return session.get(TEAM)


def link_id(session: SessionBase) -> int | None:
    return session.get(LINK)


def link_resume(session: SessionBase) -> str | None:
    return session.get(LINK_RESUME)


def start_key(session: SessionBase) -> str | None:
    return session.get(START_KEY)


def resume_token(session: SessionBase) -> str | None:
    return session.get(RESUME)


# --- The resume link after submitting (a cookie of the browser's own) -----------------------


def remember_resume_link(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        RESUME_COOKIE,
        token,
        salt=RESUME_COOKIE_SALT,
        max_age=RESUME_COOKIE_AGE,
        path=reverse("respond_results"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def remembered_resume_link(request: HttpRequest, response: Response) -> str | None:
    """The resume token of ``response`` if this browser's cookie holds it (else None)."""
    token = request.get_signed_cookie(
        RESUME_COOKIE, default=None, salt=RESUME_COOKIE_SALT, max_age=RESUME_COOKIE_AGE
    )
    if token and token_digest(token) == response.resume_digest:
        return token
    return None
