"""Facilitators run rounds: set one up, open and close it, share team links (copy, QR poster),
invite people by e-mail and remind them. Watching responses arrive is in ``views.tracking``.

Each view opens with its access check (``facilitator_view``); the round is found through the
collaboration (``round_of``), so another collaboration's round is a 404.
"""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from assessments.access import Access, facilitator_view, posted, round_of
from assessments.forms.facilitate import InvitationsForm, RoundForm
from assessments.models import Role, TeamLink
from assessments.selectors.sharing import release_of
from assessments.services import facilitate as services
from assessments.tasks import reminders_schedule, send_invitations, send_reminders


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# --- Setting up ------------------------------------------------------------------------------


@facilitator_view(read=Role.FACILITATOR)
def round_new(request: HttpRequest, access: Access) -> HttpResponse:
    collaboration = access.collaboration
    form = RoundForm(posted(request), collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            round = form.save()
            services.team_links_create_for_round(round=round)
        reminders_schedule(round, _base_url(request))
        messages.success(request, f"{round.title} is set up. Open it when you are ready.")
        return redirect("facilitate_round", collaboration.pk, round.pk)
    return render(
        request,
        "facilitate/round_form.html",
        {"access": access, "form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@facilitator_view(read=Role.FACILITATOR)
def round_edit(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    round = round_of(access, round_id)
    form = RoundForm(posted(request), instance=round, collaboration=access.collaboration)
    if request.method == "POST" and form.is_valid():
        round = form.save()
        if {"closes_on", "reminder_schedule"} & set(form.changed_data):
            reminders_schedule(round, _base_url(request))
        messages.success(request, "Saved.")
        return redirect("facilitate_round", access.collaboration.pk, round.pk)
    return render(
        request,
        "facilitate/round_form.html",
        {"access": access, "form": form, "round": round, "creating": False},
        status=400 if form.errors else 200,
    )


@facilitator_view(methods=("POST",))
def round_status(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    round = round_of(access, round_id)
    action = request.POST.get("action")
    try:
        if action == "open":
            round = services.round_open(round=round)
            messages.success(request, f"{round.title} is open for answers.")
        elif action == "close":
            round = services.round_close(round=round)
            messages.success(request, f"{round.title} is closed: no more answers are taken.")
        else:
            messages.error(request, "Choose to open or to close the round.")
            return redirect("facilitate_round", access.collaboration.pk, round.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("facilitate_round", access.collaboration.pk, round.pk)


@facilitator_view(methods=("GET", "HEAD"))
def round_detail(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """A round: its status and dates; for facilitators, each team's link with a copy button
    and a QR poster, and personal invitations. Fixed number of queries whatever the teams."""
    round = round_of(access, round_id)
    links = []
    invited = {}
    if access.can_facilitate:
        links = list(
            TeamLink.objects.filter(round=round, team__archived_on__isnull=True)
            .select_related("team")
            .order_by("team__name")
        )
        invited = dict(
            round.individual_links.values("team_id")
            .annotate(n=Count("id"))
            .values_list("team_id", "n")
        )
    base = _base_url(request).rstrip("/")
    return render(
        request,
        "facilitate/round.html",
        {
            "access": access,
            "round": round,
            "links": [
                (
                    link,
                    base + reverse("invitation", args=[link.token]),
                    invited.get(link.team_id, 0),
                )
                for link in links
            ],
            "invited_without_team": invited.get(None, 0),
            "today": timezone.localdate(),
            "release": release_of(round),  # the sharing link says whether results are shared
        },
    )


# --- Sharing team links ----------------------------------------------------------------------


def _team_link(access: Access, round_id: int, team_id: int) -> TeamLink:
    round = round_of(access, round_id)
    link = get_object_or_404(TeamLink.objects.select_related("team"), round=round, team__pk=team_id)
    link.round = round
    return link


def _qr_svg(url: str, title: str) -> str:
    """The link as a QR code, drawn as SVG on the server (segno); no script, no style."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=4, xmldecl=False, title=title, svgclass="qr-code"
    )
    return buffer.getvalue().decode()


@facilitator_view(read=Role.FACILITATOR, methods=("GET", "HEAD"))
def team_qr(request: HttpRequest, access: Access, round_id: int, team_id: int) -> HttpResponse:
    link = _team_link(access, round_id, team_id)
    url = _base_url(request).rstrip("/") + reverse("invitation", args=[link.token])
    svg = _qr_svg(url, f"QR code of the invitation link for {link.team.name}")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-team-{link.team_id}.svg"'
    return response


@facilitator_view(read=Role.FACILITATOR, methods=("GET", "HEAD"))
def team_poster(request: HttpRequest, access: Access, round_id: int, team_id: int) -> HttpResponse:
    """A poster to print on A4: the collaboration, the team, the QR code, the link, the closing
    date and the privacy line."""
    link = _team_link(access, round_id, team_id)
    url = _base_url(request).rstrip("/") + reverse("invitation", args=[link.token])
    return render(
        request,
        "facilitate/poster.html",
        {"access": access, "round": link.round, "link": link, "url": url},
    )


# --- Personal invitations --------------------------------------------------------------------


@facilitator_view(read=Role.FACILITATOR)
def invitations(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """Paste or upload e-mail addresses; each gets a personal link by e-mail (a background
    task). The page never says who has answered: only the tracking page counts, in groups."""
    round = round_of(access, round_id)
    teams = access.collaboration.teams.active()
    form = InvitationsForm(
        posted(request), request.FILES if request.method == "POST" else None, teams=teams
    )
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            entries = services.addresses_from_text(form.cleaned_data["addresses"])
            upload = form.cleaned_data.get("csv_file")
            if upload:
                entries += services.addresses_from_csv(upload.read())
            report = services.invitations_add(
                round=round, team=form.cleaned_data["team"], entries=entries
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if report.added:
                send_invitations.enqueue(
                    [link.pk for link in report.added], _base_url(request), request.user.pk
                )
            form = InvitationsForm(teams=teams)
    links = list(round.individual_links.select_related("team").order_by("team__name", "email"))
    return render(
        request,
        "facilitate/invitations.html",
        {
            "access": access,
            "round": round,
            "form": form,
            "report": report,
            "links": links,
            # Only the invitation's own failure is shown (a failed reminder would date a use).
            "failed": sum(1 for link in links if link.send_failed_on and not link.sent_on),
            "retention_days": settings.INVITATION_EMAIL_RETENTION_DAYS,
            "reminded_today": round.last_reminder_on == timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@facilitator_view(methods=("POST",))
def invitations_remind(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    round = round_of(access, round_id)
    if not round.is_accepting:
        messages.error(request, "Reminders can only go out while the round is open.")
    else:
        try:
            link_ids = services.reminders_claim(round=round)
        except services.AlreadyRemindedToday as error:
            messages.error(request, " ".join(error.messages))
        else:
            send_reminders.enqueue(link_ids, _base_url(request), request.user.pk)
            messages.success(
                request, "A reminder is going to everyone invited who has not answered yet."
            )
    return redirect("facilitate_invitations", access.collaboration.pk, round.pk)


@facilitator_view(methods=("POST",))
def invitations_retry(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """Send again the invitations whose e-mail could not be sent (the task claims each one, so
    a double click sends nothing twice)."""
    round = round_of(access, round_id)
    link_ids = list(
        round.individual_links.filter(
            used=False, sent_on__isnull=True, send_failed_on__isnull=False
        )
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    if link_ids:
        send_invitations.enqueue(link_ids, _base_url(request), request.user.pk)
        messages.success(
            request, f"Sending {len(link_ids)} invitation{'s' if len(link_ids) != 1 else ''} again."
        )
    else:
        messages.info(request, "No invitation is waiting to be sent again.")
    return redirect("facilitate_invitations", access.collaboration.pk, round.pk)
