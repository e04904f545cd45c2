"""The question page's statements are drawn from plain data the form gives the template
(``CharacteristicForm.items``): the same names, values, ids, labels and ticks as Django's own
RadioSelect would give for each statement, saved, posted or left blank."""

from __future__ import annotations

import pytest

from assessments.forms.respond import CharacteristicForm
from frameworks.models import Characteristic


def _widget_choices(form, name):
    return [
        (
            choice.data["value"],
            str(choice.choice_label),
            choice.id_for_label,
            bool(choice.data["selected"]),
        )
        for choice in form[name]
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["saved", "posted", "blank"])
def test_each_statements_radios_are_those_of_djangos_radio_select(content, how):
    characteristic = Characteristic.objects.filter(version=content).order_by("number").first()
    indicators = list(characteristic.indicators.order_by("position"))
    values = ["1", "dk", "5", "3", "4", "2"]
    if how == "saved":
        answers = {
            ind.pk: (None if v == "dk" else int(v))
            for ind, v in zip(indicators, values, strict=False)
        }
        form = CharacteristicForm.as_saved(indicators=indicators, answers=answers, comment="")
    elif how == "posted":
        data = {f"item_{ind.pk}": v for ind, v in zip(indicators, values, strict=False)}
        form = CharacteristicForm(data, indicators=indicators)
        form.is_valid()
    else:
        form = CharacteristicForm(indicators=indicators)
    items = list(form.items())
    assert [item.indicator for item in items] == indicators
    for item in items:
        name = f"item_{item.indicator.pk}"
        assert item.name == form[name].html_name
        assert item.id == form[name].auto_id
        assert [tuple(c) for c in item.choices] == _widget_choices(form, name)
    ticked = [c[0] for item in items for c in item.choices if c[3]]
    assert ticked == ([] if how == "blank" else values[: len(indicators)])
