"""Who runs a collaboration: owners invite people by e-mail, change roles and remove members;
any member may leave. A collaboration always keeps an owner: ``services.facilitate`` refuses the
change that would leave none, under a lock. Joining from an invitation is in ``views.accounts``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments.access import Access, facilitator_view, posted
from assessments.forms.facilitate import MemberInviteForm, MembershipForm
from assessments.models import ROLE_HELP, MemberInvitation, Membership, Role
from assessments.models.membership import INVITATION_RESEND_AFTER
from assessments.services import facilitate as services
from assessments.tasks import send_member_invitation

INVITE_MESSAGES = {
    "new": "An invitation is on its way to {0.email}.",
    "again": "{0.email} already had an invitation waiting: it is on its way again.",
    "waiting": (
        "{0.email} already has an invitation waiting, sent moments ago: it is sent again at "
        f"most every {INVITATION_RESEND_AFTER.seconds // 60} minutes."
    ),
}


@facilitator_view(write=Role.OWNER)
def members(request: HttpRequest, access: Access) -> HttpResponse:
    """Who runs the collaboration; owners invite people by e-mail."""
    collaboration = access.collaboration
    form = MemberInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invite = services.member_invite(
                collaboration=collaboration, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if invite.send:
                send_member_invitation.enqueue(
                    invite.invitation.pk, request.build_absolute_uri("/")
                )
            messages.success(request, INVITE_MESSAGES[invite.outcome].format(invite.invitation))
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
            form.add_error(None, error.messages)
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
