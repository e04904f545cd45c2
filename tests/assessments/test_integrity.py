"""Results that no later edit can change: a round's edition and value modes stay as they were."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from assessments.models import IndividualLink, Round, RoundLocked, TeamLink
from assessments.selectors.partner import personal_results
from frameworks.models import ValueMode
from frameworks.services import version_copy, version_publish, version_retire
from tests.assessments.helpers import complete, start

pytestmark = pytest.mark.django_db


def _round_post_data(round, **changes):
    data = {
        "collaboration": round.collaboration_id,
        "framework_version": round.framework_version_id,
        "title": round.title,
        "opens_on": round.opens_on.isoformat(),
        "closes_on": round.closes_on.isoformat(),
        "status": round.status,
        "min_group_size": round.min_group_size,
        "reminder_schedule": round.reminder_schedule,
        "expected_response_rate": round.expected_response_rate,
        "team_links-TOTAL_FORMS": 0,
        "team_links-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_a_round_with_a_response_cannot_change_edition(anon_client, team_link, content, edition1):
    start(anon_client, team_link.token)
    round = Round.objects.get(pk=team_link.round_id)
    round.framework_version = edition1
    with pytest.raises(RoundLocked):
        round.save()
    with pytest.raises(ValidationError, match="already has responses"):
        round.full_clean()
    with pytest.raises(RoundLocked):
        Round.objects.filter(pk=round.pk).update(framework_version=edition1)
    with pytest.raises(RoundLocked):
        round.save_base(raw=True)
    assert Round.objects.get(pk=round.pk).framework_version_id == content.pk


def test_a_round_without_responses_can_still_change_edition(open_round, edition1):
    open_round.framework_version = edition1
    open_round.save()
    assert Round.objects.get(pk=open_round.pk).framework_version_id == edition1.pk


def test_the_admin_shows_a_used_rounds_edition_read_only_and_keeps_it(
    admin_client, anon_client, team_link, content, edition1
):
    start(anon_client, team_link.token)
    round = team_link.round
    url = reverse("admin:assessments_round_change", args=[round.pk])
    page = admin_client.get(url)
    assert "framework_version" not in page.context["adminform"].form.fields
    assert "already has responses" in page.content.decode()
    admin_client.post(url, _round_post_data(round, framework_version=edition1.pk))
    round.refresh_from_db()
    assert round.framework_version_id == content.pk


def test_results_keep_the_value_modes_recorded_when_the_round_opened(
    anon_client, team_link, content
):
    values = {1: "2", 2: "2", 3: "2", 4: "2", 5: "2", 6: "2", 7: "2", 8: "2"}
    response = complete(anon_client, team_link.token, content, values=values)
    collaboration = team_link.round.collaboration
    assert list(team_link.round.value_modes.values_list("slug", flat=True)) == ["shared-delivery"]
    before = [row.characteristic.number for row in personal_results(response).priorities]

    # The facilitator changes why the collaboration exists: past results keep their order.
    collaboration.value_modes.set(ValueMode.objects.filter(slug="shared-voice"))
    response.refresh_from_db()
    after = [row.characteristic.number for row in personal_results(response).priorities]

    assert after == before
    assert anon_client.get(reverse("respond_results")).status_code == 200
    # Worked out again (as for a response stored before results were kept), the round's
    # recorded value modes still order them, not the collaboration's new ones.
    from assessments.selectors.partner import personal_result_data

    response.refresh_from_db()
    assert personal_result_data(response)["priorities"] == before


def test_recorded_value_modes_cannot_change_once_a_response_is_submitted(
    anon_client, team_link, content
):
    complete(anon_client, team_link.token, content)
    round = team_link.round
    # set() and clear() run in their own atomic block: keep the test's transaction usable.
    with pytest.raises(RoundLocked), transaction.atomic():
        round.value_modes.set(ValueMode.objects.filter(slug="shared-voice"))
    with pytest.raises(RoundLocked), transaction.atomic():
        round.value_modes.clear()
    assert list(round.value_modes.values_list("slug", flat=True)) == ["shared-delivery"]


def test_a_round_records_value_modes_when_it_first_opens(collaboration, content):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    round = Round.objects.create(
        collaboration=collaboration,
        framework_version=content,
        title="Later",
        opens_on=today,
        closes_on=today + timedelta(days=5),
    )
    assert round.opened_on is None and not round.value_modes.exists()
    collaboration.value_modes.set(ValueMode.objects.filter(slug="shared-learning"))
    round.status = Round.Status.OPEN
    round.save(update_fields=["status"])
    round.refresh_from_db()
    assert round.opened_on == today
    assert list(round.value_modes.values_list("slug", flat=True)) == ["shared-learning"]


def test_a_round_on_a_retired_version_can_still_be_edited_and_closed(
    admin_client, open_round, content
):
    version_retire(version=content)
    url = reverse("admin:assessments_round_change", args=[open_round.pk])
    response = admin_client.post(url, _round_post_data(open_round, status="closed"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    open_round.refresh_from_db()
    assert open_round.status == "closed" and open_round.framework_version_id == content.pk


def test_a_new_round_still_needs_a_published_version(admin_client, collaboration, content):
    draft = version_copy(version=content)
    adapted = version_copy(version=content)
    adapted.adapted_by = "Northshire ICS"  # a local adaptation is published once it says whose
    adapted.save(update_fields=["adapted_by"])
    retired = version_publish(version=adapted)
    version_retire(version=retired)
    for version in (draft, retired):
        response = admin_client.post(
            reverse("admin:assessments_round_add"),
            _round_post_data(
                Round(
                    collaboration=collaboration,
                    framework_version=version,
                    title="New",
                    opens_on=content.published_at.date(),
                    closes_on=content.published_at.date(),
                    status="draft",
                )
            ),
        )
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Round.objects.filter(title="New").exists()


def test_a_collaboration_on_a_retired_version_can_still_be_edited(
    admin_client, collaboration, olive
):
    from tests.admin_forms import form_data

    version = collaboration.framework_version
    version_retire(version=version)
    url = reverse("admin:assessments_collaboration_change", args=[collaboration.pk])
    data = form_data(admin_client.get(url).content.decode(), "collaboration_form")
    data["name"] = ["Renamed network"]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    collaboration.refresh_from_db()
    assert collaboration.name == "Renamed network"
    assert collaboration.framework_version == version


def test_a_personal_link_cannot_carry_another_collaborations_team(
    admin_client, open_round, other_collaboration_round
):
    foreign = other_collaboration_round.collaboration.teams.get()
    with pytest.raises(ValidationError, match="collaboration"):
        IndividualLink.issue(round=open_round, team=foreign)
    with pytest.raises(ValidationError, match="collaboration"):
        IndividualLink(round=open_round, team=foreign, token_digest="x" * 64).full_clean()
    response = admin_client.post(
        reverse("admin:assessments_individuallink_add"),
        {"round": open_round.pk, "team": foreign.pk, "email": "sam@example.org"},
    )
    assert response.status_code == 200
    assert "must belong to the round" in response.content.decode()
    assert not IndividualLink.objects.exists()


def test_admin_actions_need_the_change_permission(django_user_model, open_round):
    """A staff user who may only view rounds sees and runs no action."""
    viewer = django_user_model.objects.create_user("vic", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_round"))
    client = Client()
    client.force_login(viewer)
    changelist = reverse("admin:assessments_round_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(
        changelist, {"action": "create_team_links", "_selected_action": [open_round.pk]}
    )
    assert response.status_code in (200, 302)
    assert not TeamLink.objects.filter(round=open_round).exists()


def test_no_admin_action_is_offered_without_the_change_permission(django_user_model, rf):
    """A staff user who may view and add everything, but change nothing, gets no action at all."""
    from django.contrib import admin

    user = django_user_model.objects.create_user("val", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__regex=r"^(view|add)_"))
    request = rf.get("/admin/")
    request.user = user
    offered = {
        f"{model.__name__}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
    }
    assert offered == set()
    # And the same user with the change permissions sees them: the check is not vacuous.
    user.user_permissions.add(*Permission.objects.filter(codename__startswith="change_"))
    user = django_user_model.objects.get(pk=user.pk)
    request.user = user
    offered = {
        name
        for model_admin in admin.site._registry.values()
        for name in model_admin.get_actions(request)
    }
    assert {"create_team_links", "copy_to_draft", "publish", "retire"} <= offered
