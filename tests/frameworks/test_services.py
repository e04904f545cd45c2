"""Copying a version to a draft, publishing and retiring."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from frameworks.models import FrameworkVersion, Indicator
from frameworks.services import version_copy, version_publish, version_retire

pytestmark = pytest.mark.django_db


def dump(version):
    """Everything a version holds, without ids, so two versions can be compared."""
    result = {
        "bands": (version.strength_min, version.developing_min),
        "themes": list(version.themes.order_by("number").values_list("slug", "number", "name")),
        "characteristics": [],
    }
    for c in version.characteristics.order_by("number"):
        result["characteristics"].append(
            {
                "fields": (
                    c.number,
                    c.slug,
                    c.name,
                    c.short_name,
                    c.definition,
                    c.why_it_matters,
                    c.theme.slug,
                ),
                "indicators": list(
                    c.indicators.order_by("position").values_list(
                        "position", "key", "text", "tip__text"
                    )
                ),
                "examples": list(
                    c.examples.order_by("position").values_list("position", "title", "body")
                ),
                "considerations": sorted(
                    c.consideration_links.values_list("consideration__slug", "reason")
                ),
                "key_steps": sorted(c.key_step_links.values_list("key_step__number", "reason")),
                "weights": sorted(
                    c.value_mode_weights.values_list("value_mode__slug", "weight", "reason")
                ),
                "suggestions": [
                    (
                        s.band,
                        s.position,
                        s.text,
                        sorted(s.considerations.values_list("slug", flat=True)),
                        sorted(s.key_steps.values_list("number", flat=True)),
                        sorted(s.examples.values_list("position", flat=True)),
                    )
                    for s in c.suggestions.order_by("band", "position")
                ],
            }
        )
    return result


def test_copy_yields_an_equal_draft_with_the_next_number(content):
    draft = version_copy(version=content)

    assert draft.status == FrameworkVersion.Status.DRAFT
    assert draft.number == 3
    assert draft.copied_from == content
    assert dump(draft) == dump(content)
    assert dump(draft)["characteristics"][0]["indicators"]


def test_copy_shares_nothing_with_the_original(content):
    draft = version_copy(version=content)
    original_ids = set(
        Indicator.objects.filter(characteristic__version=content).values_list("id", flat=True)
    )
    draft_ids = set(
        Indicator.objects.filter(characteristic__version=draft).values_list("id", flat=True)
    )
    assert original_ids.isdisjoint(draft_ids)


def test_publishing_a_draft_freezes_it(content):
    draft = version_copy(version=content)
    draft.adapted_by = "Northshire ICS"
    draft.save(update_fields=["adapted_by"])
    published = version_publish(version=draft)
    assert published.status == FrameworkVersion.Status.PUBLISHED
    assert published.published_at is not None
    assert published.is_frozen


def test_publishing_twice_is_refused(content):
    with pytest.raises(ValidationError, match="not a draft"):
        version_publish(version=content)


def test_a_draft_without_indicators_cannot_be_published(content):
    draft = version_copy(version=content)
    Indicator.objects.filter(characteristic__version=draft, characteristic__number=8).delete()
    with pytest.raises(ValidationError, match="no indicators"):
        version_publish(version=draft)
    draft.refresh_from_db()
    assert draft.status == FrameworkVersion.Status.DRAFT


def test_retiring_keeps_the_content(content, edition1):
    retired = version_retire(version=edition1)
    assert retired.status == FrameworkVersion.Status.RETIRED
    assert Indicator.objects.filter(characteristic__version=edition1).count() == 26


def test_admin_copy_and_publish_actions(admin_client, content):
    changelist = reverse("admin:frameworks_frameworkversion_changelist")
    response = admin_client.post(
        changelist, {"action": "copy_to_draft", "_selected_action": [content.pk]}, follow=True
    )
    assert response.status_code == 200
    draft = FrameworkVersion.objects.get(framework=content.framework, number=3)
    assert draft.status == "draft"
    assert "Created" in response.content.decode()
    FrameworkVersion.objects.filter(pk=draft.pk).update(adapted_by="Northshire ICS")

    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    draft.refresh_from_db()
    assert draft.status == "published"

    # Publishing it again says why not, rather than failing.
    response = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "not a draft" in response.content.decode()
