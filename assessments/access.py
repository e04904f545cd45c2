"""Who may see what: the one place every facilitator page and every partner page goes through.

**Facilitators** (signed in).

Every facilitator URL carries a collaboration id. ``facilitator_view`` resolves it through the
signed-in user's memberships before anything else, so another collaboration's object is a 404
for every method (never a 403 that would confirm it exists). Then the method must be one the
page takes (405), then the member's role must allow it: reading needs ``read`` (viewers and up
by default), any other method needs ``write`` (facilitators and up by default); else 403.
Objects inside the collaboration are then looked up through it (``round_of``, ``team_of``).

**Partners** (anonymous). A partner's browser session, or the private resume token every form
of theirs carries, says whose journey it is (``respondent_session``). ``partner_view`` resolves
it once, before the view: no journey (or an unknown token) is the "link not found" page (404,
``link_not_found``); then the view gets the
journey if it may show what the partner asked for, else the partner is sent where they can go
(their results once submitted, the closed page once the round stops taking answers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessments import respondent_session as session_store
from assessments.models import Collaboration, Membership, Response, Role, Round, Team, token_digest
from assessments.selectors import partner as reads
from assessments.selectors import questionnaire

READ_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Access:
    """The signed-in member's collaboration and membership, as the view may use them."""

    collaboration: Collaboration
    membership: Membership

    def can(self, role: str) -> bool:
        return self.membership.can(role)

    @property
    def can_facilitate(self) -> bool:
        return self.can(Role.FACILITATOR)

    @property
    def is_owner(self) -> bool:
        return self.can(Role.OWNER)


def membership_for(user, collaboration_id: int) -> Membership:
    """The user's membership of the collaboration, with it (one query); else 404. Looked up
    through the collaboration's primary key, whose lookup finds nothing for an id no database
    integer holds (a 20-digit id in a hand-edited address), where SQLite fails on the column."""
    membership = (
        Membership.objects.select_related("collaboration")
        .filter(user=user, collaboration__pk=collaboration_id)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise Http404("No such collaboration.")
    return membership


def facilitator_view(
    *,
    read: str = Role.VIEWER,
    write: str = Role.FACILITATOR,
    methods: tuple[str, ...] = ("GET", "HEAD", "POST"),
) -> Callable:
    """Decorate a view taking ``(request, access, ...)`` for URLs with a ``collaboration_id``.

    Anonymous users go to the sign-in page. Pages are never cached: they hold people's e-mail
    addresses and invitation links.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, collaboration_id: int, *args, **kwargs) -> HttpResponse:
            membership = membership_for(request.user, collaboration_id)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            needed = read if request.method in READ_METHODS else write
            if not membership.can(needed):
                raise PermissionDenied("Your role in this collaboration does not allow this.")
            access = Access(collaboration=membership.collaboration, membership=membership)
            return view(request, access, *args, **kwargs)

        wrapper.access_rule = {"read": read, "write": write, "methods": methods}
        return login_required(never_cache(wrapper))

    return decorator


def round_of(access: Access, round_id: int) -> Round:
    round = get_object_or_404(
        Round.objects.select_related("framework_version__framework", "framework_version__source"),
        collaboration=access.collaboration,
        pk=round_id,
    )
    round.collaboration = access.collaboration
    return round


def team_of(access: Access, team_id: int) -> Team:
    return get_object_or_404(Team, collaboration=access.collaboration, pk=team_id)


def posted(request: HttpRequest):
    """A form's data: the POST on a POST (even an empty one, which must fail validation rather
    than show a blank form), None otherwise."""
    return request.POST if request.method == "POST" else None


# --- Partners -------------------------------------------------------------------------------------

RESUME_FIELD = "resume"  # every partner's form carries their private resume token under this name

# What a partner's view needs before it runs (``partner_view``).
ROUND = "round"  # the round an invitation opened; a response if the partner has one
DRAFT = "draft"  # a draft in a round that takes answers
RESPONSE = "response"  # a response, draft or submitted
SUBMITTED = "submitted"  # a submitted response: their results


@dataclass
class Journey:
    """What the current respondent may see: their round and, once started, their response."""

    round: Round
    response: Response | None
    resume_token: str | None  # the draft's private token (None once submitted)
    team_id: int | None  # the team link's team, until a draft exists
    link_id: int | None  # the personal link followed, until a draft exists
    had_draft: bool = False  # the session carried a draft when the request came in

    @property
    def resume_url(self) -> str | None:
        if not self.resume_token:
            return None
        return reverse("respond_resume", args=[self.resume_token])


class NoJourney(Http404):
    """No partner journey reaches this request (no session, an unknown resume token)."""


def link_not_found(request: HttpRequest, reason: str) -> HttpResponse:
    """The app's "we can't find that page" help for a link that reaches nothing (404).

    Rendered, not raised: with DEBUG on (``make run``) Django answers a raised ``Http404`` with
    its own debug page, and a partner who followed a truncated invitation link would see that
    instead of what to do next. In production both give this page.
    """
    return render(request, "404.html", {"reason": reason}, status=404)


def journey_of(request: HttpRequest, *, require_response: bool = True) -> Journey:
    """The respondent's round and response, from the posted resume token or the session; else 404.

    One query for the response with its round and collaboration; the framework version, frozen,
    comes from the cache. A posted resume token that the session does not carry yet binds its
    draft to a new session key; a submitted response leaves only its resume token in the session.
    """
    session = request.session
    had_draft = session_store.draft_id(session) is not None
    posted = request.POST.get(RESUME_FIELD) if request.method == "POST" else None
    if posted or had_draft:
        if posted:
            response = reads.journey_response_by_token(posted)
            if response is None:
                raise NoJourney("This resume link is not valid.")
        else:
            response = reads.journey_response(session_store.draft_id(session))
        if response is not None and response.is_submitted:
            # Submitted here, in another tab or in another browser: only its token stays.
            token = posted or session_store.resume_token(session)
            if not token or token_digest(token) != response.resume_digest:
                token = None
            session_store.finish(session, token, round=response.round)
        elif response is not None and posted:
            session_store.bind_draft(session, response, posted, fresh=True)
    elif session_store.results_digest(session):
        response = reads.submitted_by_digest(session_store.results_digest(session))
    else:
        response = None
    if response is not None:
        round = response.round
        round.framework_version = questionnaire.version(round.framework_version_id)
    elif require_response or not session_store.round_id(session):
        raise NoJourney("Use the invitation link you were sent to take part.")
    else:
        round = reads.journey_round(session_store.round_id(session))
        if round is None:
            raise NoJourney("Use the invitation link you were sent to take part.")
    draft = response is not None and not response.is_submitted
    return Journey(
        round=round,
        response=response,
        resume_token=session_store.resume_token(session) if draft else None,
        team_id=session_store.team_id(session),
        link_id=session_store.link_id(session),
        had_draft=had_draft,
    )


def partner_view(*, needs: str, methods: tuple[str, ...] = ("GET", "HEAD")) -> Callable:
    """Decorate a partner's view taking ``(request, journey, ...)``.

    A method the page does not take is a 405; no journey, or a posted resume token that reaches
    none, is a 404. Then by what the view ``needs``: ``ROUND`` and ``RESPONSE`` take the journey
    as it is; ``DRAFT`` sends a submitted response to its results and shows the closed page (403)
    once the round stops taking answers; ``SUBMITTED`` sends a draft to its review. Pages are
    never cached: they hold the partner's answers and private link.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                journey = journey_of(request, require_response=needs != ROUND)
            except NoJourney as reason:
                return link_not_found(request, str(reason))
            if needs == DRAFT:
                if journey.response.is_submitted:
                    return redirect("respond_results")
                if not journey.round.is_accepting:
                    return closed_page(request, journey.round)
            elif needs == SUBMITTED and not journey.response.is_submitted:
                return redirect("respond_review")
            return view(request, journey, *args, **kwargs)

        wrapper.access_rule = {"needs": needs, "methods": methods}
        return require_http_methods(list(methods))(never_cache(wrapper))

    return decorator


def closed_page(request: HttpRequest, round: Round) -> HttpResponse:
    """The round does not take answers (closed, or not open yet): nothing sent is saved."""
    return render(
        request,
        "assessments/closed.html",
        {"round": round, "availability": round.availability},
        status=403,
    )


def own_submitted_response(request: HttpRequest, round: Round) -> Response | None:
    """This browser's own submitted response in ``round``, if it has one."""
    digest = session_store.results_digest(request.session)
    return reads.submitted_by_digest(digest, round=round) if digest else None


def link_used_page(request: HttpRequest, round: Round) -> HttpResponse:
    """A personal link that was used to submit (each can be used once): a 410."""
    return render(
        request,
        "assessments/link_used.html",
        {"round": round, "own_results": own_submitted_response(request, round) is not None},
        status=410,
    )
