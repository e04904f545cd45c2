"""Facilitators keep a collaboration's teams: add one (it gets a link in every round that is not
closed), rename it, archive it with its history, restore it. Each view opens with its access
check (``facilitator_view``)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments.access import Access, facilitator_view, posted, team_of
from assessments.forms.facilitate import TeamForm
from assessments.models import Role
from assessments.services import facilitate as services


@facilitator_view()
def teams(request: HttpRequest, access: Access) -> HttpResponse:
    collaboration = access.collaboration
    form = TeamForm(posted(request), collaboration=collaboration)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            team = form.save()
            services.team_links_create_for_team(team=team)
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
    if action == "archive":
        services.team_archive(team=team)
        messages.success(request, f"{team.name} is archived: its history stays.")
        return redirect("facilitate_teams", access.collaboration.pk)
    if action == "restore":
        services.team_restore(team=team)
        messages.success(request, f"{team.name} is back in the collaboration.")
        return redirect("facilitate_teams", access.collaboration.pk)
    form = TeamForm(posted(request), instance=team, collaboration=access.collaboration)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("facilitate_teams", access.collaboration.pk)
    return render(
        request,
        "facilitate/team_form.html",
        {"access": access, "form": form, "team": team},
        status=400 if form.errors else 200,
    )
