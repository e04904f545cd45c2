"""An edition made in the admin is a local adaptation: labelled as adapted (by whom, from which of
the publisher's editions), never credited to the publisher as theirs, and shown on the public
framework page only when an admin chooses it.

The issue: a locally edited framework was published as the publisher's "Edition 3" and the
public framework page then showed it by default.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from frameworks.content import ContentLoadError, content_load
from frameworks.models import FrameworkVersion, FrozenContentError
from frameworks.services import (
    version_copy,
    version_publish,
    version_retire,
    version_show_publicly,
)
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

PUBLISHER = FrameworkVersion.Provenance.PUBLISHER
LOCAL = FrameworkVersion.Provenance.LOCAL
CHANGELIST = "admin:frameworks_frameworkversion_changelist"


def local_edition(content, *, by="Northshire ICS", publish=True) -> FrameworkVersion:
    draft = version_copy(version=content)
    draft.adapted_by = by
    draft.save(update_fields=["adapted_by"])
    return version_publish(version=draft) if publish else draft


def act(client, action, *versions):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [v.pk for v in versions]},
        follow=True,
    )


# --- The model -------------------------------------------------------------------------------


def test_the_fixtures_editions_are_the_publishers_and_credited_to_it(content, edition1):
    for version in (edition1, content):
        assert version.provenance == PUBLISHER
        assert version.adapted_from is None and version.adapted_by == ""
    assert content.edition_label == "Edition 2"
    assert content.credit == "Edition 2 (Kaleidoscope Health & Care, 2025)"
    assert edition1.credit == "Edition 1 (Kaleidoscope Health & Care, 2024)"


def test_a_copy_is_adapted_locally_and_never_called_the_publishers_edition_3(content, ada):
    draft = version_copy(version=content, adapted_by_user=ada)

    assert draft.number == 3
    assert draft.provenance == LOCAL
    assert draft.adapted_from == content
    assert draft.adapted_by_user == ada
    assert draft.edition_label == "Local adaptation no. 3 of Edition 2"
    draft.adapted_by = "Northshire ICS"
    assert draft.credit == (
        "Adapted locally by Northshire ICS from Kaleidoscope Health & Care’s Edition 2"
    )
    for text in (draft.edition_label, draft.credit, str(draft)):
        assert "Edition 3" not in text and "edition 3" not in text


def test_a_copy_of_a_local_adaptation_is_adapted_from_the_publishers_edition(content):
    first = local_edition(content)
    second = version_copy(version=first)
    assert second.provenance == LOCAL
    assert second.copied_from == first
    assert second.adapted_from == content  # the publisher's original, credited for it
    assert second.adapted_by == "Northshire ICS"
    assert second.edition_label == "Local adaptation no. 4 of Edition 2"


def test_a_local_adaptation_is_published_only_once_it_names_who_adapted_it(content):
    draft = local_edition(content, by="  ", publish=False)
    with pytest.raises(ValidationError, match="which organisation adapted it"):
        version_publish(version=draft)
    draft.refresh_from_db()
    assert draft.status == FrameworkVersion.Status.DRAFT


def test_the_database_refuses_a_publisher_edition_that_names_an_adapter(content):
    draft = local_edition(content, publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersion.objects.filter(pk=draft.pk).update(provenance=PUBLISHER)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersion.objects.filter(pk=draft.pk).update(provenance="other")


def test_whose_a_published_edition_is_is_frozen(content):
    content.provenance = LOCAL
    with pytest.raises(FrozenContentError):
        content.save()
    local = local_edition(content)
    with pytest.raises(FrozenContentError):
        FrameworkVersion.objects.filter(pk=local.pk).update(provenance=PUBLISHER)


def test_one_edition_per_framework_is_chosen_for_the_public_page(content, edition1):
    FrameworkVersion.objects.filter(pk=content.pk).update(show_on_framework_page=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersion.objects.filter(pk=edition1.pk).update(show_on_framework_page=True)

    # The service moves the choice in one transaction.
    local = local_edition(content)
    version_show_publicly(version=local)
    shown = FrameworkVersion.objects.filter(show_on_framework_page=True)
    assert list(shown) == [local]


def test_only_a_published_edition_can_be_chosen_for_the_public_page(content):
    draft = local_edition(content, publish=False)
    with pytest.raises(ValidationError, match="not published"):
        version_show_publicly(version=draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkVersion.objects.filter(pk=draft.pk).update(show_on_framework_page=True)


def test_retiring_the_chosen_edition_gives_the_page_back_to_the_publishers(content, anon_client):
    local = version_show_publicly(version=local_edition(content))
    version_retire(version=local)
    local.refresh_from_db()
    assert not local.show_on_framework_page
    assert "<strong>Edition 2</strong> (shown)" in anon_client.get(reverse("framework")).text


# --- Loading the fixtures ---------------------------------------------------------------------


def test_loading_again_keeps_the_publishers_editions_and_local_adaptations_as_they_are(content):
    local = local_edition(content)
    report = content_load()
    assert report.created == 0
    assert set(FrameworkVersion.objects.values_list("number", "provenance")) == {
        (1, PUBLISHER),
        (2, PUBLISHER),
        (3, LOCAL),
    }
    local.refresh_from_db()
    assert local.adapted_from == content


def test_a_publisher_edition_is_never_loaded_into_a_local_adaptation_of_its_number(
    tmp_path, content
):
    local_edition(content, publish=False)  # number 3, a draft
    fixture = tmp_path / "99_edition_3.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "frameworks.frameworkversion",
                    "fields": {
                        "framework": ["eight-characteristics"],
                        "number": 3,
                        "title": "Third edition",
                        "source": ["kaleidoscope-eight-characteristics-2"],
                        "status": "published",
                        "published_at": "2027-01-01T00:00:00Z",
                    },
                }
            ]
        )
    )
    with pytest.raises(ContentLoadError, match="local adaptation"):
        content_load(fixtures=[fixture])
    assert FrameworkVersion.objects.get(number=3).provenance == LOCAL


def test_a_new_publisher_edition_from_a_fixture_is_the_publishers(tmp_path, content):
    fixture = tmp_path / "99_edition_3.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "frameworks.frameworkversion",
                    "fields": {
                        "framework": ["eight-characteristics"],
                        "number": 3,
                        "title": "Third edition",
                        "source": ["kaleidoscope-eight-characteristics-2"],
                        "status": "draft",
                    },
                }
            ]
        )
    )
    content_load(fixtures=[fixture])
    assert FrameworkVersion.objects.get(number=3).provenance == PUBLISHER


# --- Through the admin, and what the public page shows ----------------------------------------


def copy_and_publish_in_the_admin(admin_client, content) -> FrameworkVersion:
    """Copy edition 2, say who adapted it in its change form, publish: as an admin would."""
    response = act(admin_client, "copy_to_draft", content)
    assert "It is adapted locally" in response.text
    draft = FrameworkVersion.objects.get(framework=content.framework, number=3)

    url = reverse("admin:frameworks_frameworkversion_change", args=[draft.pk])
    page = admin_client.get(url)
    data = form_data(page.text, "frameworkversion_form")
    assert "provenance" not in data and "show_on_framework_page" not in data  # read-only
    refused = act(admin_client, "publish", draft)
    assert "which organisation adapted it" in refused.text
    data["adapted_by"] = ["Northshire ICS"]
    data["provenance"] = [PUBLISHER]  # a forged field: read-only, so ignored
    data["_save"] = ["Save"]
    assert admin_client.post(url, data).status_code == 302

    act(admin_client, "publish", draft)
    draft.refresh_from_db()
    assert draft.status == FrameworkVersion.Status.PUBLISHED
    assert draft.provenance == LOCAL and draft.adapted_by == "Northshire ICS"
    return draft


def test_publishing_a_local_edition_leaves_the_publishers_on_the_framework_page(
    admin_client, anon_client, content
):
    local = copy_and_publish_in_the_admin(admin_client, content)
    html = anon_client.get(reverse("framework")).text

    assert "<strong>Edition 2</strong> (shown)" in html
    assert "Edition 2: <cite>" in html
    # The local adaptation is listed under its own label, never as "Edition 3".
    assert "Local adaptation no. 3 of Edition 2" in html
    assert "Edition 3" not in html
    assert local.show_on_framework_page is False


def test_an_admin_can_choose_the_local_edition_and_go_back(admin_client, anon_client, content):
    local = copy_and_publish_in_the_admin(admin_client, content)
    act(admin_client, "show_publicly", local)
    html = anon_client.get(reverse("framework")).text

    assert "<strong>Local adaptation no. 3 of Edition 2</strong> (shown)" in html
    credit = "Adapted locally by Northshire ICS from Kaleidoscope Health &amp; Care’s Edition 2"
    assert credit in html
    assert "the changes are Northshire ICS’s, not Kaleidoscope Health &amp; Care’s" in html
    assert "Kaleidoscope Health &amp; Care is credited for the original only" in html
    assert "adapted locally, not Kaleidoscope Health &amp; Care’s own edition" in html
    assert "Edition 3" not in html
    # The other publishers' credits are theirs as before.
    assert "Source: THIS Institute, <cite>" in html
    assert "Source: NHS Professionals, <cite>" in html

    act(admin_client, "show_default", local)
    html = anon_client.get(reverse("framework")).text
    assert "<strong>Edition 2</strong> (shown)" in html


def test_the_public_page_choice_is_made_for_one_published_edition_and_says_why_not(
    admin_client, content, edition1
):
    draft = local_edition(content, publish=False)
    response = act(admin_client, "show_publicly", draft)
    assert response.status_code == 200
    assert "not published" in response.text
    response = act(admin_client, "show_publicly", content, edition1)
    assert "Choose one edition" in response.text
    assert not FrameworkVersion.objects.filter(show_on_framework_page=True).exists()


def test_a_local_edition_s_own_page_credits_it_as_adapted(anon_client, content):
    local_edition(content)
    url = reverse("framework_edition", args=["eight-characteristics", 3])
    html = anon_client.get(url).text
    assert "<title>Eight characteristics of effective collaborations, Local adaptation no. 3" in (
        html
    )
    assert "Adapted locally by Northshire ICS from Kaleidoscope Health &amp; Care’s Edition 2" in (
        html
    )
    assert "Edition 3" not in html


# --- Admin lists --------------------------------------------------------------------------------

CONTENT_LISTS = {
    "characteristic": 8,
    "indicator": 33,
    "indicatortip": 33,
    "suggestion": None,
    "example": 15,
}


@pytest.mark.parametrize("model", list(CONTENT_LISTS))
def test_every_content_list_says_and_filters_by_edition(admin_client, content, model):
    local = local_edition(content)
    url = reverse(f"admin:frameworks_{model}_changelist")
    page = admin_client.get(url, {"edition": local.pk, "all": ""})
    assert page.status_code == 200
    changelist = page.context["cl"]
    rows = list(changelist.result_list)
    assert rows
    label = "Local adaptation no. 3 of Edition 2"
    assert "Edition" in [str(h["text"]) for h in page.context["result_headers"]]
    assert page.text.count(f'<td class="field-edition">{label}</td>') == len(rows)
    if CONTENT_LISTS[model] is not None:
        assert changelist.result_count == CONTENT_LISTS[model]
    # The filter's choices name each edition as it is credited.
    assert f"Eight characteristics of effective collaborations, {label} (published)" in page.text
    # A filter value that is not an edition shows nothing rather than failing.
    assert admin_client.get(url, {"edition": "x"}).context["cl"].result_count == 0


@pytest.mark.parametrize("model", [*CONTENT_LISTS, "frameworkversion"])
def test_admin_lists_cost_the_same_queries_however_many_local_editions(
    admin_client, content, model, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"admin:frameworks_{model}_changelist")
    admin_client.get(url)  # session and permissions warm
    with CaptureQueriesContext(connection) as before:
        admin_client.get(url)
    for _ in range(3):
        local_edition(content)
    with django_assert_num_queries(len(before.captured_queries)):
        page = admin_client.get(url)
    assert "Local adaptation no. 5 of Edition 2" in page.text


# --- Migration 0004 ----------------------------------------------------------------------------


def _migrate(targets):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_0004_labels_the_fixtures_editions_the_publishers_and_the_rest_local(
    content, ada
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    apps = _migrate([("frameworks", "0003_content_fixes")])
    try:
        Version = apps.get_model("frameworks", "FrameworkVersion")
        two = Version.objects.get(pk=content.pk)
        common = {"framework_id": two.framework_id, "source_id": two.source_id, "title": "T"}
        # Published in the admin as if it were the publisher's edition 3: the issue.
        copy = Version.objects.create(
            **common, number=3, status="published", published_at=timezone.now(), copied_from=two
        )
        copy_of_copy = Version.objects.create(**common, number=4, copied_from=copy)
        added = Version.objects.create(**common, number=5)  # added in the admin from nothing
        apps.get_model("frameworks", "ContentChange").objects.create(
            model="frameworks.frameworkversion",
            object_id=copy.pk,
            object_repr="copy",
            field="(created)",
            user_id=ada.pk,
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    versions = {v.number: v for v in FrameworkVersion.objects.all()}
    assert versions[1].provenance == versions[2].provenance == PUBLISHER
    assert versions[3].provenance == LOCAL
    assert versions[3].adapted_from_id == content.pk
    assert versions[3].adapted_by_user_id == ada.pk
    assert versions[4].provenance == LOCAL and versions[4].adapted_from_id == content.pk
    assert versions[4].pk == copy_of_copy.pk and versions[4].adapted_by_user_id is None
    assert versions[5].pk == added.pk and versions[5].provenance == LOCAL
    assert versions[5].adapted_from_id is None
    assert not any(v.show_on_framework_page for v in versions.values())
    assert FrameworkVersion.objects.current_for("eight-characteristics") == versions[2]


# --- Credits beyond the framework page -----------------------------------------------------------

ADAPTED = "adapted locally by Northshire ICS from Kaleidoscope Health &amp; Care’s Edition 2"


@pytest.fixture
def reports_html(monkeypatch):
    """The HTML each PDF view hands to WeasyPrint."""
    from assessments import reports

    seen: list[str] = []
    real = reports.render_pdf

    def spy(html, base_url):
        seen.append(html)
        return real(html, base_url)

    monkeypatch.setattr(reports, "render_pdf", spy)
    return seen


def test_partners_facilitators_and_reports_credit_a_local_edition_as_adapted(
    anon_client, content, django_user_model, reports_html
):
    from assessments.models import Membership
    from tests.assessments.helpers import complete, open_round_link
    from tests.conftest import signed_in

    local = local_edition(content)
    link = open_round_link(local, name="Northshire")
    round = link.round

    # The partner's landing page, and their own report.
    landing = anon_client.get(reverse("invitation", args=[link.token]), follow=True)
    assert f"({ADAPTED})" in landing.text
    complete(anon_client, link.token, local)
    results = anon_client.get(reverse("respond_results"))
    assert f"({ADAPTED})" in results.text and "(edition 3)" not in results.text
    assert anon_client.get(reverse("respond_results_pdf")).status_code == 200
    personal = reports_html.pop()
    assert f"({ADAPTED})" in personal
    assert "credited to their publishers, for the original only" in personal

    # The facilitator's round and collaboration pages, and the round's report.
    fred = django_user_model.objects.create_user("fred", "fred@example.org", "pw-fred-123")
    Membership.objects.create(user=fred, collaboration=round.collaboration, role="facilitator")
    client = signed_in(fred)
    pages = [
        client.get(reverse("facilitate_round", args=[round.collaboration_id, round.pk])),
        client.get(reverse("facilitate_collaboration", args=[round.collaboration_id])),
    ]
    for page in pages:
        assert f"Local adaptation no. 3 of Edition 2 ({ADAPTED})" in page.text
    characteristic = client.get(
        reverse("results_characteristic", args=[round.collaboration_id, round.pk, 1])
    )
    assert (
        "adapted locally, not Kaleidoscope Health &amp; Care’s own edition" in characteristic.text
    )
    pages.append(characteristic)
    # Choosing the edition of a new round.
    new_round = client.get(reverse("facilitate_round_new", args=[round.collaboration_id]))
    assert f"Local adaptation no. 3 of Edition 2 ({ADAPTED})" in new_round.text
    assert "effective collaborations, edition 2</" in new_round.text
    pages.append(new_round)
    assert client.get(reverse("results_pdf", args=[round.collaboration_id, round.pk]))
    report = reports_html.pop()
    assert f"Local adaptation no. 3 of Edition 2 ({ADAPTED})" in report
    assert "the changes are not Kaleidoscope Health &amp; Care’s" in report
    for html in (landing.text, personal, report, *(page.text for page in pages)):
        assert "dition 3" not in html


def test_the_publishers_edition_is_credited_as_before(anon_client, open_round, team_link):
    landing = anon_client.get(reverse("invitation", args=[team_link.token]), follow=True)
    assert "(edition 2)" in landing.text
    assert "adapted locally" not in landing.text


def test_the_sources_page_credits_local_adaptations_to_whoever_adapted_them(anon_client, content):
    url = reverse("sources")
    assert "Adapted locally on this site" not in anon_client.get(url).text
    local_edition(content, publish=False)
    assert "Adapted locally on this site" not in anon_client.get(url).text  # drafts are not public
    version_publish(version=FrameworkVersion.objects.get(number=3))
    html = anon_client.get(url).text
    assert "Adapted locally on this site" in html
    assert f"Local adaptation no. 3 of Edition 2</a>: {ADAPTED}." in html
