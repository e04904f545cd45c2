"""Check your answers, then submit: every answer page by page with a way to change it, what is
still unanswered, and the button that submits the draft."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessments import respondent_session as session_store
from assessments.access import (
    DRAFT,
    RESPONSE,
    RESUME_FIELD,
    Journey,
    closed_page,
    link_used_page,
    partner_view,
)
from assessments.forms.respond import SCALE_CHOICES
from assessments.models import StakeholderGroup
from assessments.selectors import partner as reads
from assessments.services import respond as services
from assessments.views.partner.steps import (
    ABOUT,
    FROM_REVIEW,
    REVIEW,
    VALUE,
    journey_steps,
    step_context,
)


@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """The review page shows the answers (GET) and submits them (POST)."""
    return submit(request) if request.method == "POST" else check_answers(request)


@partner_view(needs=DRAFT)
def check_answers(request: HttpRequest, journey: Journey) -> HttpResponse:
    steps = journey_steps(journey)
    change = {step.key: step.url + FROM_REVIEW for step in steps}
    characteristics = [step.characteristic for step in steps if step.characteristic is not None]
    answers = reads.review_of(journey.response, characteristics, words=dict(SCALE_CHOICES))
    change_urls = {
        step.characteristic.pk: change[step.key] for step in steps if step.characteristic
    }
    response = journey.response
    return render(
        request,
        "assessments/review.html",
        {
            **step_context(journey, REVIEW, steps),
            "sections": [
                (section, change_urls[section.characteristic.pk]) for section in answers.sections
            ],
            "unanswered": [
                (c, indicator, f"{change_urls[c.pk]}#item-{indicator.pk}")
                for c, indicator in answers.unanswered
            ],
            "answered_count": answers.answered_count,
            "total": answers.total,
            "missing_about": not response.stakeholder_group,
            "team": response.team,
            "group_label": dict(StakeholderGroup.choices).get(response.stakeholder_group, ""),
            "value_modes": list(response.value_modes.all()),
            # Said only now, after the partner chose: asked first, it would prime their answer.
            "declared": list(journey.round.value_modes.all()),
            "about_url": change[ABOUT],
            "value_url": change[VALUE],
        },
    )


@partner_view(needs=RESPONSE, methods=("POST",))
def submit(request: HttpRequest, journey: Journey) -> HttpResponse:
    """Submit the draft. A double click, a refresh, two tabs or concurrent requests all land
    here; the service's conditional update stores exactly one response."""
    token = request.POST.get(RESUME_FIELD) or journey.resume_token
    try:
        services.response_submit(response=journey.response)
    except services.RoundNotOpen:
        return closed_page(request, journey.round)
    except services.LinkAlreadyUsed:
        return link_used_page(request, journey.round)
    # From now on the session holds only the response's resume token.
    session_store.finish(request.session, token, round=journey.round)
    reply = redirect(reverse("respond_results"))
    if token:
        session_store.remember_resume_link(reply, token)
    return reply
