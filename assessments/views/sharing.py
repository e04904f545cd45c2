"""Sharing a round's results: the facilitators' sharing page (release, withdraw, board links)
and the public board link.

A board link needs no sign-in. It opens the shared page (``views.partner.shared_results``) only
while it is not revoked, not past its last day, and its round is released; otherwise it is the
app's "link not found" page (404), saying to ask whoever sent the link for a new one.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessments.access import Access, facilitator_view, link_not_found, posted, round_of
from assessments.forms.sharing import BoardLinkForm, ReleaseForm
from assessments.models import BoardLink
from assessments.selectors.sharing import (
    board_link_by_token,
    board_links,
    release_of,
    release_of_link,
    shared_stamp,
)
from assessments.services import sharing as services
from assessments.views.partner.shared_results import shared_headers, shared_page

ACTIONS = ("release", "withdraw", "link")
ASK_AGAIN = "Ask whoever sent it to you for a new link."


@facilitator_view()
def sharing(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """The round's release and board links. Viewers read it; facilitators change it."""
    round = round_of(access, round_id)
    release = release_of(round)
    live = release is not None and release.is_live
    data = posted(request)
    action = data.get("action") if data is not None else None
    release_form = ReleaseForm(
        data if action == "release" else None,
        instance=release,
        early=round.status != round.Status.CLOSED and not live,
    )
    link_form = BoardLinkForm(data if action == "link" else None)
    status = 200
    if data is not None:
        if action == "release" and release_form.is_valid():
            services.release_results(
                round,
                request.user,
                share_team_names=release_form.cleaned_data["share_team_names"],
                share_comments=release_form.cleaned_data["share_comments"],
            )
            messages.success(
                request,
                "Results shared: partners see them on their results link, and board links work."
                if not live
                else "Sharing options saved.",
            )
            return redirect("facilitate_sharing", access.collaboration.pk, round.pk)
        if action == "withdraw":
            if services.withdraw_release(round, request.user):
                messages.success(
                    request, "Sharing withdrawn: partners and board links see nothing."
                )
            return redirect("facilitate_sharing", access.collaboration.pk, round.pk)
        if action == "link" and link_form.is_valid():
            link = services.create_board_link(
                round,
                request.user,
                label=link_form.cleaned_data["label"],
                expires_on=link_form.cleaned_data["expires_on"],
            )
            messages.success(request, f"Board link “{link.label}” made: copy it below.")
            return redirect("facilitate_sharing", access.collaboration.pk, round.pk)
        if action not in ACTIONS:
            messages.error(request, "Choose what to do: share the results, or make a board link.")
        status = 400
    today = timezone.localdate()
    return render(
        request,
        "shared/facilitate.html",
        {
            "access": access,
            "round": round,
            "release": release,
            "live": live,
            "release_form": release_form,
            "link_form": link_form,
            # The links' addresses only for facilitators, as the round page shows team links:
            # whoever holds one reads the results without signing in.
            "links": [
                (
                    link,
                    request.build_absolute_uri(reverse("board", args=[link.token]))
                    if access.can_facilitate
                    else None,
                )
                for link in board_links(round)
            ],
            "today": today,
        },
        status=status,
    )


@facilitator_view(methods=("POST",))
def revoke_board_link(
    request: HttpRequest, access: Access, round_id: int, link_id: int
) -> HttpResponse:
    round = round_of(access, round_id)
    link = get_object_or_404(BoardLink, round=round, pk=link_id)
    if services.revoke_board_link(link, request.user):
        messages.success(request, f"Board link “{link.label}” turned off: it no longer opens.")
    return redirect("facilitate_sharing", access.collaboration.pk, round.pk)


def _working_link(request: HttpRequest, token: str):
    """(link, release) of a board link that opens, or (None, the 404 page saying why)."""
    link = board_link_by_token(token)
    if link is None:
        return None, link_not_found(request, f"This board link is not valid. {ASK_AGAIN}")
    if link.revoked_at is not None:
        return None, link_not_found(request, f"This board link has been turned off. {ASK_AGAIN}")
    if not link.is_working(timezone.localdate()):
        return None, link_not_found(request, f"This board link has expired. {ASK_AGAIN}")
    release = release_of_link(link)
    if release is None or not release.is_live:
        return None, link_not_found(
            request, f"These results are not shared at the moment. {ASK_AGAIN}"
        )
    return (link, release), None


@shared_headers
@never_cache
@require_http_methods(["GET", "HEAD"])
def board(request: HttpRequest, token: str) -> HttpResponse:
    found, refused = _working_link(request, token)
    if found is None:
        return refused
    link, release = found
    return shared_page(
        request,
        link.round,
        release,
        audience="board",
        page_url=reverse("board", args=[token]),
        updated_url=reverse("board_updated", args=[token]),
    )


@shared_headers
@never_cache
@require_http_methods(["GET", "HEAD"])
def board_updated(request: HttpRequest, token: str) -> HttpResponse:
    """The stamp the board page compares with its own; a 404 once the link stops working (the
    page then reloads into the 404 page that says what to do)."""
    found, _ = _working_link(request, token)
    if found is None:
        return JsonResponse({"stamp": ""}, status=404)
    link, release = found
    return JsonResponse({"stamp": shared_stamp(link.round, release)})
