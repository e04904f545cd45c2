"""Collaborations, rounds and links are set up in the admin; responses are not browsable."""

import pytest
from django.contrib import admin
from django.urls import reverse

from assessments.models import Answer, IndividualLink, Response, TeamLink

pytestmark = pytest.mark.django_db


def test_responses_and_answers_are_not_in_the_admin():
    assert Response not in admin.site._registry
    assert Answer not in admin.site._registry


def test_create_team_links_action(admin_client, open_round):
    response = admin_client.post(
        reverse("admin:assessments_round_changelist"),
        {"action": "create_team_links", "_selected_action": [open_round.pk]},
        follow=True,
    )
    assert "Created 3 team link(s)." in response.content.decode()
    assert TeamLink.objects.filter(round=open_round).count() == 3
    admin_client.post(
        reverse("admin:assessments_round_changelist"),
        {"action": "create_team_links", "_selected_action": [open_round.pk]},
    )
    assert TeamLink.objects.filter(round=open_round).count() == 3


def test_adding_an_individual_link_shows_its_url_once(admin_client, open_round):
    response = admin_client.post(
        reverse("admin:assessments_individuallink_add"),
        {"round": open_round.pk, "team": "", "email": "sam@example.org"},
        follow=True,
    )
    html = response.content.decode()
    assert "Personal link (shown only now" in html
    link = IndividualLink.objects.get()
    token = html.split("/i/")[1].split("/")[0]
    assert len(token) >= 22
    from assessments.models import token_digest

    assert link.token_digest == token_digest(token)


def test_a_round_cannot_use_a_draft_framework_version_in_the_admin(
    admin_client, collaboration, content
):
    from frameworks.services import version_copy

    draft = version_copy(version=content)
    response = admin_client.post(
        reverse("admin:assessments_round_add"),
        {
            "collaboration": collaboration.pk,
            "framework_version": draft.pk,
            "title": "R",
            "opens_on": "2026-01-01",
            "closes_on": "2026-02-01",
            "status": "open",
            "min_group_size": 5,
            "team_links-TOTAL_FORMS": 0,
            "team_links-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = admin_client.post(
        reverse("admin:assessments_round_add"),
        {
            "collaboration": collaboration.pk,
            "framework_version": content.pk,
            "title": "R",
            "opens_on": "2026-01-01",
            "closes_on": "2026-02-01",
            "status": "open",
            "min_group_size": 2,
            "team_links-TOTAL_FORMS": 0,
            "team_links-INITIAL_FORMS": 0,
        },
    )
    assert "at least 3" in response.content.decode()
