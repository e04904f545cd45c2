"""The collaboration's results shared back: on a partner's own results link once the round is
released, and on a read-only board link (``views.sharing.board``), through one page.

The page is ``selectors.sharing.shared_results``: the figures of the facilitators' pages,
through the same disclosure, in plain words first with the numbers beside them. It refreshes
itself (static/js/shared.js polls the ``updated`` URL for a stamp), and works without
JavaScript (a "check for updates" link).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from assessments import scoring
from assessments.access import SUBMITTED, Journey, partner_view
from assessments.models import ResultsRelease
from assessments.selectors.sharing import live_release, shared_results, shared_stamp
from assessments.views.partner.plain_words import plain_words

REFRESH_SECONDS = 20


def shared_headers(view: Callable) -> Callable:
    """The shared pages carry a private token or a partner's session: never indexed, and the
    address never sent on to another site (the board link's token is in it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    wrapper.access_rule = getattr(view, "access_rule", None)
    return wrapper


def shared_page(
    request: HttpRequest,
    round,
    release: ResultsRelease,
    *,
    audience: str,
    page_url: str,
    updated_url: str,
) -> HttpResponse:
    """The shared page for a partner (``audience="partner"``) or a board link (``"board"``)."""
    results = shared_results(round, release)
    # Plain words first (the partner's own results page's), the framework's names beside them.
    for row in results.shared.rows:
        row.plain = plain_words(row.slug, row.short_name)
    if results.plan is not None:
        for item in [*results.plan.priorities, *results.plan.strengths]:
            c = item.characteristic
            item.plain = plain_words(c.slug, c.short_name)
    return render(
        request,
        "shared/results.html",
        {
            "round": round,
            "collaboration": round.collaboration,
            "results": results,
            "figures": results.figures,
            "shared": results.shared,
            "k": round.min_group_size,
            "sd_min_n": scoring.SD_MIN_N,
            "audience": audience,
            "page_url": page_url,
            "updated_url": updated_url,
            "stamp": shared_stamp(round, release),
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@shared_headers
@partner_view(needs=SUBMITTED)
def collaboration_results(request: HttpRequest, journey: Journey) -> HttpResponse:
    round = journey.round
    release = live_release(round)
    if release is None:
        return render(request, "shared/not_shared.html", {"round": round})
    return shared_page(
        request,
        round,
        release,
        audience="partner",
        page_url=reverse("respond_collaboration_results"),
        updated_url=reverse("respond_collaboration_results_updated"),
    )


@shared_headers
@partner_view(needs=SUBMITTED)
def collaboration_results_updated(request: HttpRequest, journey: Journey) -> HttpResponse:
    """The stamp the page compares with its own to know it is out of date."""
    round = journey.round
    return JsonResponse({"stamp": shared_stamp(round, live_release(round))})
