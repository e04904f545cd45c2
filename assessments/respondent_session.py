"""What a respondent's browser session holds, and when it changes: the one place for it.

While answering, the session holds the round and, until a draft exists, the team link's team or
the personal link that invited them (with the key that opens its draft's sealed resume token),
and a start key (so one browser opens one draft per round, however often Start is clicked);
once started, their draft with its private resume token (shown on every page). A draft bound to
the session drops the personal link: a browser left on a draft that another browser submits
ties no link to the response.

After submitting it holds only the response's resume token, which the results page checks
against the stored digest: no id (the stored session data is readable without any key), no
link, no start key. Its expiry is a midnight worked out from the round's closing day, the same
for every response of the round, so the session store dates no submission either.

Every change of whose journey the session carries cycles the session key, so a session id
planted in a browser beforehand (session fixation) never gains access to a draft or results.
Nothing is written before the caller has made every check: these functions are the writes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from assessments.models import Response, Round, new_token, token_digest

ROUND = "ca_round"
TEAM = "ca_team"
LINK = "ca_link"
LINK_KEY = "ca_link_key"
START_KEY = "ca_start"
RESPONSE = "ca_response"
RESUME = "ca_resume"
RESULTS = "ca_results"
JOURNEY_KEYS = (ROUND, TEAM, LINK, LINK_KEY, START_KEY, RESPONSE, RESUME)

# The results page shows the private link once more after submitting. It comes from a signed
# cookie of the browser's own, which the partner's own resume link also sets.
RESUME_COOKIE = "ca_resume_link"
RESUME_COOKIE_SALT = "assessments.respondent_session.resume_cookie"
RESUME_COOKIE_AGE = 60 * 60 * 24


def results_expiry(round: Round) -> datetime:
    """When a session holding submitted results expires: midnight (UTC) SESSION_COOKIE_AGE,
    in whole days, after the round's closing day, or after today once it has closed.

    Not worked out from the moment of submitting, which it would keep to the microsecond (as
    Django's default expiry does), nor from its day: while the round is open every response's
    session expires at the same midnight. The database stores it as a day boundary.
    """
    last = max(round.closes_on, timezone.localdate())
    days = -(-settings.SESSION_COOKIE_AGE // (24 * 60 * 60))
    return datetime.combine(last + timedelta(days=1 + days), time.min, tzinfo=UTC)


def _clear(session: SessionBase) -> None:
    for key in (*JOURNEY_KEYS, RESULTS):
        session.pop(key, None)
    session.set_expiry(None)  # back to SESSION_COOKIE_AGE from the last change


def begin(
    session: SessionBase,
    *,
    round_id: int,
    team_id: int | None = None,
    link_id: int | None = None,
    link_key: str | None = None,
    draft: Response | None = None,
    resume: str | None = None,
    keep_results: bool = False,
) -> None:
    """A followed invitation: a new session key and a fresh journey for ``round_id``.

    ``keep_results`` keeps this browser's own submitted response (a team link followed again
    after submitting), with its expiry. A personal link binds its open ``draft`` (reached with
    ``resume``) at once, else keeps the link and ``link_key`` for Start.
    """
    results = session.get(RESULTS) if keep_results else None
    expiry = session.get_expiry_date() if results else None
    session.cycle_key()
    _clear(session)
    session[ROUND] = round_id
    if team_id is not None:
        session[TEAM] = team_id
    if draft is not None:
        session[RESPONSE] = draft.pk
        session[RESUME] = resume
    elif link_id is not None:
        session[LINK] = link_id
        session[LINK_KEY] = link_key
    session[START_KEY] = new_token()
    if results:
        session[RESULTS] = results
        session.set_expiry(expiry)


def bind_draft(session: SessionBase, response: Response, token: str, *, fresh: bool) -> None:
    """This browser now works on ``response`` (a draft), reached with resume ``token``.

    Nothing is written when the session already carries it. A ``fresh`` binding (a resume link,
    a posted resume token) cycles the key and drops whatever other journey the session carried.
    A start is not fresh: its session began with a new key when the invitation was followed,
    and concurrent Start clicks from one browser must all keep finding that session (cycling
    here deleted it under the others' feet). Either way the personal link is dropped: the draft
    is all the session needs from now on.
    """
    if (
        session.get(RESPONSE) == response.pk
        and session.get(RESUME) == token
        and LINK not in session
    ):
        return
    if fresh:
        session.cycle_key()
        _clear(session)
    if session.pop(RESULTS, None) is not None:
        session.set_expiry(None)
    session.pop(LINK, None)
    session.pop(LINK_KEY, None)
    session[ROUND] = response.round_id
    session[RESPONSE] = response.pk
    session[RESUME] = token


def finish(session: SessionBase, token: str | None, *, round: Round) -> None:
    """Submitted: keep only the response's resume ``token``, under a new session key, until
    ``results_expiry``. (Without a token the session keeps nothing.)"""
    if token and results_token(session) == token and not any(k in session for k in JOURNEY_KEYS):
        return
    session.cycle_key()
    _clear(session)
    if token:
        session[RESULTS] = token
        session.set_expiry(results_expiry(round))


def results_token(session: SessionBase) -> str | None:
    """The resume token of the submitted response this browser may see the results of (to
    check against the stored digest), if any."""
    value = session.get(RESULTS)
    return value if isinstance(value, str) and value else None


def results_digest(session: SessionBase) -> str | None:
    token = results_token(session)
    return token_digest(token) if token else None


def draft_id(session: SessionBase) -> int | None:
    return session.get(RESPONSE)


def round_id(session: SessionBase) -> int | None:
    return session.get(ROUND)


def team_id(session: SessionBase) -> int | None:
    return session.get(TEAM)


def link_id(session: SessionBase) -> int | None:
    return session.get(LINK)


def link_key(session: SessionBase) -> str | None:
    return session.get(LINK_KEY)


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
