"""Every path that writes content respects the freeze: fixtures, loaddata, save_base, bulk writes."""

import contextlib
import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier, BrokenBarrierError

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.db.models import CASCADE, F, QuerySet
from django.test.utils import CaptureQueriesContext

from frameworks import services
from frameworks.content import FIXTURE_DIR, ContentLoadError, content_load
from frameworks.models import (
    FrameworkVersion,
    FrozenContentError,
    Indicator,
    IndicatorTip,
    ValueModeWeight,
)
from frameworks.services import version_copy

pytestmark = pytest.mark.django_db

EDITION_2 = ["eight-characteristics", 2]


def _fixture(tmp_path, name, objects):
    path = tmp_path / name
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


def _characteristics_fixture():
    return json.loads((FIXTURE_DIR / "02_eight_characteristics.json").read_text(encoding="utf-8"))


def test_load_content_refuses_to_add_an_indicator_to_a_published_edition(tmp_path, content):
    objects = _characteristics_fixture()
    objects.append(
        {
            "model": "frameworks.indicator",
            "fields": {
                "characteristic": [*EDITION_2, 8],
                "position": 5,
                "key": "a-new-statement",
                "text": "A statement added to the fixture after publishing.",
            },
        }
    )
    path = _fixture(tmp_path, "02_eight_characteristics.json", objects)

    with pytest.raises(ContentLoadError) as refused:
        content_load(fixtures=[path])

    message = str(refused.value)
    assert "02_eight_characteristics.json" in message and "a-new-statement" in message
    assert "published" in message
    assert Indicator.objects.filter(characteristic__version=content).count() == 33


def test_load_content_refuses_a_fixture_that_rewords_a_published_indicator(tmp_path, content):
    objects = _characteristics_fixture()
    last = next(
        o
        for o in reversed(objects)
        if o["model"] == "frameworks.indicator" and o["fields"]["characteristic"][1] == 2
    )
    original = last["fields"]["text"]
    last["fields"]["text"] = "Reworded in the fixture."
    path = _fixture(tmp_path, "02_eight_characteristics.json", objects)

    with pytest.raises(ContentLoadError, match="changes text"):
        content_load(fixtures=[path])

    assert Indicator.objects.filter(text=original, characteristic__version=content).exists()
    assert not Indicator.objects.filter(text="Reworded in the fixture.").exists()


def test_the_load_content_command_names_the_object_it_refuses(tmp_path, content, settings):
    objects = _characteristics_fixture()
    version = next(o for o in objects if o["model"] == "frameworks.frameworkversion")
    version["fields"]["strength_min"] = "3.50"
    _fixture(tmp_path, "02_eight_characteristics.json", objects)
    from frameworks import content as content_module

    original_dir = content_module.FIXTURE_DIR
    content_module.FIXTURE_DIR = tmp_path
    try:
        with pytest.raises(CommandError, match="strength_min"):
            call_command("load_content")
    finally:
        content_module.FIXTURE_DIR = original_dir
    assert FrameworkVersion.objects.get(pk=content.pk).strength_min == Decimal("4.00")


def test_load_content_still_loads_a_new_published_edition_whole(tmp_path, content):
    """A new edition is loaded as a draft and published at the end: the guard lets it in."""
    objects = [
        o
        for o in _characteristics_fixture()
        if o["model"] != "frameworks.framework"
        and (o["model"] != "frameworks.frameworkversion" or o["fields"]["number"] == 2)
        and (
            o["model"] == "frameworks.frameworkversion"
            or (o["fields"].get("version") or o["fields"].get("characteristic") or [0, 2])[1] == 2
        )
    ]
    for obj in objects:
        for key in ("version", "characteristic"):
            if key in obj["fields"]:
                obj["fields"][key][1] = 7
        if obj["model"] == "frameworks.frameworkversion":
            obj["fields"]["number"] = 7
        if obj["model"] == "frameworks.characteristic":
            obj["fields"]["theme"][1] = 7
    path = _fixture(tmp_path, "09_edition_7.json", objects)

    report = content_load(fixtures=[path])

    seventh = FrameworkVersion.objects.get(framework__slug="eight-characteristics", number=7)
    assert seventh.status == FrameworkVersion.Status.PUBLISHED and seventh.published_at
    assert Indicator.objects.filter(characteristic__version=seventh).count() == 33
    assert report.created == len(objects)


def test_loaddata_cannot_change_a_frozen_band(tmp_path, content):
    version = next(
        o
        for o in _characteristics_fixture()
        if o["model"] == "frameworks.frameworkversion" and o["fields"]["number"] == 2
    )
    version["fields"]["strength_min"] = "3.50"
    path = _fixture(tmp_path, "bands.json", [version])

    with pytest.raises(FrozenContentError):
        call_command("loaddata", str(path), verbosity=0)

    assert FrameworkVersion.objects.get(pk=content.pk).strength_min == Decimal("4.00")


def test_save_base_cannot_change_a_frozen_indicator(content):
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    original = indicator.text
    indicator.text = "Saved behind save()'s back"
    with pytest.raises(FrozenContentError):
        indicator.save_base()
    with pytest.raises(FrozenContentError):
        indicator.save_base(raw=True)
    assert Indicator.objects.get(pk=indicator.pk).text == original


def test_bulk_create_cannot_overwrite_or_add_frozen_weights(content):
    weight = ValueModeWeight.objects.filter(characteristic__version=content).first()
    overwrite = ValueModeWeight(
        characteristic_id=weight.characteristic_id,
        value_mode_id=weight.value_mode_id,
        weight=Decimal("3.00"),
        reason="x",
    )
    with pytest.raises(FrozenContentError):
        ValueModeWeight.objects.bulk_create(
            [overwrite],
            update_conflicts=True,
            unique_fields=["characteristic", "value_mode"],
            update_fields=["weight"],
        )
    characteristic = content.characteristics.get(number=1)
    with pytest.raises(FrozenContentError):
        Indicator.objects.bulk_create(
            [Indicator(characteristic=characteristic, position=9, key="bulk", text="Bulk")]
        )
    weight.weight = Decimal("2.50")
    # bulk_update runs inside its own atomic block: keep the test's transaction usable.
    with pytest.raises(FrozenContentError), transaction.atomic():
        ValueModeWeight.objects.bulk_update([weight], ["weight"])
    assert ValueModeWeight.objects.get(pk=weight.pk).weight != Decimal("2.50")
    assert characteristic.indicators.count() == 4
    with pytest.raises(FrozenContentError):
        FrameworkVersion.objects.bulk_create(
            [FrameworkVersion(pk=content.pk)],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["strength_min"],
        )


def test_bulk_create_still_works_on_drafts_and_narrative_content(content):
    draft = version_copy(version=content)
    characteristic = draft.characteristics.get(number=1)
    Indicator.objects.bulk_create(
        [Indicator(characteristic=characteristic, position=9, key="bulk", text="Bulk")]
    )
    assert characteristic.indicators.count() == 5
    published = content.characteristics.get(number=1).indicators.first()
    IndicatorTip.objects.filter(indicator=published).delete()
    IndicatorTip.objects.bulk_create([IndicatorTip(indicator=published, text="A narrative tip")])
    assert IndicatorTip.objects.get(indicator=published).text == "A narrative tip"


def test_version_copy_runs_the_same_number_of_queries_for_any_size(content, edition1):
    counts = []
    for version in (edition1, content):  # 26 and 33 indicators, 64 and 86 suggestions …
        with CaptureQueriesContext(connections["default"]) as queries:
            version_copy(version=version)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 40, counts


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_copies_take_different_numbers(content):
    """Both copies reach the step that creates the draft at once, unless the lock holds one back.

    Each waits up to 2 s at a barrier just before creating its draft. Without the lock both
    pass it together, take the same number and one fails on the unique constraint; with the
    lock the second waits for the first to commit and then takes the next number.
    """
    barrier = Barrier(2, timeout=2)
    real_create = FrameworkVersion.objects.create

    def create_at_the_barrier(**kwargs):
        with contextlib.suppress(BrokenBarrierError):
            barrier.wait()
        return real_create(**kwargs)

    def copy(_):
        try:
            return services.version_copy(version=FrameworkVersion.objects.get(pk=content.pk)).number
        finally:
            connections.close_all()

    original = FrameworkVersion.objects.create
    FrameworkVersion.objects.create = create_at_the_barrier
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            numbers = sorted(pool.map(copy, range(2)))
    finally:
        FrameworkVersion.objects.create = original
    assert numbers == [3, 4]


def test_a_plain_queryset_cannot_delete_frozen_content_either(content):
    """The pre_delete guard sees deletes that bypass the framework querysets."""
    indicator = Indicator.objects.filter(characteristic__version=content).first()
    # Django deletes inside its own atomic block: keep the test's transaction usable.
    with pytest.raises(FrozenContentError), transaction.atomic():
        QuerySet(model=Indicator).filter(pk=indicator.pk).delete()
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_deleting_from_a_draft_deletes_everything_under_it(content):
    draft = version_copy(version=content)
    characteristic = draft.characteristics.get(number=1)
    indicators = list(characteristic.indicators.values_list("pk", flat=True))
    characteristic.delete()
    assert not Indicator.objects.filter(pk__in=indicators).exists()
    assert not IndicatorTip.objects.filter(indicator__in=indicators).exists()
    assert content.characteristics.get(number=1).indicators.count() == 4


def test_a_delete_cascades_only_within_one_version():
    """Why the pre_delete guard checks only where a delete started: every foreign key that
    cascades from framework content to scored content is the first step of its VERSION_PATH."""
    for model in apps.get_app_config("frameworks").get_models():
        if not getattr(model, "VERSION_PATH", "") or model.NARRATIVE:
            continue
        for field in model._meta.fields:
            cascades = field.is_relation and field.remote_field.on_delete is CASCADE
            if cascades and field.related_model._meta.app_label == "frameworks":
                assert field.name == model.VERSION_PATH.split("__")[0], (model, field.name)


def test_bulk_update_cannot_move_draft_content_into_a_published_version(content):
    draft = version_copy(version=content)
    moved = Indicator.objects.filter(characteristic__version=draft, characteristic__number=1)
    published = content.characteristics.get(number=1)
    with pytest.raises(FrozenContentError):
        moved.update(characteristic=published)
    with pytest.raises(FrozenContentError):
        moved.update(characteristic_id=published.pk)
    assert published.indicators.count() == 4
    moved.update(characteristic=draft.characteristics.get(number=2), position=F("position") + 10)
    assert draft.characteristics.get(number=2).indicators.count() == 7


def test_a_published_version_cannot_go_back_to_draft_in_bulk(content):
    with pytest.raises(FrozenContentError):
        FrameworkVersion.objects.filter(pk=content.pk).update(status=FrameworkVersion.Status.DRAFT)
    assert FrameworkVersion.objects.get(pk=content.pk).status == FrameworkVersion.Status.PUBLISHED
