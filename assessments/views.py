"""The respondent's journey: invitation → landing → about you → one page per characteristic →
ways of creating value → review → personal results. No account and no JavaScript needed.

Tokens never stay in a URL: invitation and resume links are exchanged for a session and the
browser is redirected to a URL without them. Every form also carries the private resume token,
so a final submit whose session expired is still saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import services
from assessments.forms import AboutForm, CharacteristicForm, TamperedForm, ValueModesForm
from assessments.models import (
    Answer,
    Comment,
    IndividualLink,
    Response,
    Round,
    Team,
    TeamLink,
    link_resume_token,
    token_digest,
)
from assessments.results import personal_results
from frameworks.models import Characteristic, Indicator, ValueMode

SESSION_ROUND = "ca_round"
SESSION_TEAM = "ca_team"
SESSION_LINK = "ca_link"
SESSION_RESPONSE = "ca_response"
SESSION_RESUME = "ca_resume"
SESSION_LINK_RESUME = "ca_link_resume"
RESUME_FIELD = "resume"


# --- Access helpers ---------------------------------------------------------------------------


@dataclass
class Journey:
    """What the current respondent may see: their round and, once started, their draft."""

    round: Round
    response: Response | None
    resume_token: str | None
    team_id: int | None
    link_id: int | None


ROUND_RELATED = ("round__collaboration", "round__framework_version__framework")


def _round_queryset():
    return Round.objects.select_related("collaboration", "framework_version__framework")


def _get_journey(request: HttpRequest, *, require_response: bool = True) -> Journey:
    """The respondent's round and draft, from the posted resume token or the session; else 404.

    One query for the draft with its round, collaboration and framework version.
    """
    responses = Response.objects.select_related("team", *ROUND_RELATED)
    posted = request.POST.get(RESUME_FIELD) if request.method == "POST" else None
    if posted:
        response = responses.by_resume_token(posted).first()
        if response is None:
            raise Http404("This resume link is not valid.")
        _remember(request, response, posted)
    elif request.session.get(SESSION_RESPONSE):
        response = responses.filter(pk=request.session[SESSION_RESPONSE]).first()
    else:
        response = None
    if response is not None:
        round = response.round
    elif require_response or not request.session.get(SESSION_ROUND):
        raise Http404("Use the invitation link you were sent to take part.")
    else:
        round = get_object_or_404(_round_queryset(), pk=request.session[SESSION_ROUND])
    return Journey(
        round=round,
        response=response,
        resume_token=request.session.get(SESSION_RESUME) if response is not None else None,
        team_id=request.session.get(SESSION_TEAM),
        link_id=request.session.get(SESSION_LINK),
    )


def _continues_draft(request: HttpRequest, round: Round, team_id: int) -> bool:
    response_id = request.session.get(SESSION_RESPONSE)
    if not response_id or request.session.get(SESSION_TEAM) != team_id:
        return False
    return Response.objects.filter(
        pk=response_id, round=round, status=Response.Status.DRAFT
    ).exists()


def _remember(request: HttpRequest, response: Response, token: str) -> None:
    """Bind the draft to this browser's session (written only when something changed)."""
    wanted = {
        SESSION_ROUND: response.round_id,
        SESSION_RESPONSE: response.pk,
        SESSION_RESUME: token,
    }
    for key, value in wanted.items():
        if request.session.get(key) != value:
            request.session[key] = value


def _closed(request: HttpRequest, round: Round) -> HttpResponse:
    return render(
        request,
        "assessments/closed.html",
        {"round": round, "availability": round.availability},
        status=403,
    )


def _characteristics(round: Round) -> list[Characteristic]:
    return list(round.framework_version.characteristics.order_by("number"))


# --- Steps ----------------------------------------------------------------------------------


STEP_ABOUT = "about"
STEP_VALUE = "value"
STEP_REVIEW = "review"


def _steps(characteristics: list[Characteristic]) -> list[tuple[str, str, str]]:
    """(key, title, url) of every page of the questionnaire, in order."""
    steps = [(STEP_ABOUT, "About you", reverse("respond_about"))]
    steps += [
        (f"c{c.number}", c.name, reverse("respond_characteristic", args=[c.number]))
        for c in characteristics
    ]
    steps.append((STEP_VALUE, "How the collaboration creates value", reverse("respond_value")))
    steps.append((STEP_REVIEW, "Review and submit", reverse("respond_review")))
    return steps


def _step_context(journey: Journey, characteristics, key: str) -> dict:
    steps = _steps(characteristics)
    index = next(i for i, step in enumerate(steps) if step[0] == key)
    return {
        "round": journey.round,
        "journey": journey,
        "resume_token": journey.resume_token,
        "resume_url": _resume_url(journey),
        "step_number": index + 1,
        "step_count": len(steps),
        "previous_url": steps[index - 1][2] if index > 0 else reverse("respond_landing"),
        "next_url": steps[index + 1][2] if index + 1 < len(steps) else None,
        "steps": steps,
        "current_step": key,
    }


def _resume_url(journey: Journey) -> str | None:
    if not journey.resume_token:
        return None
    return reverse("respond_resume", args=[journey.resume_token])


def _after_save(request: HttpRequest, context: dict) -> HttpResponse:
    """Back goes to the previous page, anything else to the next one; both after saving."""
    if request.POST.get("nav") == "back":
        return redirect(context["previous_url"])
    return redirect(context["next_url"] or reverse("respond_review"))


def _editable_journey(request: HttpRequest) -> tuple[Journey, HttpResponse | None]:
    """The journey of a question page, or where to send the respondent instead."""
    journey = _get_journey(request)
    if journey.response is None:
        return journey, redirect("respond_landing")
    if journey.response.is_submitted:
        return journey, redirect("respond_results")
    if not journey.round.is_accepting:
        return journey, _closed(request, journey.round)
    return journey, None


def _run_save(request: HttpRequest, journey: Journey, save, context: dict) -> HttpResponse:
    """Run a save service; then go on, or explain why nothing was saved."""
    try:
        save()
    except services.AlreadySubmitted:
        return redirect("respond_results")
    except services.RoundNotOpen:
        return _closed(request, journey.round)
    return _after_save(request, context)


# --- Views ----------------------------------------------------------------------------------


@require_safe
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange an invitation token for a session, then drop the token from the URL."""
    team_link = TeamLink.objects.filter(token=token).select_related("round").first()
    individual = None
    if team_link is None:
        individual = (
            IndividualLink.objects.filter(token_digest=token_digest(token))
            .select_related("round")
            .first()
        )
        if individual is None:
            raise Http404("This invitation link is not valid.")
    round = team_link.round if team_link else individual.round
    if team_link and _continues_draft(request, round, team_link.team_id):
        # The same browser following its team link again carries on with its draft.
        return redirect("respond_landing")
    request.session.cycle_key()
    for key in (
        SESSION_ROUND,
        SESSION_TEAM,
        SESSION_LINK,
        SESSION_LINK_RESUME,
        SESSION_RESPONSE,
        SESSION_RESUME,
    ):
        request.session.pop(key, None)
    request.session[SESSION_ROUND] = round.pk
    if team_link:
        request.session[SESSION_TEAM] = team_link.team_id
    else:
        if individual.used_on is not None:
            return render(request, "assessments/link_used.html", {"round": round}, status=410)
        request.session[SESSION_LINK] = individual.pk
        # Opening the same personal link in any browser reaches the same draft with the same
        # resume link: the resume token is derived from the link's token, which is not stored.
        request.session[SESSION_LINK_RESUME] = link_resume_token(token)
        draft = Response.objects.by_resume_token(request.session[SESSION_LINK_RESUME]).first()
        if draft is not None and not draft.is_submitted:
            _remember(request, draft, request.session[SESSION_LINK_RESUME])
        if individual.team_id:
            request.session[SESSION_TEAM] = individual.team_id
    return redirect("respond_landing")


@require_safe
@never_cache
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The private resume link: restores the draft in any browser, then drops the token."""
    response = Response.objects.by_resume_token(token).first()
    if response is None:
        raise Http404("This resume link is not valid.")
    request.session.cycle_key()
    _remember(request, response, token)
    request.session.pop(SESSION_LINK, None)
    request.session.pop(SESSION_TEAM, None)
    if response.is_submitted:
        return redirect("respond_results")
    return redirect("respond_landing")


@require_safe
@never_cache
def landing(request: HttpRequest) -> HttpResponse:
    journey = _get_journey(request, require_response=False)
    if journey.response is not None and journey.response.is_submitted:
        return redirect("respond_results")
    characteristics = _characteristics(journey.round)
    item_count = Indicator.objects.filter(
        characteristic__version=journey.round.framework_version_id
    ).count()
    return render(
        request,
        "assessments/landing.html",
        {
            "round": journey.round,
            "journey": journey,
            "resume_url": _resume_url(journey),
            "characteristic_count": len(characteristics),
            "item_count": item_count,
            "minutes": max(5, round_up(item_count * 0.4)),
            "retention_months": settings.RESPONSE_RETENTION_MONTHS,
            "privacy_contact": settings.PRIVACY_CONTACT,
            "first_url": reverse("respond_about"),
        },
    )


def round_up(value: float) -> int:
    return int(-(-value // 1))


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    journey = _get_journey(request, require_response=False)
    if journey.response is not None:
        return redirect("respond_about")
    if not journey.round.is_accepting:
        return _closed(request, journey.round)
    team = Team.objects.filter(pk=journey.team_id).first() if journey.team_id else None
    link = IndividualLink.objects.filter(pk=journey.link_id).first() if journey.link_id else None
    try:
        response, token = services.response_start(
            round=journey.round,
            team=team,
            individual_link=link,
            resume_token=request.session.get(SESSION_LINK_RESUME) if link else None,
        )
    except services.LinkAlreadyUsed:
        return render(request, "assessments/link_used.html", {"round": journey.round}, status=410)
    except services.RoundNotOpen:
        return _closed(request, journey.round)
    _remember(request, response, token)
    return redirect("respond_about")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def about(request: HttpRequest) -> HttpResponse:
    journey, elsewhere = _editable_journey(request)
    if elsewhere is not None:
        return elsewhere
    characteristics = _characteristics(journey.round)
    context = _step_context(journey, characteristics, STEP_ABOUT)
    # A team link answers for its team; other respondents say which team they are part of.
    ask_team = not journey.response.team_from_link
    teams = Team.objects.filter(collaboration=journey.round.collaboration_id)
    initial = {
        "team": journey.response.team_id,
        "stakeholder_group": journey.response.stakeholder_group,
    }
    if request.method == "POST":
        form = AboutForm(request.POST, teams=teams, ask_team=ask_team, initial=initial)
        if form.is_valid():
            return _run_save(
                request,
                journey,
                lambda: services.response_save_about(
                    response=journey.response,
                    team=form.cleaned_data.get("team"),
                    stakeholder_group=form.cleaned_data["stakeholder_group"],
                ),
                context,
            )
    else:
        form = AboutForm(teams=teams, ask_team=ask_team, initial=initial)
    fixed_team = None if ask_team else journey.response.team
    return render(
        request, "assessments/about.html", {**context, "form": form, "fixed_team": fixed_team}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def characteristic_page(request: HttpRequest, number: int) -> HttpResponse:
    journey, elsewhere = _editable_journey(request)
    if elsewhere is not None:
        return elsewhere
    characteristics = _characteristics(journey.round)
    characteristic = next((c for c in characteristics if c.number == number), None)
    if characteristic is None:
        raise Http404("No such page.")
    indicators = list(characteristic.indicators.order_by("position"))
    context = _step_context(journey, characteristics, f"c{number}")
    saved = dict(
        Answer.objects.filter(response=journey.response, indicator__in=indicators).values_list(
            "indicator_id", "value"
        )
    )
    comment = (
        Comment.objects.filter(response=journey.response, characteristic=characteristic)
        .values_list("text", flat=True)
        .first()
    )
    initial = {"comment": comment or ""}
    for indicator in indicators:
        if indicator.pk in saved:
            value = saved[indicator.pk]
            initial[f"item_{indicator.pk}"] = "dk" if value is None else str(value)
    try:
        form = CharacteristicForm(
            request.POST if request.method == "POST" else None,
            indicators=indicators,
            initial=initial,
        )
    except TamperedForm:
        return HttpResponseBadRequest("This form names items that are not on this page.")
    if request.method == "POST" and form.is_valid():
        return _run_save(
            request,
            journey,
            lambda: services.response_save_page(
                response=journey.response,
                characteristic=characteristic,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            ),
            context,
        )
    return render(
        request,
        "assessments/characteristic.html",
        {**context, "form": form, "characteristic": characteristic},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def value_modes(request: HttpRequest) -> HttpResponse:
    journey, elsewhere = _editable_journey(request)
    if elsewhere is not None:
        return elsewhere
    context = _step_context(journey, _characteristics(journey.round), STEP_VALUE)
    initial = {"value_modes": list(journey.response.value_modes.values_list("pk", flat=True))}
    if request.method == "POST":
        form = ValueModesForm(request.POST, initial=initial)
        if form.is_valid():
            return _run_save(
                request,
                journey,
                lambda: services.response_save_value_modes(
                    response=journey.response, value_modes=form.cleaned_data["value_modes"]
                ),
                context,
            )
    else:
        form = ValueModesForm(initial=initial)
    return render(
        request,
        "assessments/value_modes.html",
        {**context, "form": form, "modes": ValueMode.objects.all()},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def review(request: HttpRequest) -> HttpResponse:
    journey = _get_journey(request)
    if journey.response is None:
        return redirect("respond_landing")
    if request.method == "POST":
        # Submitting: a double click, a refresh, two tabs or concurrent requests all land here;
        # the service's conditional update stores exactly one response.
        try:
            services.response_submit(response=journey.response)
        except services.RoundNotOpen:
            return _closed(request, journey.round)
        except services.LinkAlreadyUsed:
            return render(
                request, "assessments/link_used.html", {"round": journey.round}, status=410
            )
        return redirect("respond_results")
    if journey.response.is_submitted:
        return redirect("respond_results")
    if not journey.round.is_accepting:
        return _closed(request, journey.round)
    characteristics = list(
        journey.round.framework_version.characteristics.order_by("number").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
        )
    )
    context = _step_context(journey, characteristics, STEP_REVIEW)
    answered = set(
        Answer.objects.filter(response=journey.response).values_list("indicator_id", flat=True)
    )
    unanswered = [
        (c, i, reverse("respond_characteristic", args=[c.number]) + f"#item-{i.pk}")
        for c in characteristics
        for i in c.indicators.all()
        if i.pk not in answered
    ]
    total = sum(len(c.indicators.all()) for c in characteristics)
    return render(
        request,
        "assessments/review.html",
        {
            **context,
            "unanswered": unanswered,
            "answered_count": len(answered),
            "total": total,
            "missing_about": not journey.response.stakeholder_group,
        },
    )


@require_safe
@never_cache
def results(request: HttpRequest) -> HttpResponse:
    journey = _get_journey(request)
    if not journey.response.is_submitted:
        return redirect("respond_review")
    data = personal_results(journey.response)
    return render(
        request,
        "assessments/results.html",
        {
            "round": journey.round,
            "results": data,
            "chart": data.chart_data(),
            "resume_url": _resume_url(journey),
        },
    )
