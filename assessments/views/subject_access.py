"""Subject access and erasure requests: find what is held about an e-mail address, export it
(JSON) and erase it (``services.subject_access``).

Two doors to the same page: an owner's, under their collaboration (``facilitator_view``, owner
role for reading and writing; it reaches only that collaboration's rows), and the admin's (an
admin-site view, ``admin.site.admin_view``, for staff holding ``VIEW_PERMISSIONS``, and
``ERASE_PERMISSIONS`` to erase; it reaches everything, the account included).

The address travels only in POST bodies, never in a URL (which access logs and browser history
keep), and nothing about it is put in a message or a log. Every answer is ``no-store``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from assessments.access import Access, facilitator_view
from assessments.forms.subject_access import ERASE, EXPORT, EraseForm, SubjectForm
from assessments.models import Collaboration, Role
from assessments.services import subject_access as service

# What an admin needs to see everything held about a person, and what erasing it changes.
VIEW_PERMISSIONS = (
    "auth.view_user",
    "assessments.view_individuallink",
    "assessments.view_memberinvitation",
    "assessments.view_membership",
)
ERASE_PERMISSIONS = VIEW_PERMISSIONS + (
    "auth.change_user",
    "assessments.change_individuallink",
    "assessments.delete_memberinvitation",
    "assessments.delete_membership",
)


def _request_page(
    request: HttpRequest,
    *,
    collaboration: Collaboration | None,
    template: str,
    context: dict,
    page_url: str,
    may_erase: bool,
) -> HttpResponse:
    """The request page for one scope: GET shows the address form; POST finds, exports or
    erases (``action``), a bad address or confirmation is a 400 with the form's message."""
    form = SubjectForm(request.POST if request.method == "POST" else None)
    erase_form = None
    held = None
    status = 200
    action = request.POST.get("action") if request.method == "POST" else None
    if action == ERASE:
        if not may_erase:
            raise PermissionDenied("Your permissions do not allow erasing.")
        erase_form = EraseForm(request.POST, auto_id="erase_%s")
        if erase_form.is_valid():
            address = erase_form.cleaned_data["email"]
            try:
                erased = service.subject_erase(
                    address=address, collaboration=collaboration, by=request.user
                )
            except service.ErasureRefused as error:
                erase_form.add_error(None, error.messages)
            else:
                messages.success(request, f"Erased. {erased.summary().capitalize()}.")
                return redirect(page_url)
        # Show again what would be erased, with the form's message.
        form = SubjectForm({"email": request.POST.get("email", "")})
        status = 400
    if request.method == "POST" and form.is_valid():
        held = service.subject_find(address=form.cleaned_data["email"], collaboration=collaboration)
        if action == EXPORT:
            response = JsonResponse(held.as_json(), json_dumps_params={"indent": 2})
            response["Content-Disposition"] = 'attachment; filename="subject-access.json"'
            add_never_cache_headers(response)
            return response
        if erase_form is None:
            erase_form = EraseForm(initial={"email": held.address}, auto_id="erase_%s")
    elif request.method == "POST":
        status = 400
        erase_form = None
    response = render(
        request,
        template,
        {
            **context,
            "form": form,
            "erase_form": erase_form if may_erase else None,
            "held": held,
            "page_url": page_url,
        },
        status=status,
    )
    add_never_cache_headers(response)
    return response


@facilitator_view(read=Role.OWNER, write=Role.OWNER)
def subject_access(request: HttpRequest, access: Access) -> HttpResponse:
    """An owner answers a request about their own collaboration's data."""
    return _request_page(
        request,
        collaboration=access.collaboration,
        template="facilitate/subject_access.html",
        context={"access": access},
        page_url=reverse("facilitate_subject_access", args=[access.collaboration.pk]),
        may_erase=True,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def admin_subject_access(request: HttpRequest) -> HttpResponse:
    """An admin answers a request about everything the site holds (``admin.site.admin_view``
    signs in staff, adds CSRF protection and no-cache)."""
    if not request.user.has_perms(VIEW_PERMISSIONS):
        raise PermissionDenied("You need permission to view accounts, invitations and members.")
    return _request_page(
        request,
        collaboration=None,
        template="admin/subject_access.html",
        context={**admin.site.each_context(request), "title": "Subject access and erasure"},
        page_url=reverse("admin_subject_access"),
        may_erase=request.user.has_perms(ERASE_PERMISSIONS),
    )
