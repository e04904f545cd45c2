"""The partner's own results, straight after submitting and whenever their session or private
link brings them back. Read only: the numbers were stored when they submitted."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from assessments import respondent_session as session_store
from assessments.access import SUBMITTED, Journey, partner_view
from assessments.selectors.partner import personal_results


@partner_view(needs=SUBMITTED)
def results(request: HttpRequest, journey: Journey) -> HttpResponse:
    data = personal_results(journey.response)
    token = session_store.remembered_resume_link(request, journey.response)
    return render(
        request,
        "assessments/results.html",
        {
            "round": journey.round,
            "results": data,
            "chart": data.chart_data(),
            "figure": data.radar(),
            "resume_url": reverse("respond_resume", args=[token]) if token else None,
            "submitted": True,
        },
    )
