"""The collaboration's action plan: viewers read it, facilitators add and change actions, and
every change is kept (``services.actions``). Each view opens with its access check."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from assessments.access import Access, facilitator_view, posted
from assessments.forms.actions import ActionForm, NewActionForm
from assessments.models import Action, Role
from assessments.services import actions as services
from frameworks.models import Characteristic

FIELD_LABELS = {
    "created": "Created",
    "title": "Title",
    "characteristic_number": "Characteristic",
    "owner": "Owner",
    "due_on": "Due date",
    "status": "Status",
    "notes": "Notes",
}


def _names(version_id: int) -> dict[int, str]:
    return dict(
        Characteristic.objects.filter(version_id=version_id)
        .order_by("number")
        .values_list("number", "name")
    )


def action_of(access: Access, action_id: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("round"), collaboration=access.collaboration, pk=action_id
    )


@facilitator_view(methods=("GET", "HEAD"))
def actions(request: HttpRequest, access: Access) -> HttpResponse:
    """Every action, grouped by characteristic, with its status; overdue ones marked."""
    collaboration = access.collaboration
    names = _names(collaboration.framework_version_id)
    today = timezone.localdate()
    groups: dict[int, list[Action]] = {}
    for action in Action.objects.for_collaboration(collaboration):
        action.overdue = action.is_overdue(today)
        groups.setdefault(action.characteristic_number, []).append(action)
    counts = dict.fromkeys(Action.Status.values, 0)
    for items in groups.values():
        for action in items:
            counts[action.status] += 1
    return render(
        request,
        "actions/list.html",
        {
            "access": access,
            "groups": [
                (number, names.get(number, f"Characteristic {number}"), items)
                for number, items in sorted(groups.items())
            ],
            "counts": [(Action.Status(s).label, n) for s, n in counts.items()],
            "overdue": sum(1 for items in groups.values() for a in items if a.overdue),
        },
    )


@facilitator_view(read=Role.FACILITATOR)
def action_new(request: HttpRequest, access: Access) -> HttpResponse:
    """A new action; an "Add an action" link on a results page fills the round, characteristic
    and suggestion it came from (``?round=…&c=…&suggestion=…``)."""
    collaboration = access.collaboration
    form = NewActionForm(posted(request), collaboration=collaboration, link=request.GET)
    if request.method == "POST" and form.is_valid():
        action = services.action_create(
            collaboration=collaboration,
            user=request.user,
            data=form.cleaned_data,
            round=form.cleaned_data["round"],
            suggestion=form.cleaned_data["suggestion"],
        )
        messages.success(request, f"The action “{action.title}” is in the plan.")
        return redirect("facilitate_actions", collaboration.pk)
    return render(
        request,
        "actions/form.html",
        {
            "access": access,
            "form": form,
            "round": form.source_round,
            "suggestion": form.source_suggestion,
        },
        status=400 if form.errors else 200,
    )


@facilitator_view()
def action_detail(request: HttpRequest, access: Access, action_id: int) -> HttpResponse:
    """One action and its history; facilitators change it here (viewers read)."""
    action = action_of(access, action_id)
    version_id = (
        action.round.framework_version_id
        if action.round
        else access.collaboration.framework_version_id
    )
    form = None
    if access.can_facilitate:
        form = ActionForm(posted(request), instance=action, collaboration=access.collaboration)
        if request.method == "POST" and form.is_valid():
            changes = services.action_update(
                action=action, user=request.user, data=form.cleaned_data
            )
            messages.success(
                request,
                f"Saved: {len(changes)} change{'s' if len(changes) != 1 else ''} recorded."
                if changes
                else "Nothing had changed.",
            )
            return redirect("facilitate_action", access.collaboration.pk, action.pk)
    names = _names(version_id)
    history = list(action.changes.select_related("user").order_by("-pk"))
    for change in history:
        change.label = FIELD_LABELS.get(change.field, change.field)
        if change.field == "characteristic_number":
            change.old = _characteristic_text(change.old, names)
            change.new = _characteristic_text(change.new, names)
    return render(
        request,
        "actions/detail.html",
        {
            "access": access,
            "action": action,
            "characteristic": names.get(action.characteristic_number),
            "overdue": action.is_overdue(),
            "form": form,
            "history": history,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _characteristic_text(value: str, names: dict[int, str]) -> str:
    return f"{value}. {names[int(value)]}" if value.isdigit() and int(value) in names else value
