"""Facilitators run their collaborations: set-up, planning canvas, teams and members.

Every view taking a collaboration opens with its access check (``facilitator_view``): another
collaboration's objects are a 404, a viewer's change is a 403. Views are thin: a form, then a
service from ``assessments.services.facilitate``. Rounds, invitations and tracking are in
``views.rounds``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from assessments.access import Access, facilitator_view, posted, team_of
from assessments.forms.facilitate import (
    CanvasForm,
    CollaborationForm,
    ConfirmDeleteForm,
    MemberInviteForm,
    MembershipForm,
    TeamForm,
)
from assessments.models import (
    ROLE_HELP,
    CanvasAnswer,
    CanvasConsideration,
    Collaboration,
    MemberInvitation,
    Membership,
    Role,
    Round,
)
from assessments.services import facilitate as services
from assessments.tasks import send_member_invitation
from frameworks.models import ApproachType, Consideration, PracticalQuestion, ValueMode


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _refused(form, error: ValidationError) -> None:
    """A service refused the data: show why on the form (nothing was saved)."""
    form.add_error(None, error.messages)


# --- Collaborations --------------------------------------------------------------------------


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


def _collaboration_form_context(form) -> dict:
    return {
        "form": form,
        "approach_types": ApproachType.objects.all(),
        "value_modes": ValueMode.objects.all(),
    }


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def collaboration_new(request: HttpRequest) -> HttpResponse:
    form = CollaborationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            collaboration = services.collaboration_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{collaboration.name} is set up. Next: add its teams.")
            return redirect("facilitate_teams", collaboration.pk)
    return render(
        request,
        "facilitate/collaboration_form.html",
        {**_collaboration_form_context(form), "creating": True},
        status=400 if form.errors else 200,
    )


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
    collaboration = access.collaboration
    initial = {
        "name": collaboration.name,
        "purpose": collaboration.purpose,
        "approach_type": collaboration.approach_type_id,
        "value_modes": list(collaboration.value_modes.values_list("pk", flat=True)),
        "framework_version": collaboration.framework_version_id,
        "groups": list(collaboration.offered_groups.values_list("group", flat=True)),
    }
    form = CollaborationForm(
        posted(request), initial=initial, current_version=collaboration.framework_version
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.collaboration_update(collaboration=collaboration, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("facilitate_collaboration", collaboration.pk)
    return render(
        request,
        "facilitate/collaboration_form.html",
        {**_collaboration_form_context(form), "access": access, "creating": False},
        status=400 if form.errors else 200,
    )


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


# --- Planning canvas -------------------------------------------------------------------------


@facilitator_view()
def canvas(request: HttpRequest, access: Access) -> HttpResponse:
    """THIS Institute's practical questions and key considerations, answered for this
    collaboration; viewers read it, facilitators edit it; it prints on A4."""
    collaboration = access.collaboration
    questions = list(PracticalQuestion.objects.all())
    considerations = list(Consideration.objects.select_related("source"))
    answers = dict(
        CanvasAnswer.objects.filter(collaboration=collaboration).values_list("question_id", "text")
    )
    notes = {
        row.consideration_id: (row.discussed, row.notes)
        for row in CanvasConsideration.objects.filter(collaboration=collaboration)
    }
    form = CanvasForm(
        posted(request),
        questions=questions,
        considerations=considerations,
        answers=answers,
        notes=notes,
    )
    if not access.can_facilitate:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        services.canvas_save(
            collaboration=collaboration,
            answers=form.answers(),
            considerations=form.considerations(),
        )
        messages.success(request, "The planning canvas is saved.")
        return redirect("facilitate_canvas", collaboration.pk)
    question_rows, consideration_rows = form.sections()
    return render(
        request,
        "facilitate/canvas.html",
        {
            "access": access,
            "form": form,
            "purpose_questions": [
                row for row in question_rows if row[0].group == PracticalQuestion.Group.PURPOSE
            ],
            "stakeholder_questions": [
                row for row in question_rows if row[0].group != PracticalQuestion.Group.PURPOSE
            ],
            "consideration_rows": consideration_rows,
            "not_discussed": [c for c in considerations if not notes.get(c.pk, (False,))[0]],
        },
        status=400 if form.errors else 200,
    )


# --- Teams -----------------------------------------------------------------------------------


@facilitator_view()
def teams(request: HttpRequest, access: Access) -> HttpResponse:
    collaboration = access.collaboration
    form = TeamForm(posted(request), collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(collaboration=collaboration, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{team.name} is added, with a link in every open round.")
            return redirect("facilitate_teams", collaboration.pk)
    return render(
        request,
        "facilitate/teams.html",
        {
            "access": access,
            "form": form,
            "active": collaboration.teams.active(),
            "archived": collaboration.teams.filter(archived_on__isnull=False),
        },
        status=400 if form.errors else 200,
    )


@facilitator_view(read=Role.FACILITATOR)
def team_edit(request: HttpRequest, access: Access, team_id: int) -> HttpResponse:
    team = team_of(access, team_id)
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("archive", "restore"):
        if action == "archive":
            services.team_archive(team=team)
            messages.success(request, f"{team.name} is archived: its history stays.")
        else:
            services.team_restore(team=team)
            messages.success(request, f"{team.name} is back in the collaboration.")
        return redirect("facilitate_teams", access.collaboration.pk)
    form = TeamForm(
        posted(request),
        collaboration=access.collaboration,
        team=team,
        initial={"name": team.name, "headcount": team.headcount},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(team=team, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("facilitate_teams", access.collaboration.pk)
    return render(
        request,
        "facilitate/team_form.html",
        {"access": access, "form": form, "team": team},
        status=400 if form.errors else 200,
    )


# --- Members ---------------------------------------------------------------------------------


@facilitator_view(write=Role.OWNER)
def members(request: HttpRequest, access: Access) -> HttpResponse:
    """Who runs the collaboration; owners invite people by e-mail."""
    collaboration = access.collaboration
    form = MemberInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.member_invite(
                collaboration=collaboration, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            send_member_invitation.enqueue(invitation.pk, _base_url(request))
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
            return redirect("facilitate_members", collaboration.pk)
    return render(
        request,
        "facilitate/members.html",
        {
            "access": access,
            "form": form,
            "memberships": collaboration.memberships.select_related("user").order_by(
                "role", "user__username"
            ),
            "pending": MemberInvitation.objects.usable().filter(collaboration=collaboration),
            "role_help": ROLE_HELP,
        },
        status=400 if form.errors else 200,
    )


@facilitator_view(read=Role.OWNER, write=Role.OWNER)
def member_edit(request: HttpRequest, access: Access, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        collaboration=access.collaboration,
        pk=membership_id,
    )
    form = MembershipForm(posted(request), initial={"role": membership.role})
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                services.membership_remove(membership=membership)
                messages.success(request, f"{membership.user} is no longer a member.")
                return redirect("facilitate_members", access.collaboration.pk)
            if form.is_valid():
                services.membership_change_role(
                    membership=membership, role=form.cleaned_data["role"]
                )
                messages.success(request, "Saved.")
                return redirect("facilitate_members", access.collaboration.pk)
        except services.LastOwner as error:
            _refused(form, error)
    return render(
        request,
        "facilitate/member_form.html",
        {"access": access, "form": form, "membership": membership},
        status=400 if form.errors else 200,
    )


@facilitator_view(write=Role.VIEWER, methods=("POST",))
def leave(request: HttpRequest, access: Access) -> HttpResponse:
    """Any member may leave, except the last owner."""
    try:
        services.membership_remove(membership=access.membership)
    except services.LastOwner as error:
        messages.error(request, " ".join(error.messages))
        return redirect("facilitate_members", access.collaboration.pk)
    messages.success(request, f"You have left {access.collaboration.name}.")
    return redirect("facilitate_home")
