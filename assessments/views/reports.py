"""Reports to download: a round's group report, its two-page summary for a board pack, and a
partner's own results, as tagged PDF (PDF/UA-1, ``reports.render_pdf``).

Each view opens with the same access path as the page it prints: the round's report and summary
with the results pages' (``facilitator_view``, viewers and up, another collaboration's round a
404) and figures from ``group_results_page``; the partner's with their results page's
(``partner_view``, this browser's own submitted response, or a 404). The CSV export lives with
the results pages.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from assessments import reports
from assessments.access import SUBMITTED, Access, Journey, facilitator_view, partner_view, round_of
from assessments.models import Action, Team
from assessments.selectors.group_results import group_results_page
from assessments.selectors.partner import personal_results
from assessments.selectors.trends import collaboration_trends
from assessments.selectors.workshops import agreed_scores


def _pdf(request: HttpRequest, template: str, context: dict, filename: str) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    pdf = reports.render_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@facilitator_view(methods=("GET", "HEAD"))
def round_report(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """The round's group report: what the results pages show, on A4, for a board."""
    page = group_results_page(round_of(access, round_id), request.user)
    context = reports.round_report_context(
        page,
        collaboration=access.collaboration,
        today=timezone.localdate(),
        trends=collaboration_trends(access.collaboration, request.user, up_to=page.round),
        actions=list(Action.objects.for_collaboration(access.collaboration)),
    )
    filename = reports.report_filename(access.collaboration.name, page.round.title, suffix="report")
    return _pdf(request, "reports/round_report.html", context, filename)


@partner_view(needs=SUBMITTED)
def personal_report(request: HttpRequest, journey: Journey) -> HttpResponse:
    """A partner's own results, as their results page shows them, to keep or print."""
    data = personal_results(journey.response)
    context = reports.personal_report_context(journey.round, data, today=timezone.localdate())
    filename = reports.report_filename(
        journey.round.collaboration.name, journey.round.title, suffix="your-results"
    )
    return _pdf(request, "reports/personal_report.html", context, filename)


@facilitator_view(methods=("GET", "HEAD"))
def round_summary(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """The round on two A4 pages for a board pack, beside the full report: the same access and
    the same figures (``group_results_page``), what partners agreed at the workshop, the top
    three open actions and the method."""
    round = round_of(access, round_id)
    page = group_results_page(round, request.user)
    context = reports.round_summary_context(
        page,
        collaboration=access.collaboration,
        today=timezone.localdate(),
        agreed=agreed_scores(round),
        actions=reports.summary_actions(round),
        teams=list(Team.objects.filter(collaboration=access.collaboration)),
    )
    filename = reports.report_filename(access.collaboration.name, round.title, suffix="summary")
    return _pdf(request, "reports/round_summary.html", context, filename)
