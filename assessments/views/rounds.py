"""Facilitators run rounds: set one up, open and close it, share team links (copy, QR poster),
invite people by e-mail, remind them, and watch responses arrive (tracking).

Tracking never shows a count under the round's minimum group size, nor one that could be worked
out from the others (``assessments.disclosure``), nor anything that orders responses in time.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from assessments import disclosure, rollups
from assessments.access import Access, facilitator_view, posted, round_of
from assessments.forms.facilitate import InvitationsForm, RoundForm
from assessments.models import (
    IndividualLink,
    Response,
    Role,
    RoundSnapshot,
    StakeholderGroup,
    TeamLink,
)
from assessments.services import facilitate as services
from assessments.tasks import send_invitations, send_reminders


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


# --- Setting up ------------------------------------------------------------------------------


@facilitator_view(read=Role.FACILITATOR)
def round_new(request: HttpRequest, access: Access) -> HttpResponse:
    collaboration = access.collaboration
    today = timezone.localdate()
    form = RoundForm(
        posted(request),
        initial={
            "framework_version": collaboration.framework_version_id,
            "opens_on": today,
            "closes_on": today + timedelta(days=28),
            "min_group_size": 5,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(collaboration=collaboration, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
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
    locked = round.responses.exists()
    form = RoundForm(
        posted(request),
        initial={
            "title": round.title,
            "framework_version": round.framework_version_id,
            "opens_on": round.opens_on,
            "closes_on": round.closes_on,
            "min_group_size": round.min_group_size,
        },
        current_version=round.framework_version,
        edition_locked=locked,
        k_floor=round.min_group_size if locked else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(round=round, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
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
        },
    )


# --- Sharing team links ----------------------------------------------------------------------


def _team_link(access: Access, round_id: int, team_id: int) -> TeamLink:
    round = round_of(access, round_id)
    link = get_object_or_404(TeamLink.objects.select_related("team"), round=round, team_id=team_id)
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
                send_invitations.enqueue([link.pk for link in report.added], _base_url(request))
            form = InvitationsForm(teams=teams)
    links = round.individual_links.select_related("team").order_by("team__name", "email")
    return render(
        request,
        "facilitate/invitations.html",
        {
            "access": access,
            "round": round,
            "form": form,
            "report": report,
            "links": links,
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
            send_reminders.enqueue(link_ids, _base_url(request))
            messages.success(
                request, "A reminder is going to everyone invited who has not answered yet."
            )
    return redirect("facilitate_invitations", access.collaboration.pk, round.pk)


# --- Tracking --------------------------------------------------------------------------------


@dataclass
class TrackingRow:
    label: str
    started: disclosure.Cell  # live, in steps of k (``disclosure.in_steps``)
    submitted: disclosure.Cell  # live, in steps of k
    counted: disclosure.Cell  # counted in the results: exact, moves by 0 or at least k
    headcount: int | None = None

    @property
    def rate(self) -> int | None:
        """Responses counted in the results as a percentage of the headcount."""
        if not self.headcount or not self.counted.shown:
            return None
        return round(100 * self.counted.value / self.headcount)

    @property
    def bar_width(self) -> int:
        return min(self.rate or 0, 100)


def tracking_rows(round, teams, team_counts, group_counts, offered, snapshot_data):
    """The tracking tables, every count passed through ``disclosure``.

    ``team_counts`` and ``group_counts`` map a team id (None: not chosen yet) or a group code
    ('' : not chosen yet) to (started, submitted), live; they are shown in steps of k, so
    that watching the page does not tell which team or group each new response is in.
    ``snapshot_data`` gives the responses counted in the results, per team and group: those
    move only as the results do (0 or at least k at a time).
    """
    k = round.min_group_size
    # "Not chosen yet" rows appear only once somebody is in them.
    team_keys = [team.pk for team in teams] + ([None] if None in team_counts else [])
    group_keys = list(offered) + [g for g in group_counts if g not in offered and g]
    if "" in group_counts:
        group_keys.append("")
    counted_teams: dict = {}
    counted_groups: dict = {}
    for cell_key, cell in snapshot_data.get("cells", {}).items():
        team, group = rollups.split_key(cell_key)
        counted_teams[team] = counted_teams.get(team, 0) + cell["n"]
        counted_groups[group] = counted_groups.get(group, 0) + cell["n"]
    counted_total = sum(counted_teams.values())
    counted = {
        "teams": disclosure.protect_table(
            {key: counted_teams.get(key, 0) for key in team_keys}, k=k, total=counted_total
        )[0],
        "groups": disclosure.protect_table(
            {key: counted_groups.get(key, 0) for key in group_keys}, k=k, total=counted_total
        )[0],
    }
    labels = dict(StakeholderGroup.choices)
    team_names = {team.pk: team for team in teams}

    def rows(table, keys, counts, label, headcount):
        return [
            TrackingRow(
                label=label(key),
                started=disclosure.in_steps(counts.get(key, (0, 0))[0], k),
                submitted=disclosure.in_steps(counts.get(key, (0, 0))[1], k),
                counted=counted[table][key],
                headcount=headcount(key),
            )
            for key in keys
        ]

    return {
        "teams": rows(
            "teams",
            team_keys,
            team_counts,
            lambda key: team_names[key].name if key else "No team chosen yet",
            lambda key: team_names[key].headcount if key else None,
        ),
        "groups": rows(
            "groups",
            group_keys,
            group_counts,
            lambda key: labels.get(key, key) if key else "No group chosen yet",
            lambda key: None,
        ),
        "total": TrackingRow(
            label="Everyone",
            started=disclosure.in_steps(sum(s for s, _ in team_counts.values()), k),
            submitted=disclosure.in_steps(sum(s for _, s in team_counts.values()), k),
            counted=disclosure.Cell(disclosure.SHOWN, counted_total)
            if counted_total
            else disclosure.Cell(disclosure.EMPTY, 0),
        ),
    }


@facilitator_view(methods=("GET", "HEAD"))
def tracking(request: HttpRequest, access: Access, round_id: int) -> HttpResponse:
    """How many started and submitted, per team and per stakeholder group: the same number of
    queries for 1 or 20 teams (two aggregates, whatever the number of responses)."""
    round = round_of(access, round_id)
    collaboration = access.collaboration
    teams = list(
        collaboration.teams.filter(Q(archived_on__isnull=True) | Q(responses__round=round))
        .distinct()
        .order_by("name")
    )
    responses = Response.objects.filter(round=round)
    team_counts = responses.counts_by("team_id")
    group_counts = responses.counts_by("stakeholder_group")
    offered = [code for code, _label in collaboration.offered_group_choices]
    snapshot = RoundSnapshot.objects.filter(round=round).values_list("data", flat=True).first()
    return render(
        request,
        "facilitate/tracking.html",
        {
            "access": access,
            "round": round,
            "tables": tracking_rows(
                round, teams, team_counts, group_counts, offered, snapshot or {}
            ),
            "k": round.min_group_size,
            "invited": IndividualLink.objects.filter(round=round).count(),
        },
    )
