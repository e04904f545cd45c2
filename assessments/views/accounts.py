"""Joining a collaboration from an e-mailed invitation: sign in and accept, or set a password.

Like the respondents' links, the token leaves the URL at once: it is exchanged for the
invitation's id in the session (after every check) and the browser is redirected.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from assessments.access import link_not_found, posted
from assessments.forms.facilitate import NewAccountForm
from assessments.models import MemberInvitation
from assessments.services import facilitate as services

SESSION_INVITATION = "ca_member_invitation"


def _unusable(request: HttpRequest, invitation: MemberInvitation) -> HttpResponse:
    return render(
        request, "registration/invitation_unusable.html", {"invitation": invitation}, status=410
    )


@require_safe
@never_cache
def member_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.member_invitation_for(token)
    if invitation is None:
        return link_not_found(request, "This invitation link is not valid.")
    if invitation.accepted_at is not None or invitation.is_expired:
        return _unusable(request, invitation)
    request.session[SESSION_INVITATION] = invitation.pk
    return redirect("member_invitation_accept")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def member_invitation_accept(request: HttpRequest) -> HttpResponse:
    invitation = (
        MemberInvitation.objects.select_related("collaboration", "invited_by")
        .filter(pk=request.session.get(SESSION_INVITATION))
        .first()
    )
    if invitation is None:
        return link_not_found(request, "Open the invitation link from your e-mail.")
    if invitation.accepted_at is not None or invitation.is_expired:
        return _unusable(request, invitation)
    context = {"invitation": invitation, "collaboration": invitation.collaboration}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.member_invitation_accept(invitation=invitation, user=request.user)
            except ValidationError:
                # Used or expired since the page was read (another browser accepted it at the
                # same moment): the page a later acceptance gets.
                invitation.refresh_from_db(fields=["accepted_at"])
                return _unusable(request, invitation)
            request.session.pop(SESSION_INVITATION, None)
            messages.success(request, f"You are now a member of {invitation.collaboration.name}.")
            return redirect("facilitate_collaboration", invitation.collaboration_id)
        return render(request, "registration/invitation_accept.html", context)
    if get_user_model().objects.filter(username__iexact=invitation.email).exists():
        # The account may have been made by this invitation a moment ago, in another browser
        # that accepted it at the same time: answer as a later acceptance would.
        invitation.refresh_from_db(fields=["accepted_at"])
        if invitation.accepted_at is not None:
            return _unusable(request, invitation)
        next_url = reverse("member_invitation_accept")
        context["login_url"] = f"{reverse('login')}?{urlencode({'next': next_url})}"
        return render(request, "registration/invitation_sign_in.html", context)
    form = NewAccountForm(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.member_account_create(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            invitation.refresh_from_db(fields=["accepted_at"])
            if invitation.accepted_at is not None or invitation.is_expired:
                return _unusable(request, invitation)  # as for a later acceptance
            form.add_error(None, error.messages)
        else:
            request.session.pop(SESSION_INVITATION, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.collaboration.name}.")
            return redirect("facilitate_collaboration", invitation.collaboration_id)
    return render(
        request,
        "registration/invitation_new_account.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )
