"""The question pages: about you, one page per characteristic, and the ways of creating value.
Each shows the draft's saved answers and saves the page through a service (Back saves too)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from assessments.access import DRAFT, Journey, partner_view
from assessments.forms.respond import AboutForm, CharacteristicForm, TamperedForm, ValueModesForm
from assessments.models import StakeholderGroup, Team
from assessments.models.collaborations import STAKEHOLDER_GROUP_HINTS
from assessments.selectors import partner as reads
from assessments.selectors import questionnaire
from assessments.services import respond as services
from assessments.views.partner.steps import ABOUT, VALUE, characteristic_key, run_save, step_context
from frameworks.models import ValueMode

METHODS = ("GET", "HEAD", "POST")


@partner_view(needs=DRAFT, methods=METHODS)
def about(request: HttpRequest, journey: Journey) -> HttpResponse:
    response = journey.response
    context = {**step_context(journey, ABOUT), "group_hints": STAKEHOLDER_GROUP_HINTS}
    # A team link answers for its team; other respondents say which team they are part of.
    ask_team = response.asks_team
    teams = Team.objects.filter(collaboration=journey.round.collaboration_id).active()
    groups = journey.round.collaboration.offered_group_choices
    chosen = response.stakeholder_group
    if chosen and chosen not in dict(groups):
        groups = [*groups, (chosen, dict(StakeholderGroup.choices)[chosen])]
    initial = {"team": response.team_id, "stakeholder_group": chosen}
    options = {"teams": teams, "ask_team": ask_team, "groups": groups, "initial": initial}
    if request.method == "POST":
        form = AboutForm(request.POST, **options)
        if form.is_valid():
            return run_save(
                request,
                journey,
                lambda: services.response_save_about(
                    response=response,
                    team=form.cleaned_data.get("team"),
                    stakeholder_group=form.cleaned_data["stakeholder_group"],
                ),
                {**context, "form": form, "fixed_team": None},
                "assessments/about.html",
            )
    else:
        form = AboutForm(**options)
    fixed_team = None if ask_team else response.team
    return render(
        request, "assessments/about.html", {**context, "form": form, "fixed_team": fixed_team}
    )


@partner_view(needs=DRAFT, methods=METHODS)
def characteristic_page(request: HttpRequest, journey: Journey, number: int) -> HttpResponse:
    characteristics = questionnaire.characteristics(journey.round.framework_version_id)
    characteristic = next((c for c in characteristics if c.number == number), None)
    if characteristic is None:
        raise Http404("No such page.")
    indicators = list(characteristic.indicators.all())
    context = {
        **step_context(journey, characteristic_key(number)),
        "characteristic": characteristic,
    }
    if request.method == "POST":
        try:
            form = CharacteristicForm(request.POST, indicators=indicators)
        except TamperedForm:
            return HttpResponseBadRequest("This form names items that are not on this page.")
        context["form"] = form
        if form.is_valid():
            return run_save(
                request,
                journey,
                lambda: services.response_save_page(
                    response=journey.response,
                    characteristic=characteristic,
                    answers=form.answers(),
                    blank=form.blank(),
                    comment=form.cleaned_data["comment"],
                ),
                context,
                "assessments/characteristic.html",
            )
        return render(request, "assessments/characteristic.html", context, status=400)
    answers, comment = reads.saved_page(journey.response, characteristic)
    context["form"] = CharacteristicForm.as_saved(
        indicators=indicators, answers=answers, comment=comment
    )
    return render(request, "assessments/characteristic.html", context)


@partner_view(needs=DRAFT, methods=METHODS)
def value_modes(request: HttpRequest, journey: Journey) -> HttpResponse:
    context = {
        **step_context(journey, VALUE),
        "modes": ValueMode.objects.all(),
        # The partner's choice orders their priorities only when the collaboration declared none.
        # What it declared is not shown here (it would prime the answer compared with it): the
        # review page says it, after the partner has chosen.
        "orders_priorities": not journey.round.value_modes.exists(),
    }
    initial = {"value_modes": list(journey.response.value_modes.values_list("pk", flat=True))}
    if request.method == "POST":
        form = ValueModesForm(request.POST, initial=initial)
        if form.is_valid():
            return run_save(
                request,
                journey,
                lambda: services.response_save_value_modes(
                    response=journey.response, value_modes=form.cleaned_data["value_modes"]
                ),
                {**context, "form": form},
                "assessments/value_modes.html",
            )
    else:
        form = ValueModesForm(initial=initial)
    return render(
        request,
        "assessments/value_modes.html",
        {**context, "form": form},
        status=400 if request.method == "POST" else 200,
    )
