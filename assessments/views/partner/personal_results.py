"""The partner's own results, straight after submitting and whenever their session or private
link brings them back. Read only: the numbers were stored when they submitted.

A phone shows a short summary first (what stands out, the two or three things to work on, one
strength), in plain words; the rest folds by characteristic (native <details>, so it opens
without JavaScript and by keyboard). The PDF keeps everything unfolded."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from assessments import respondent_session as session_store
from assessments.access import SUBMITTED, Journey, partner_view
from assessments.selectors.partner import PersonalResults, Row, personal_results
from assessments.selectors.sharing import live_release
from assessments.views.partner.plain_words import KEEP_IT_STRONG, PlainWords, plain_words

SUMMARY_PRIORITIES = 3  # "the two or three things to work on"


@dataclass(frozen=True)
class Fold:
    """One characteristic's fold on the results page."""

    row: Row
    plain: PlainWords
    anchor: str  # the fold's id: "priority-6", "strength-2"


def folds_of(rows: list[Row], kind: str) -> list[Fold]:
    return [
        Fold(
            row,
            plain_words(row.characteristic.slug, row.characteristic.short_name),
            f"{kind}-{row.characteristic.number}",
        )
        for row in rows
    ]


def band_counts(results: PersonalResults) -> dict[str, int]:
    """How many characteristics are in each band ("none": not enough answers)."""
    counts = Counter(row.band or "none" for row in results.rows)
    return {band: counts[band] for band in ("priority", "developing", "strength", "none")}


@partner_view(needs=SUBMITTED)
def results(request: HttpRequest, journey: Journey) -> HttpResponse:
    data = personal_results(journey.response)
    token = session_store.remembered_resume_link(request, journey.response)
    priorities = folds_of(data.priorities, "priority")
    strengths = folds_of(data.strengths, "strength")
    return render(
        request,
        "assessments/results.html",
        {
            "round": journey.round,
            "results": data,
            "priority_folds": priorities,
            "strength_folds": strengths,
            "work_on": priorities[:SUMMARY_PRIORITIES],
            "best": strengths[0] if strengths else None,
            "counts": band_counts(data),
            "keep_it_strong": KEEP_IT_STRONG,
            "chart": data.chart_data(),
            "figure": data.radar(),
            "resume_url": reverse("respond_resume", args=[token]) if token else None,
            "submitted": True,
            # Once the facilitator shares the collaboration's results, this page links to them.
            "shared": live_release(journey.round) is not None,
        },
    )
