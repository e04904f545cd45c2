"""A consensus workshop, run live by the facilitator: the workshop's page (its details and
every characteristic, those whose statements split the room first), the projector view (one
characteristic at a time, for a shared screen, with the form that records what the room
agreed), and the actions it agrees, added to the plan.

Members read (viewers and up); facilitators write. Every figure comes from
``group_results_page`` (through disclosure, as every results page), with teams named or
lettered as the workshop says (``Workshop.hide_team_names``), never from a response.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments import charts, group_results, scoring
from assessments.access import Access, facilitator_view, posted, round_of
from assessments.forms.workshops import AgreementForm, WorkshopActionForm, WorkshopForm
from assessments.models import Action, Agreement, Round, Workshop
from assessments.selectors.group_results import GroupResultsPage, group_results_page
from assessments.services import workshops as services
from frameworks.models import Characteristic

ANSWER_LABELS = ["1", "2", "3", "4", "5", "Don’t know"]


@dataclass
class Item:
    """One characteristic as the workshop discusses it."""

    characteristic: object
    figure: group_results.Figure
    split: list[int]  # indicator ids whose shown distribution splits the room
    differ: list[int]  # indicator ids where views differ
    agreement: Agreement | None  # the newest, if any


def _workshop_of(round: Round) -> Workshop | None:
    return Workshop.objects.filter(round=round).first()


def _items(page: GroupResultsPage, current: dict[int, Agreement]) -> list[Item]:
    """Every characteristic, those with statements that split the room first (then by number):
    the order the room discusses them in, and the projector's previous and next."""
    figures = page.figures
    items = [
        Item(
            characteristic=c,
            figure=figures.total[c.number],
            split=group_results.split_room(figures, c.number),
            differ=group_results.views_differ(figures, c.number),
            agreement=current.get(c.number),
        )
        for c in page.characteristics
    ]
    return sorted(items, key=lambda item: (not item.split, item.characteristic.number))


def _context(access: Access, round: Round, workshop: Workshop | None, **extra) -> dict:
    return {
        "access": access,
        "round": round,
        "workshop": workshop,
        "k": round.min_group_size,
        "split_min": group_results.SPLIT_ROOM_MIN_OUTSIDE,
        **extra,
    }


def _setup(
    request: HttpRequest,
    access: Access,
    round: Round,
    *,
    form: WorkshopForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page of a round without a workshop: what one is, and the form that opens it."""
    if form is None and access.can_facilitate:
        form = WorkshopForm(instance=None)
    return render(
        request, "workshops/setup.html", _context(access, round, None, form=form), status=status
    )


@facilitator_view()
def workshop(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """The set-up form while the round has no workshop; then the workshop's page, with the form
    to change its details (facilitators)."""
    round = round_of(access, round_id)
    existing = _workshop_of(round)
    form = None
    if access.can_facilitate:
        form = WorkshopForm(posted(request), instance=existing)
        if request.method == "POST" and form.is_valid():
            services.open_workshop(round, request.user, **form.cleaned_data)
            messages.success(
                request,
                "The workshop is open."
                if existing is None
                else "The workshop’s details are saved.",
            )
            return redirect("facilitate_workshop", access.collaboration.pk, round.pk)
    status = 400 if form is not None and form.errors else 200
    if existing is None:
        return _setup(request, access, round, form=form, status=status)
    page = group_results_page(round, anonymised=existing.hide_team_names)
    items = _items(page, Agreement.objects.filter(workshop=existing).current())
    return render(
        request,
        "workshops/workshop.html",
        _context(
            access,
            round,
            existing,
            form=form,
            page=page,
            figures=page.figures,
            items=items,
            agreed=sum(1 for item in items if item.agreement),
        ),
        status=status,
    )


def _distributions(page: GroupResultsPage, number: int, split: list[int]) -> list[dict]:
    """Each statement's distribution as the characteristic page shows it (its codes, counts and
    shares: ``charts.distribution_series``), those that split the room first; none while the
    round's figures are not shown."""
    figures = page.figures
    if not figures.shown:
        return []
    indicators = list(page.by_number[number].indicators.all())
    shares = charts.distribution_series(figures, number)
    rows = []
    for code, (indicator, percents) in enumerate(zip(indicators, shares, strict=True), 1):
        d = figures.distributions[indicator.pk]
        rows.append(
            {
                "code": f"{number}.{code}",
                "indicator": indicator,
                "d": d,
                "splits": indicator.pk in split,
                "cells": list(zip([*d.counts, d.dont_know], percents, strict=True)),
            }
        )
    return sorted(rows, key=lambda row: not row["splits"])


def _workshop_and_round(access: Access, round_id: int) -> tuple[Round, Workshop | None]:
    round = round_of(access, round_id)
    workshop = _workshop_of(round)
    if workshop is not None:
        workshop.round = round
    return round, workshop


def _setup_for(request: HttpRequest, access: Access, round: Round, number: int) -> HttpResponse:
    """A characteristic's page before the workshop is open: the set-up form (a post saves
    nothing), or a 404 for a number the round's edition does not have, as once it is open."""
    if not Characteristic.objects.filter(version=round.framework_version, number=number).exists():
        raise Http404("No such characteristic in this round's edition.")
    return _setup(request, access, round, status=200 if request.method != "POST" else 400)


def _projector(
    request: HttpRequest,
    access: Access,
    round: Round,
    workshop: Workshop,
    number: int,
    *,
    agreement_form: AgreementForm | None = None,
    action_form: WorkshopActionForm | None = None,
) -> HttpResponse:
    page = group_results_page(round, anonymised=workshop.hide_team_names)
    characteristic = page.by_number.get(number)
    if characteristic is None:
        raise Http404("No such characteristic in this round’s edition.")
    history = list(
        Agreement.objects.filter(workshop=workshop, characteristic_number=number)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    items = _items(page, {number: history[0]} if history else {})
    at = next(i for i, item in enumerate(items) if item.characteristic.number == number)
    item = items[at]
    status = (
        400
        if (agreement_form and agreement_form.errors) or (action_form and action_form.errors)
        else 200
    )
    if access.can_facilitate:
        agreement_form = agreement_form or AgreementForm(version=round.framework_version)
        action_form = action_form or WorkshopActionForm(
            instance=Action(collaboration=access.collaboration, round=round),
            collaboration=access.collaboration,
        )
    figures = page.figures
    return render(
        request,
        "workshops/projector.html",
        _context(
            access,
            round,
            workshop,
            page=page,
            figures=figures,
            characteristic=characteristic,
            item=item,
            position=at + 1,
            count=len(items),
            previous_item=items[at - 1] if at > 0 else None,
            next_item=items[at + 1] if at + 1 < len(items) else None,
            distributions=_distributions(page, number, item.split),
            team_rows=figures.teams.rows,
            history=history,
            agreement_form=agreement_form,
            action_form=action_form,
            answer_labels=ANSWER_LABELS,
            sd_min_n=scoring.SD_MIN_N,
        ),
        status=status,
    )


@facilitator_view()
def projector(request: HttpRequest, access: Access, round_id: int, number: int) -> HttpResponse:
    """One characteristic on the shared screen; facilitators record what the room agreed."""
    round, workshop = _workshop_and_round(access, round_id)
    if workshop is None:
        # Nothing to show or record on yet.
        return _setup_for(request, access, round, number)
    if request.method != "POST":
        return _projector(request, access, round, workshop, number)
    form = AgreementForm(request.POST, version=round.framework_version)
    if form.is_valid():
        try:
            services.record_agreement(
                workshop,
                number,
                request.user,
                score=form.score,
                reasoning=form.cleaned_data["reasoning"],
                dissent=form.cleaned_data["dissent"],
            )
        except ValidationError as error:
            raise Http404(error.messages[0]) from error
        messages.success(request, "Recorded. Every agreement on it is kept below, newest first.")
        return redirect("workshop_characteristic", access.collaboration.pk, round.pk, number)
    return _projector(request, access, round, workshop, number, agreement_form=form)


@facilitator_view(methods=("POST",))
def add_action(request: HttpRequest, access: Access, round_id: int, number: int) -> HttpResponse:
    """An action the room agreed, into the collaboration's plan, marked as agreed in the
    workshop; errors show on the projector view."""
    round, workshop = _workshop_and_round(access, round_id)
    if workshop is None:
        return _setup_for(request, access, round, number)
    form = WorkshopActionForm(
        request.POST,
        instance=Action(collaboration=access.collaboration, round=round),
        collaboration=access.collaboration,
    )
    if form.is_valid():
        try:
            action = services.add_workshop_action(
                workshop, number, request.user, **form.cleaned_data
            )
        except ValidationError as error:
            raise Http404(error.messages[0]) from error
        messages.success(
            request,
            f"The action “{action.title}” is in the plan, marked as agreed in the workshop.",
        )
        return redirect("workshop_characteristic", access.collaboration.pk, round.pk, number)
    return _projector(request, access, round, workshop, number, action_form=form)
