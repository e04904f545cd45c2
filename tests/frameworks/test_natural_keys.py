"""Every piece of content is found again by its natural key: what fixtures refer to it by."""

import pytest
from django.apps import apps
from django.core import serializers

from frameworks.models import ContentChange, IndicatorTip, Theme
from frameworks.models.base import natural_key_lookups

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    model for model in apps.get_app_config("frameworks").get_models() if model is not ContentChange
]


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model.__name__)
def test_every_object_is_found_by_its_natural_key(content, model):
    related = {lookup.rpartition("__")[0] for lookup in natural_key_lookups(model)} - {""}
    objects = list(model.objects.select_related(*related))
    assert objects, model
    keys = [obj.natural_key() for obj in objects]
    assert len(set(keys)) == len(keys), model
    for obj, key in zip(objects, keys, strict=True):
        assert model.objects.get_by_natural_key(*key) == obj


def test_a_relation_in_a_natural_key_stands_for_the_related_objects_key(content):
    theme = Theme.objects.get(version=content, slug="culture")
    assert theme.natural_key() == ("eight-characteristics", 2, "culture")
    tip = IndicatorTip.objects.select_related("indicator__characteristic").first()
    indicator = tip.indicator
    assert tip.natural_key() == (
        "eight-characteristics",
        indicator.characteristic.version.number,
        indicator.characteristic.number,
        indicator.key,
    )
    assert IndicatorTip.objects.get_by_natural_key(*tip.natural_key()) == tip


def test_a_natural_key_of_the_wrong_length_is_an_error(content):
    with pytest.raises(ValueError):
        Theme.objects.get_by_natural_key("eight-characteristics", "culture")


def test_dumpdata_writes_content_that_refers_to_objects_by_their_keys_only(content):
    data = serializers.serialize(
        "json",
        Theme.objects.filter(version=content),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    themes = list(serializers.deserialize("json", data))
    assert {theme.object.pk for theme in themes} == set(
        Theme.objects.filter(version=content).values_list("pk", flat=True)
    )
