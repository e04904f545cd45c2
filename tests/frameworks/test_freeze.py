"""A published version is frozen: save(), delete(), bulk writes and admin POSTs all refuse."""

from decimal import Decimal

import pytest
from django.urls import reverse

from frameworks.models import (
    Characteristic,
    ContentChange,
    Example,
    FrameworkVersion,
    FrozenContentError,
    Indicator,
    Theme,
)
from frameworks.services import version_copy

pytestmark = pytest.mark.django_db


def _snapshot(version):
    return (
        list(
            version.characteristics.order_by("number").values_list(
                "name", "definition", "short_name"
            )
        ),
        list(
            Indicator.objects.filter(characteristic__version=version)
            .order_by("characteristic__number", "position")
            .values_list("key", "text", "position")
        ),
        FrameworkVersion.objects.filter(pk=version.pk)
        .values_list("strength_min", "developing_min")
        .get(),
    )


def test_changing_an_indicator_of_a_published_version_is_refused(content):
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    original = indicator.text
    indicator.text = "Something else entirely"
    with pytest.raises(FrozenContentError, match="frozen"):
        indicator.save()
    indicator.refresh_from_db()
    assert indicator.text == original


def test_the_plain_english_line_freezes_with_the_wording_it_explains(content):
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    original = indicator.plain_english
    assert original  # every indicator has one (fixtures/02_eight_characteristics.json)
    indicator.plain_english = "A different explanation"
    with pytest.raises(FrozenContentError, match="frozen"):
        indicator.save()
    with pytest.raises(FrozenContentError):
        Indicator.objects.filter(pk=indicator.pk).update(plain_english="Changed in bulk")
    indicator.refresh_from_db()
    assert indicator.plain_english == original
    draft = version_copy(version=content)
    copied = Indicator.objects.get(
        characteristic__version=draft,
        key=indicator.key,
        characteristic__number=indicator.characteristic.number,
    )
    copied.plain_english = "Reworded in the next edition's draft"
    copied.save()  # drafts are edited freely


def test_reordering_indicators_of_a_published_version_is_refused(content):
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    indicator.position = 99
    with pytest.raises(FrozenContentError):
        indicator.save()


def test_renaming_a_characteristic_of_a_published_version_is_refused(content):
    characteristic = content.characteristics.get(number=1)
    characteristic.name = "Renamed"
    with pytest.raises(FrozenContentError):
        characteristic.save()
    assert content.characteristics.get(number=1).name == "Purpose with values"


def test_changing_the_bands_of_a_published_version_is_refused(content):
    content.strength_min = Decimal("3.50")
    with pytest.raises(FrozenContentError):
        content.save()
    content.refresh_from_db()
    assert content.strength_min == Decimal("4.00")


def test_a_published_version_cannot_go_back_to_draft(content):
    content.status = FrameworkVersion.Status.DRAFT
    with pytest.raises(FrozenContentError):
        content.save()


def test_adding_an_indicator_to_a_published_version_is_refused(content):
    characteristic = content.characteristics.get(number=1)
    with pytest.raises(FrozenContentError):
        Indicator.objects.create(characteristic=characteristic, position=9, key="new", text="New")
    assert characteristic.indicators.count() == 4


def test_deleting_frozen_content_is_refused(content):
    before = _snapshot(content)
    with pytest.raises(FrozenContentError):
        Indicator.objects.filter(characteristic__version=content).first().delete()
    with pytest.raises(FrozenContentError):
        content.characteristics.get(number=2).delete()
    with pytest.raises(FrozenContentError):
        content.delete()
    with pytest.raises(FrozenContentError):
        Indicator.objects.filter(characteristic__version=content).delete()
    with pytest.raises(FrozenContentError):
        FrameworkVersion.objects.filter(pk=content.pk).delete()
    with pytest.raises(FrozenContentError):
        Theme.objects.filter(version=content).delete()
    assert _snapshot(content) == before


def test_bulk_update_of_frozen_fields_is_refused(content):
    with pytest.raises(FrozenContentError):
        Indicator.objects.filter(characteristic__version=content).update(text="x")
    with pytest.raises(FrozenContentError):
        FrameworkVersion.objects.filter(pk=content.pk).update(strength_min=Decimal("3.5"))


def test_narrative_fields_stay_editable_after_publishing(content):
    characteristic = content.characteristics.get(number=4)
    characteristic.why_it_matters = "A new point."
    characteristic.save()
    example = Example.objects.filter(characteristic=characteristic).first()
    example.body = "Updated story."
    example.save()
    Example.objects.create(characteristic=characteristic, position=9, title="New", body="Body")
    assert characteristic.examples.count() == 3


def test_drafts_are_edited_freely(content):
    draft = version_copy(version=content)
    indicator = Indicator.objects.filter(characteristic__version=draft).first()
    indicator.text = "Reworded in the draft"
    indicator.save()
    indicator.delete()
    draft.strength_min = Decimal("4.20")
    draft.save()
    assert Indicator.objects.filter(characteristic__version=draft).count() == 32
    # The published original is untouched.
    assert Indicator.objects.filter(characteristic__version=content).count() == 33


# --- Through the admin ------------------------------------------------------------------------


def _characteristic_post_data(client, characteristic):
    """The admin change form's own data, as the browser would post it back."""
    url = reverse("admin:frameworks_characteristic_change", args=[characteristic.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = value.pk if hasattr(value, "pk") else ("" if value is None else value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for inline_form in formset.formset.forms:
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if isinstance(value, list):
                    value = [getattr(v, "pk", v) for v in value]
                data[f"{inline_form.prefix}-{name}"] = (
                    value.pk if hasattr(value, "pk") else ("" if value is None else value)
                )
    return url, response, data


def test_admin_shows_frozen_fields_read_only_with_a_message(admin_client, content):
    characteristic = content.characteristics.get(number=1)
    url, response, _ = _characteristic_post_data(admin_client, characteristic)
    form = response.context["adminform"].form
    assert "name" not in form.fields and "definition" not in form.fields
    assert "why_it_matters" in form.fields
    assert "frozen" in response.content.decode()


def test_admin_post_cannot_change_frozen_content(admin_client, content):
    characteristic = content.characteristics.get(number=1)
    before = _snapshot(content)
    url, _, data = _characteristic_post_data(admin_client, characteristic)
    # A tampered post: frozen fields, an indicator's text and a new indicator row.
    data.update({"name": "Hacked", "definition": "Hacked", "short_name": "Hacked"})
    first = Indicator.objects.filter(characteristic=characteristic).order_by("position").first()
    data.update({"indicators-0-text": "Hacked", "indicators-0-id": first.pk})
    data["indicators-TOTAL_FORMS"] = int(data["indicators-TOTAL_FORMS"]) + 1
    new = int(data["indicators-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"indicators-{new}-position": 9,
            f"indicators-{new}-key": "x",
            f"indicators-{new}-text": "X",
        }
    )
    data["why_it_matters"] = "Still editable."

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert _snapshot(content) == before
    characteristic.refresh_from_db()
    assert characteristic.why_it_matters == "Still editable."


def test_admin_refuses_to_delete_a_published_version_or_its_characteristics(admin_client, content):
    characteristic = content.characteristics.get(number=1)
    response = admin_client.post(
        reverse("admin:frameworks_characteristic_delete", args=[characteristic.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = admin_client.post(
        reverse("admin:frameworks_frameworkversion_delete", args=[content.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Characteristic.objects.filter(pk=characteristic.pk).exists()
    assert FrameworkVersion.objects.filter(pk=content.pk).exists()


def test_admin_post_cannot_change_the_bands_of_a_published_version(admin_client, content):
    url = reverse("admin:frameworks_frameworkversion_change", args=[content.pk])
    response = admin_client.get(url)
    assert "strength_min" not in response.context["adminform"].form.fields
    data = {
        "title": content.title,
        "source": content.source_id,
        "introduction": content.introduction,
        "example_heading": content.example_heading,
        "strength_min": "2.50",
        "developing_min": "2.00",
        "themes-TOTAL_FORMS": 0,
        "themes-INITIAL_FORMS": 0,
        "characteristics-TOTAL_FORMS": 0,
        "characteristics-INITIAL_FORMS": 0,
    }
    admin_client.post(url, data)
    content.refresh_from_db()
    assert (content.strength_min, content.developing_min) == (Decimal("4.00"), Decimal("3.00"))


def test_the_admin_form_says_why_scored_content_cannot_join_a_published_version(
    admin_client, content
):
    published = content.characteristics.get(number=1)
    data = {"characteristic": published.pk, "position": 9, "key": "new", "text": "New"}
    response = admin_client.post(reverse("admin:frameworks_indicator_add"), data)
    assert response.status_code == 200
    assert "cannot be added to a published framework version" in response.content.decode()

    indicator = Indicator.objects.filter(characteristic__version=version_copy(version=content))[0]
    url = reverse("admin:frameworks_indicator_change", args=[indicator.pk])
    data.update(position=indicator.position, key=indicator.key, text=indicator.text)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "is frozen" in response.content.decode()
    assert published.indicators.count() == 4


def test_admin_edit_of_narrative_content_is_recorded_in_the_history(admin_client, ada, content):
    characteristic = content.characteristics.get(number=2)
    url, _, data = _characteristic_post_data(admin_client, characteristic)
    data["why_it_matters"] = "Commitment is visible in decisions."

    response = admin_client.post(url, data)

    assert response.status_code == 302
    change = ContentChange.objects.get(
        model="frameworks.characteristic", object_id=characteristic.pk
    )
    assert change.user == ada
    assert change.field == "why_it_matters"
    assert change.new_value == "Commitment is visible in decisions."
    assert "Collaboration can't run on goodwill alone" in change.old_value
    history = admin_client.get(reverse("admin:frameworks_contentchange_changelist"))
    assert "Commitment is visible in decisions." in history.content.decode()


def test_admin_change_to_a_suggestions_links_is_recorded(admin_client, ada, content):
    from frameworks.models import Consideration, Suggestion

    suggestion = Suggestion.objects.filter(characteristic__version=content).first()
    url = reverse("admin:frameworks_suggestion_change", args=[suggestion.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["characteristic"] = suggestion.characteristic_id
    data["examples"] = list(suggestion.examples.values_list("pk", flat=True))
    data["key_steps"] = list(suggestion.key_steps.values_list("pk", flat=True))
    new = Consideration.objects.exclude(pk__in=suggestion.considerations.all()).first()
    data["considerations"] = [new.pk]
    data["text"] = suggestion.text + " Start this month."

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    changes = ContentChange.objects.filter(model="frameworks.suggestion", object_id=suggestion.pk)
    assert set(changes.values_list("field", flat=True)) == {"text", "considerations"}
    assert changes.get(field="considerations").new_value == str(new.pk)
    assert all(change.user == ada for change in changes)
