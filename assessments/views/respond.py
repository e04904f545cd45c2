"""The respondent's journey: invitation → landing → about you → one page per characteristic →
ways of creating value → review → personal results. No account and no JavaScript needed.

Tokens never stay in a URL: invitation and resume links are exchanged for a session and the
browser is redirected to a URL without them. Every form also carries the private resume token,
so a final submit whose session expired is still saved.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments import charts, questionnaire
from assessments import respondent_session as session_store
from assessments.forms.respond import (
    DONT_KNOW,
    SCALE_CHOICES,
    AboutForm,
    CharacteristicForm,
    TamperedForm,
    ValueModesForm,
)
from assessments.models import (
    Answer,
    Comment,
    IndividualLink,
    Response,
    Round,
    StakeholderGroup,
    Team,
    TeamLink,
    link_seal_key,
    start_resume_token,
    token_digest,
    unseal_resume_token,
)
from assessments.models.collaborations import STAKEHOLDER_GROUP_HINTS
from assessments.results import personal_results
from assessments.services import respond as services
from collabassess.compiled import CompiledQuery
from frameworks import revision
from frameworks.models import Characteristic, Indicator, ValueMode

RESUME_FIELD = "resume"


# --- Access helpers ---------------------------------------------------------------------------


@dataclass
class Journey:
    """What the current respondent may see: their round and, once started, their response."""

    round: Round
    response: Response | None
    resume_token: str | None
    team_id: int | None
    link_id: int | None


def _round_queryset():
    return Round.objects.select_related("collaboration", "framework_version__framework")


def _journey_responses():
    # The response with its round and collaboration, unordered (one row): the framework version
    # comes from the cache (``questionnaire.version``), and the team only where a page shows it.
    return Response.objects.select_related("round__collaboration").order_by()


# Every partner's page opens with one of these lookups: compiled once per process (the ORM took
# longer to compile the joins than the database to run them). The numbers are markers.
_DRAFT_OR_SUBMITTED = CompiledQuery(lambda pk: _journey_responses().filter(pk=pk), -970_001)
_SUBMITTED = CompiledQuery(
    lambda digest: _journey_responses().filter(
        resume_digest=digest, status=Response.Status.SUBMITTED
    ),
    "-compiled-submitted-marker-",
)
_BY_RESUME_DIGEST = CompiledQuery(
    lambda digest: _journey_responses().filter(resume_digest=digest), "-compiled-marker-"
)


def _get_journey(request: HttpRequest, *, require_response: bool = True) -> Journey:
    """The respondent's round and response, from the posted resume token or the session; else 404.

    One query for the response with its round and collaboration (compiled once per process); the
    framework version, frozen, comes from the cache. A posted resume token that the session does
    not carry yet binds its draft to a new session key; a submitted response leaves only its
    resume token in the session.
    """
    session = request.session
    posted = request.POST.get(RESUME_FIELD) if request.method == "POST" else None
    if posted or session_store.draft_id(session):
        if posted:
            response = _BY_RESUME_DIGEST.first(token_digest(posted))
            if response is None:
                raise Http404("This resume link is not valid.")
        else:
            response = _DRAFT_OR_SUBMITTED.first(session_store.draft_id(session))
        if response is not None and response.is_submitted:
            # Submitted here, in another tab or in another browser: only its token stays.
            token = posted or session_store.resume_token(session)
            if not token or token_digest(token) != response.resume_digest:
                token = None
            session_store.finish(session, token, round=response.round)
        elif response is not None and posted:
            session_store.bind_draft(session, response, posted, fresh=True)
    elif session_store.results_digest(session):
        response = _SUBMITTED.first(session_store.results_digest(session))
    else:
        response = None
    if response is not None:
        round = response.round
        round.framework_version = questionnaire.version(round.framework_version_id)
    elif require_response or not session_store.round_id(session):
        raise Http404("Use the invitation link you were sent to take part.")
    else:
        round = get_object_or_404(_round_queryset(), pk=session_store.round_id(session))
    draft = response is not None and not response.is_submitted
    return Journey(
        round=round,
        response=response,
        resume_token=session_store.resume_token(session) if draft else None,
        team_id=session_store.team_id(session),
        link_id=session_store.link_id(session),
    )


def _continues_draft(request: HttpRequest, round: Round, team_id: int) -> bool:
    response_id = session_store.draft_id(request.session)
    if not response_id or session_store.team_id(request.session) != team_id:
        return False
    return Response.objects.filter(
        pk=response_id, round=round, status=Response.Status.DRAFT
    ).exists()


def _own_results(request: HttpRequest, round: Round) -> Response | None:
    """This browser's own submitted response in ``round``, if it has one."""
    digest = session_store.results_digest(request.session)
    if digest is None:
        return None
    return Response.objects.filter(
        resume_digest=digest, round=round, status=Response.Status.SUBMITTED
    ).first()


def _closed(request: HttpRequest, round: Round) -> HttpResponse:
    return render(
        request,
        "assessments/closed.html",
        {"round": round, "availability": round.availability},
        status=403,
    )


def _link_used(request: HttpRequest, round: Round) -> HttpResponse:
    return render(
        request,
        "assessments/link_used.html",
        {"round": round, "own_results": _own_results(request, round) is not None},
        status=410,
    )


def _characteristics(round: Round) -> list[Characteristic]:
    """The round's characteristics with their indicators, from the cache (no query when warm)."""
    return questionnaire.characteristics(round.framework_version_id)


# --- Steps ----------------------------------------------------------------------------------


STEP_ABOUT = "about"
STEP_VALUE = "value"
STEP_REVIEW = "review"


def _steps(characteristics: list[Characteristic]) -> list[tuple[str, str, str]]:
    """(key, title, url) of every page of the questionnaire, in order: worked out once per
    version and content revision (every page shows them)."""
    if not characteristics:
        return _build_steps(characteristics)
    key = revision.cache_key("steps", characteristics[0].version_id)
    return revision.get_or_build(key, lambda: _build_steps(characteristics))


def _build_steps(characteristics: list[Characteristic]) -> list[tuple[str, str, str]]:
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
        # The first page has no "Save and go back": it would leave the questionnaire.
        "previous_url": steps[index - 1][2] if index > 0 else None,
        "next_url": steps[index + 1][2] if index + 1 < len(steps) else None,
        "steps": steps,
        "current_step": key,
    }


def _resume_url(journey: Journey) -> str | None:
    if not journey.resume_token:
        return None
    return reverse("respond_resume", args=[journey.resume_token])


def _after_save(request: HttpRequest, context: dict) -> HttpResponse:
    """Back goes to the previous page, anything else to the next one (or, when the page was
    opened from "check your answers", back there); both after saving."""
    if request.POST.get("nav") == "back" and context["previous_url"]:
        return redirect(context["previous_url"])
    if request.POST.get("return") == "review":
        return redirect("respond_review")
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


def _run_save(
    request: HttpRequest, journey: Journey, save, context: dict, template: str
) -> HttpResponse:
    """Run a save service; then go on, or explain why nothing was saved.

    A service that refuses the data (a ValidationError) leaves nothing half-saved, since each
    is one transaction: the page comes back with the reason as a form error, and a 400.
    """
    try:
        save()
    except services.AlreadySubmitted:
        return redirect("respond_results")
    except services.RoundNotOpen:
        return _closed(request, journey.round)
    except ValidationError as error:
        context["form"].add_error(None, error.messages)
        return render(request, template, context, status=400)
    return _after_save(request, context)


# --- Views ----------------------------------------------------------------------------------


@require_safe
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange an invitation token for a session, then drop the token from the URL.

    Every check comes first; the session is written only once the link may be used.
    """
    # An archived team takes no new responses: its link is no longer valid.
    team_link = (
        TeamLink.objects.filter(token=token, team__archived_on__isnull=True)
        .select_related("round")
        .first()
    )
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
    session = request.session
    if individual is not None:
        if individual.used:
            return _link_used(request, round)
        # Opening the same personal link in any browser reaches the same draft with the same
        # resume link: the draft keeps its random resume token sealed with a key made from the
        # link's token, which is not stored (and the submit wipes the seal).
        key = link_seal_key(token)
        draft = Response.objects.filter(
            individual_link=individual, status=Response.Status.DRAFT
        ).first()
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
        keep_results=_own_results(request, round) is not None,
    )
    return redirect("respond_landing")


@require_safe
@never_cache
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The private resume link: restores the draft (or the results) in any browser, then drops
    the token from the URL."""
    response = Response.objects.by_resume_token(token).first()
    if response is None:
        raise Http404("This resume link is not valid.")
    if response.is_submitted:
        session_store.finish(request.session, token, round=response.round)
        reply = redirect("respond_results")
        session_store.remember_resume_link(reply, token)
        return reply
    session_store.bind_draft(request.session, response, token, fresh=True)
    return redirect(_continue_url(response))


def _continue_url(response: Response) -> str:
    """Where a returning partner carries on: the first page with something unanswered (about
    them, then the first characteristic with an unanswered statement), else the review."""
    if not response.stakeholder_group:
        return reverse("respond_about")
    answered = set(Answer.objects.filter(response=response).values_list("indicator_id", flat=True))
    numbers = (
        Indicator.objects.filter(characteristic__version=response.round.framework_version_id)
        .order_by("characteristic__number", "position")
        .values_list("pk", "characteristic__number")
    )
    for pk, number in numbers:
        if pk not in answered:
            return reverse("respond_characteristic", args=[number])
    return reverse("respond_review")


@require_safe
@never_cache
def landing(request: HttpRequest) -> HttpResponse:
    journey = _get_journey(request, require_response=False)
    characteristics = _characteristics(journey.round)
    item_count = Indicator.objects.filter(
        characteristic__version=journey.round.framework_version_id
    ).count()
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
            "resume_url": _resume_url(journey),
            "characteristic_count": len(characteristics),
            "item_count": item_count,
            # A range, not a measurement: 15 to 25 seconds a statement.
            "minutes_low": max(5, round_up(item_count * 15 / 60)),
            "minutes_high": max(10, round_up(item_count * 25 / 60)),
            "retention_months": settings.RESPONSE_RETENTION_MONTHS,
            "privacy_contact": settings.PRIVACY_CONTACT,
            "first_url": _continue_url(journey.response)
            if journey.response and not submitted
            else reverse("respond_about"),
        },
    )


def round_up(value: float) -> int:
    return int(-(-value // 1))


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    had_draft = session_store.draft_id(request.session) is not None
    journey = _get_journey(request, require_response=False)
    if journey.response is not None and not journey.response.is_submitted:
        return redirect("respond_about")
    if journey.response is not None and had_draft:
        # This browser's draft was submitted meanwhile (in another tab or browser).
        return redirect("respond_results")
    session = request.session
    start_key = session_store.start_key(session)
    if (journey.team_id is None and journey.link_id is None) or start_key is None:
        # Only a followed invitation can start a response.
        raise Http404("Use the invitation link you were sent to take part.")
    if not journey.round.is_accepting:
        return _closed(request, journey.round)
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
        return _link_used(request, journey.round)
    except services.AlreadySubmitted:
        return redirect("respond_results")
    except services.RoundNotOpen:
        return _closed(request, journey.round)
    session_store.bind_draft(session, response, token, fresh=False)
    return redirect("respond_about")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def about(request: HttpRequest) -> HttpResponse:
    journey, elsewhere = _editable_journey(request)
    if elsewhere is not None:
        return elsewhere
    characteristics = _characteristics(journey.round)
    context = {
        **_step_context(journey, characteristics, STEP_ABOUT),
        "group_hints": STAKEHOLDER_GROUP_HINTS,
    }
    # A team link answers for its team; other respondents say which team they are part of.
    ask_team = journey.response.asks_team
    teams = Team.objects.filter(collaboration=journey.round.collaboration_id).active()
    groups = journey.round.collaboration.offered_group_choices
    chosen = journey.response.stakeholder_group
    if chosen and chosen not in dict(groups):
        groups = [*groups, (chosen, dict(StakeholderGroup.choices)[chosen])]
    initial = {
        "team": journey.response.team_id,
        "stakeholder_group": journey.response.stakeholder_group,
    }
    if request.method == "POST":
        form = AboutForm(
            request.POST, teams=teams, ask_team=ask_team, groups=groups, initial=initial
        )
        if form.is_valid():
            return _run_save(
                request,
                journey,
                lambda: services.response_save_about(
                    response=journey.response,
                    team=form.cleaned_data.get("team"),
                    stakeholder_group=form.cleaned_data["stakeholder_group"],
                ),
                {**context, "form": form, "fixed_team": None},
                "assessments/about.html",
            )
    else:
        form = AboutForm(teams=teams, ask_team=ask_team, groups=groups, initial=initial)
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
    indicators = list(characteristic.indicators.all())
    context = _step_context(journey, characteristics, f"c{number}")
    if request.method == "POST":
        try:
            form = CharacteristicForm(request.POST, indicators=indicators)
        except TamperedForm:
            return HttpResponseBadRequest("This form names items that are not on this page.")
        context.update(form=form, characteristic=characteristic)
        if form.is_valid():
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
                "assessments/characteristic.html",
            )
        return render(request, "assessments/characteristic.html", context, status=400)
    values, comment = _saved_page(journey.response, characteristic)
    context["characteristic"] = characteristic
    # The statements and scales, rendered once per version and ticked with these answers.
    items_html = questionnaire.items_html(journey.round.framework_version_id, number, values)
    return HttpResponse(_question_page_html(request, context, items_html, comment))


# A question page shown (GET) is the same for every respondent of a round but for a few holes:
# rendered once per round, page and content revision with a marker in each hole, kept in the
# content cache, and filled per request. The markers are random per process, so no content holds one.
_MARKER = f"ca{secrets.token_hex(8)}"
QUESTION_PAGE_HOLES = ("csrf", "token", "link", "items", "comment")


def _question_page_html(
    request: HttpRequest, context: dict, items_html, comment: str, *, framed: bool = True
) -> str:
    """``assessments/characteristic.html`` for a GET: the respondent's answers ticked
    (``items_html``), their comment, and their resume token and link.

    Rendering it took a quarter of the request: the page is rendered instead once per round
    (its title and collaboration's name), page, content revision, host and "return to review",
    with markers in its holes (the CSRF token, the resume token and link, the ticked statements,
    the comment), and each request fills the holes. A signed-in visitor, a pending message, a
    page without its holes or DEBUG renders the whole page; ``framed=False`` does too (the test
    compares the two).
    """

    def whole(**holes):
        form = CharacteristicForm(indicators=[], initial={"comment": holes.get("comment", comment)})
        values = {"form": form, "items_html": holes.get("items", items_html)}
        if "csrf" in holes:
            values.update(
                csrf_token=holes["csrf"], resume_token=holes["token"], resume_url=holes["link"]
            )
        return render_to_string("assessments/characteristic.html", {**context, **values}, request)

    if (
        not framed
        or items_html is None
        or not (context["resume_token"] and context["resume_url"])
        or settings.DEBUG
        or request.user.is_authenticated
        or len(messages.get_messages(request))
    ):
        return whole()
    round = context["round"]
    # In the content cache, like everything built from content (frameworks.revision): keyed by
    # the revision, and by this process's marker, which the frame holds.
    key = revision.cache_key(
        "question-page",
        round.pk,
        context["characteristic"].number,
        request.GET.get("return") == "review",
        _MARKER,
        hashlib.sha256(
            "\n".join(
                [round.title, round.collaboration.name, request.scheme, request.get_host()]
            ).encode()
        ).hexdigest()[:16],
    )
    frame = revision.get_or_build(
        key,
        lambda: str(whole(**{hole: mark_safe(_MARKER + hole) for hole in QUESTION_PAGE_HOLES})),  # noqa: S308 - markers
    )
    filled = {
        "csrf": get_token(request),
        "token": escape(context["resume_token"] or ""),
        "link": escape(context["resume_url"] or ""),
        "items": items_html,
        # Last: the one hole filled with what a respondent typed.
        "comment": escape(comment),
    }
    for hole, value in filled.items():
        frame = frame.replace(_MARKER + hole, value)
    return frame


def _saved_page(response: Response, characteristic: Characteristic) -> tuple[dict, str]:
    """The draft's answers on one page (indicator id → "1".."5" or "dk") and its comment, in one
    query (the comment comes back as a row with no indicator). Plain SQL: the page's hottest
    query, and the ORM spent longer compiling this UNION than the database took to run it. The
    page's indicators come from the cached questionnaire, so no join is needed."""
    indicator_ids = [indicator.pk for indicator in characteristic.indicators.all()]
    answer, comment = Answer._meta.db_table, Comment._meta.db_table
    slots = ", ".join(["%s"] * len(indicator_ids)) or "NULL"
    sql = (
        f"SELECT a.indicator_id, a.value, NULL FROM {answer} a "  # noqa: S608 - table names
        f"WHERE a.response_id = %s AND a.indicator_id IN ({slots}) "
        f"UNION ALL SELECT NULL, NULL, c.text FROM {comment} c "
        "WHERE c.response_id = %s AND c.characteristic_id = %s"
    )
    values, text = {}, ""
    with connection.cursor() as cursor:
        cursor.execute(sql, [response.pk, *indicator_ids, response.pk, characteristic.pk])
        for indicator_id, value, comment_text in cursor.fetchall():
            if indicator_id is None:
                text = comment_text or ""
            else:
                values[indicator_id] = "dk" if value is None else str(value)
    return values, text


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def value_modes(request: HttpRequest) -> HttpResponse:
    journey, elsewhere = _editable_journey(request)
    if elsewhere is not None:
        return elsewhere
    context = _step_context(journey, _characteristics(journey.round), STEP_VALUE)
    initial = {"value_modes": list(journey.response.value_modes.values_list("pk", flat=True))}
    # Whose choice orders the partner's priorities: the collaboration's, when it declared one.
    declared = {"declared": list(journey.round.value_modes.all())}
    if request.method == "POST":
        form = ValueModesForm(request.POST, initial=initial)
        if form.is_valid():
            return _run_save(
                request,
                journey,
                lambda: services.response_save_value_modes(
                    response=journey.response, value_modes=form.cleaned_data["value_modes"]
                ),
                {**context, "form": form, "modes": ValueMode.objects.all(), **declared},
                "assessments/value_modes.html",
            )
    else:
        form = ValueModesForm(initial=initial)
    return render(
        request,
        "assessments/value_modes.html",
        {**context, "form": form, "modes": ValueMode.objects.all(), **declared},
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
        token = request.POST.get(RESUME_FIELD) or journey.resume_token
        try:
            services.response_submit(response=journey.response)
        except services.RoundNotOpen:
            return _closed(request, journey.round)
        except services.LinkAlreadyUsed:
            return _link_used(request, journey.round)
        # From now on the session holds only the response's resume token.
        session_store.finish(request.session, token, round=journey.round)
        reply = redirect("respond_results")
        if token:
            session_store.remember_resume_link(reply, token)
        return reply
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
    answers = dict(
        Answer.objects.filter(response=journey.response).values_list("indicator_id", "value")
    )
    comments = dict(
        Comment.objects.filter(response=journey.response).values_list("characteristic_id", "text")
    )
    labels = dict(SCALE_CHOICES)
    change = "?return=review"
    sections = []
    unanswered = []
    for c in characteristics:
        rows = []
        for code, indicator in enumerate(c.indicators.all(), 1):
            if indicator.pk in answers:
                value = answers[indicator.pk]
                answer = labels[DONT_KNOW if value is None else str(value)]
            else:
                answer = None
                page = reverse("respond_characteristic", args=[c.number])
                unanswered.append((c, indicator, f"{page}{change}#item-{indicator.pk}"))
            rows.append((f"{c.number}.{code}", indicator, answer))
        sections.append(
            {
                "characteristic": c,
                "rows": rows,
                "comment": comments.get(c.pk, ""),
                "change_url": reverse("respond_characteristic", args=[c.number]) + change,
            }
        )
    team = journey.response.team
    group = journey.response.stakeholder_group
    return render(
        request,
        "assessments/review.html",
        {
            **context,
            "sections": sections,
            "unanswered": unanswered,
            "answered_count": len(answers),
            "total": sum(len(c.indicators.all()) for c in characteristics),
            "missing_about": not group,
            "team": team,
            "group_label": dict(StakeholderGroup.choices).get(group, ""),
            "value_modes": list(journey.response.value_modes.all()),
            "about_url": reverse("respond_about") + change,
            "value_url": reverse("respond_value") + change,
        },
    )


@require_safe
@never_cache
def results(request: HttpRequest) -> HttpResponse:
    journey = _get_journey(request)
    if not journey.response.is_submitted:
        return redirect("respond_review")
    data = personal_results(journey.response)
    chart = data.chart_data()
    token = session_store.remembered_resume_link(request, journey.response)
    return render(
        request,
        "assessments/results.html",
        {
            "round": journey.round,
            "results": data,
            "chart": chart,
            "figure": charts.personal_radar_script(chart),
            "resume_url": reverse("respond_resume", args=[token]) if token else None,
            "submitted": True,
        },
    )
