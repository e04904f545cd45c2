"""Getting in: the invitation and resume links (exchanged for a session, then dropped from the
URL), the landing page and Start."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments import respondent_session as session_store
from assessments.access import (
    ROUND,
    Journey,
    closed_page,
    link_not_found,
    link_used_page,
    own_submitted_response,
    partner_view,
)
from assessments.models import (
    IndividualLink,
    Team,
    link_seal_key,
    start_resume_token,
    token_digest,
    unseal_resume_token,
)
from assessments.selectors import partner as reads
from assessments.selectors import questionnaire
from assessments.services import respond as services
from assessments.views.partner.steps import continue_url


@require_safe
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange an invitation token for a session, then drop the token from the URL.

    Every check comes first; the session is written only once the link may be used.
    """
    team_link = reads.team_link_by_token(token)
    individual = None
    if team_link is None:
        individual = reads.personal_link_by_token(token)
        if individual is None:
            return link_not_found(request, "This invitation link is not valid.")
    round = team_link.round if team_link else individual.round
    session = request.session
    if individual is not None:
        if individual.used:
            return link_used_page(request, round)
        # Opening the same personal link in any browser reaches the same draft with the same
        # resume link: the draft keeps its random resume token sealed with a key made from the
        # link's token, which is not stored (and the submit wipes the seal).
        key = link_seal_key(token)
        draft = reads.open_draft_of_link(individual)
        resume = unseal_resume_token(draft.sealed_resume, key) if draft else None
        if resume is None or token_digest(resume) != draft.resume_digest:
            draft = resume = None  # Start seals it again (a draft from before seals)
        session_store.begin(
            session,
            round_id=round.pk,
            team_id=individual.team_id,
            link_id=individual.pk,
            link_key=key,
            draft=draft,
            resume=resume,
        )
        return redirect("respond_landing")
    if _continues_draft(request, round, team_link.team_id):
        # The same browser following its team link again carries on with its draft.
        return redirect("respond_landing")
    # After submitting, the same browser keeps its results: the landing page says so.
    session_store.begin(
        session,
        round_id=round.pk,
        team_id=team_link.team_id,
        keep_results=own_submitted_response(request, round) is not None,
    )
    return redirect("respond_landing")


def _continues_draft(request: HttpRequest, round, team_id: int) -> bool:
    response_id = session_store.draft_id(request.session)
    if not response_id or session_store.team_id(request.session) != team_id:
        return False
    return reads.is_open_draft(response_id, round)


@never_cache
def not_a_link(request: HttpRequest, rest: str = "") -> HttpResponse:
    """An address under /i/ or /resume/ that is not a whole link (cut short, or with a character
    an e-mail client added): the same help as an unknown token, in development as in production."""
    return link_not_found(request, "This link is not complete.")


@require_safe
@never_cache
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The private resume link: restores the draft (or the results) in any browser, then drops
    the token from the URL."""
    response = reads.journey_response_by_token(token)
    if response is None:
        return link_not_found(request, "This resume link is not valid.")
    if response.is_submitted:
        session_store.finish(request.session, token, round=response.round)
        reply = redirect("respond_results")
        session_store.remember_resume_link(reply, token)
        return reply
    session_store.bind_draft(request.session, response, token, fresh=True)
    return redirect(continue_url(response))


@partner_view(needs=ROUND)
def landing(request: HttpRequest, journey: Journey) -> HttpResponse:
    characteristics = questionnaire.characteristics(journey.round.framework_version_id)
    item_count = sum(len(c.indicators.all()) for c in characteristics)
    submitted = journey.response is not None and journey.response.is_submitted
    return render(
        request,
        "assessments/landing.html",
        {
            "round": journey.round,
            "journey": journey,
            "already_answered": submitted,
            "submitted": submitted,
            # Someone else on a shared device may start their own response from a team link.
            "can_start_another": submitted and journey.team_id is not None,
            "resume_url": journey.resume_url,
            "characteristic_count": len(characteristics),
            "item_count": item_count,
            # A range, not a measurement: 15 to 25 seconds a statement.
            "minutes_low": max(5, round_up(item_count * 15 / 60)),
            "minutes_high": max(10, round_up(item_count * 25 / 60)),
            "retention_months": settings.RESPONSE_RETENTION_MONTHS,
            "privacy_contact": settings.PRIVACY_CONTACT,
            "first_url": continue_url(journey.response)
            if journey.response and not submitted
            else reverse("respond_about"),
        },
    )


def round_up(value: float) -> int:
    return int(-(-value // 1))


@partner_view(needs=ROUND, methods=("POST",))
def start(request: HttpRequest, journey: Journey) -> HttpResponse:
    if journey.response is not None and not journey.response.is_submitted:
        return redirect("respond_about")
    if journey.response is not None and journey.had_draft:
        # This browser's draft was submitted meanwhile (in another tab or browser).
        return redirect("respond_results")
    session = request.session
    start_key = session_store.start_key(session)
    if (journey.team_id is None and journey.link_id is None) or start_key is None:
        # Only a followed invitation can start a response.
        return link_not_found(request, "Use the invitation link you were sent to take part.")
    if not journey.round.is_accepting:
        return closed_page(request, journey.round)
    team = Team.objects.filter(pk=journey.team_id).first() if journey.team_id else None
    link = IndividualLink.objects.filter(pk=journey.link_id).first() if journey.link_id else None
    try:
        response, token = services.response_start(
            round=journey.round,
            team=None if link else team,
            individual_link=link,
            link_key=session_store.link_key(session),
            resume_token=None if link else start_resume_token(start_key),
        )
    except services.LinkAlreadyUsed:
        return link_used_page(request, journey.round)
    except services.AlreadySubmitted:
        return redirect("respond_results")
    except services.RoundNotOpen:
        return closed_page(request, journey.round)
    session_store.bind_draft(session, response, token, fresh=False)
    return redirect("respond_about")
