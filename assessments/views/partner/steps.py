"""The pages of the questionnaire, in order: the one list that the progress line, "Save and go
back" / "Save and continue", the review's "Change" links and the resume link all read."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from assessments.access import Journey, closed_page
from assessments.models import Response
from assessments.selectors import partner as reads
from assessments.selectors import questionnaire
from assessments.services import respond as services
from frameworks.models import Characteristic

ABOUT = "about"
VALUE = "value"
REVIEW = "review"
FROM_REVIEW = "?return=review"  # a page opened from the review goes back there once saved


@dataclass(frozen=True)
class Step:
    key: str  # ABOUT, "c<number>" (``characteristic_key``), VALUE or REVIEW
    title: str
    url_name: str
    characteristic: Characteristic | None = None

    @property
    def url(self) -> str:
        if self.characteristic is not None:
            return reverse(self.url_name, args=[self.characteristic.number])
        return reverse(self.url_name)


def characteristic_key(number: int) -> str:
    return f"c{number}"


def steps_of(characteristics: list[Characteristic]) -> list[Step]:
    """Every page of the questionnaire of these characteristics, in order."""
    return [
        Step(ABOUT, "About you", "respond_about"),
        *(
            Step(characteristic_key(c.number), c.name, "respond_characteristic", c)
            for c in characteristics
        ),
        Step(VALUE, "How the collaboration creates value", "respond_value"),
        Step(REVIEW, "Review and submit", "respond_review"),
    ]


def journey_steps(journey: Journey) -> list[Step]:
    return steps_of(questionnaire.characteristics(journey.round.framework_version_id))


def step_context(journey: Journey, key: str, steps: list[Step] | None = None) -> dict:
    """What every page of the questionnaire shows: where it is in the list, the way back and on,
    and the private resume link."""
    steps = steps if steps is not None else journey_steps(journey)
    index = next(i for i, step in enumerate(steps) if step.key == key)
    return {
        "round": journey.round,
        "journey": journey,
        "resume_token": journey.resume_token,
        "resume_url": journey.resume_url,
        "step_number": index + 1,
        "step_count": len(steps),
        # The first page has no "Save and go back": it would leave the questionnaire.
        "previous_url": steps[index - 1].url if index > 0 else None,
        "next_url": steps[index + 1].url if index + 1 < len(steps) else None,
        "current_step": key,
    }


def continue_url(response: Response) -> str:
    """Where a returning partner carries on: the first step with something unanswered (about
    them, then the first characteristic with an unanswered statement), else the review."""
    characteristics = questionnaire.characteristics(response.round.framework_version_id)
    answered = reads.answered_indicator_ids(response)
    for step in steps_of(characteristics):
        if step.key == ABOUT and not response.stakeholder_group:
            return step.url
        if step.characteristic is not None and any(
            indicator.pk not in answered for indicator in step.characteristic.indicators.all()
        ):
            return step.url
    return reverse("respond_review")


def after_save(request: HttpRequest, context: dict) -> HttpResponse:
    """Back goes to the previous page, anything else to the next one (or, when the page was
    opened from "check your answers", back there); both after saving."""
    if request.POST.get("nav") == "back" and context["previous_url"]:
        return redirect(context["previous_url"])
    if request.POST.get("return") == "review":
        return redirect("respond_review")
    return redirect(context["next_url"] or reverse("respond_review"))


def run_save(
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
        return closed_page(request, journey.round)
    except ValidationError as error:
        context["form"].add_error(None, error.messages)
        return render(request, template, context, status=400)
    return after_save(request, context)
