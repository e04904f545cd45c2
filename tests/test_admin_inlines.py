"""Deleting a row through any inline of any admin screen works and is recorded.

Deleting an inline row in the content admin was a 500 that deleted nothing: the history writer
was handed objects whose pk Django had already cleared.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from assessments.models import TeamLink
from frameworks.models import ContentChange, Theme
from frameworks.services import version_copy
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


def _objects_with_inlines(content, collaboration, open_round, owners):
    """An editable object (drafts, for frozen content) for every admin screen with inlines."""
    from assessments.models import OfferedGroup

    draft = version_copy(version=content)
    OfferedGroup.objects.create(collaboration=collaboration, group="carer")
    # A theme with no characteristics (a theme with some is protected, and says so).
    Theme.objects.create(version=draft, slug="spare", number=9, name="Spare")
    TeamLink.objects.create(round=open_round, team=collaboration.teams.first())
    return {
        "frameworks.frameworkversion": draft,
        "frameworks.characteristic": draft.characteristics.get(number=1),
        "assessments.collaboration": collaboration,
        "assessments.round": open_round,
    }


def test_every_inline_with_rows_can_delete_one(
    admin_client, content, collaboration, open_round, olive, django_user_model
):
    # Two owners: deleting a membership row leaves one (a collaboration always keeps an owner).
    from tests.conftest import _member

    second_owner = _member(django_user_model, "otto", collaboration, "owner")
    objects = _objects_with_inlines(content, collaboration, open_round, [olive, second_owner])
    tried = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.inlines:
            continue
        obj = objects[model._meta.label_lower]
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        page = admin_client.get(url)
        assert page.status_code == 200, url
        for formset in page.context["inline_admin_formsets"]:
            inline = formset.formset
            if not inline.can_delete or not inline.initial_forms:
                continue
            prefix = inline.prefix
            row_model = inline.model
            target = inline.initial_forms[-1].instance
            data = form_data(page.content.decode(), f"{model._meta.model_name}_form")
            index = len(inline.initial_forms) - 1
            data[f"{prefix}-{index}-DELETE"] = ["on"]

            response = admin_client.post(url, data)

            assert response.status_code == 302, (
                prefix,
                response.context and [f.errors for f in response.context["inline_admin_formsets"]],
            )
            assert not row_model._base_manager.filter(pk=target.pk).exists(), prefix
            tried.append(row_model._meta.label_lower)
            if model._meta.app_label == "frameworks":
                assert ContentChange.objects.filter(
                    model=row_model._meta.label_lower, object_id=target.pk, field="(deleted)"
                ).exists(), prefix
            page = admin_client.get(url)
    assert set(tried) >= {
        "frameworks.theme",
        "frameworks.indicator",
        "frameworks.example",
        "frameworks.characteristicconsideration",
        "frameworks.characteristickeystep",
        "frameworks.valuemodeweight",
        "frameworks.suggestion",
        "assessments.team",
        "assessments.teamlink",
        "assessments.membership",
        "assessments.offeredgroup",
    }, tried
