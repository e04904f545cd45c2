"""Facilitators set up their collaborations: the list of them, set-up and edit, the overview,
deleting one, and the planning canvas.

Every view taking a collaboration opens with its access check (``facilitator_view``): another
collaboration's objects are a 404, a viewer's change is a 403. Teams are in ``views.teams``,
members in ``views.members``, rounds in ``views.rounds``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from assessments.access import Access, facilitator_view, posted
from assessments.forms.facilitate import CanvasForm, CollaborationForm, ConfirmDeleteForm
from assessments.models import Collaboration, Membership, Role, Round
from assessments.services import facilitate as services
from frameworks.models import ApproachType, Consideration, ValueMode


@login_required
@never_cache
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's collaborations, with their role in each."""
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("collaboration")
        .annotate(
            open_rounds=Count(
                "collaboration__rounds",
                filter=Q(collaboration__rounds__status=Round.Status.OPEN),
            )
        )
        .order_by("collaboration__name")
    )
    return render(request, "facilitate/home.html", {"memberships": memberships})


def _render_form(request: HttpRequest, form: CollaborationForm, **context) -> HttpResponse:
    return render(
        request,
        "facilitate/collaboration_form.html",
        {
            "form": form,
            "approach_types": ApproachType.objects.all(),
            "value_modes": ValueMode.objects.all(),
            **context,
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def collaboration_new(request: HttpRequest) -> HttpResponse:
    form = CollaborationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            collaboration = form.save()
            services.collaboration_set_up(
                collaboration=collaboration, owner=request.user, groups=form.cleaned_data["groups"]
            )
        messages.success(request, f"{collaboration.name} is set up. Next: add its teams.")
        return redirect("facilitate_teams", collaboration.pk)
    return _render_form(request, form, creating=True)


@facilitator_view(methods=("GET", "HEAD"))
def collaboration_detail(request: HttpRequest, access: Access) -> HttpResponse:
    """The collaboration at a glance, in a fixed number of queries (pinned by a test)."""
    collaboration = Collaboration.objects.for_overview().filter(pk=access.collaboration.pk).get()
    discussed = sum(1 for note in collaboration.canvas_considerations.all() if note.discussed)
    return render(
        request,
        "facilitate/collaboration.html",
        {
            "access": access,
            "collaboration": collaboration,
            "rounds": collaboration.rounds.all(),
            "teams": collaboration.teams.all(),
            "members": collaboration.memberships.all(),
            "discussed": discussed,
            "consideration_count": Consideration.objects.count(),
        },
    )


@facilitator_view(read=Role.FACILITATOR)
def collaboration_edit(request: HttpRequest, access: Access) -> HttpResponse:
    form = CollaborationForm(posted(request), instance=access.collaboration)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            collaboration = form.save()
            services.collaboration_apply_edit(
                collaboration=collaboration, groups=form.cleaned_data["groups"]
            )
        messages.success(request, "Saved.")
        return redirect("facilitate_collaboration", collaboration.pk)
    return _render_form(request, form, access=access, creating=False)


@facilitator_view(read=Role.OWNER, write=Role.OWNER)
def collaboration_delete(request: HttpRequest, access: Access) -> HttpResponse:
    collaboration = access.collaboration
    form = ConfirmDeleteForm(posted(request), expected=collaboration.name)
    if request.method == "POST" and form.is_valid():
        services.collaboration_delete(collaboration=collaboration)
        messages.success(request, f"{collaboration.name} and everything in it were deleted.")
        return redirect("facilitate_home")
    return render(
        request,
        "facilitate/collaboration_delete.html",
        {"access": access, "form": form},
        status=400 if form.errors else 200,
    )


@facilitator_view()
def canvas(request: HttpRequest, access: Access) -> HttpResponse:
    """THIS Institute's practical questions and key considerations, answered for this
    collaboration; viewers read it, facilitators edit it; it prints on A4."""
    collaboration = access.collaboration
    form = CanvasForm(
        posted(request), collaboration=collaboration, read_only=not access.can_facilitate
    )
    if request.method == "POST" and form.is_valid():
        services.canvas_save(
            collaboration=collaboration,
            answers=form.answers(),
            considerations=form.considerations(),
        )
        messages.success(request, "The planning canvas is saved.")
        return redirect("facilitate_canvas", collaboration.pk)
    return render(
        request,
        "facilitate/canvas.html",
        {"access": access, "form": form, **form.sections()},
        status=400 if form.errors else 200,
    )
