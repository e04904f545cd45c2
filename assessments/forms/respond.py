"""Respondent forms. The questionnaire form is built from the items of the framework version:
one field per indicator, named by its id, mapped back through ``item_fields`` (no string parsing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.forms.utils import ErrorList
from django.utils.choices import BaseChoiceIterator

from assessments.models import COMMENT_MAX_LENGTH, StakeholderGroup, Team
from frameworks.models import Indicator, ValueMode

DONT_KNOW = "dk"
SCALE_CHOICES = [
    ("1", "Strongly disagree"),
    ("2", "Disagree"),
    ("3", "Neither agree nor disagree"),
    ("4", "Agree"),
    ("5", "Strongly agree"),
    (DONT_KNOW, "Don’t know / not applicable"),
]
ITEM_PREFIX = "item_"


class TamperedForm(Exception):
    """The post names items that are not on this page: not a browser's doing."""


class AboutForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        label="Which partner organisation or group are you part of?",
        error_messages={
            "required": "Choose your team.",
            "invalid_choice": "Choose one of the teams listed.",
        },
    )
    stakeholder_group = forms.ChoiceField(
        choices=StakeholderGroup.choices,
        widget=forms.RadioSelect,
        label="Which of these best describes you?",
        error_messages={
            "required": "Choose the group that best describes you.",
            "invalid_choice": "Choose one of the groups listed.",
        },
    )

    def __init__(self, *args, teams=None, ask_team=True, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups:
            # The groups this collaboration offers (a respondent's earlier choice stays valid).
            self.fields["stakeholder_group"].choices = groups
        if ask_team:
            self.fields["team"].queryset = teams
        else:
            del self.fields["team"]


class CommentField(forms.CharField):
    """Line breaks count as one character each, as the browser's ``maxlength`` counts them.

    Browsers submit a textarea's line breaks as CRLF, which is two characters: a comment the
    page's counter accepted was refused here. They are stored as LF.
    """

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return super().to_python(value)


class _ScaleChoices(BaseChoiceIterator):
    """The scale's choices, already in the form Django wants: a ChoiceField takes an iterator
    as it is, where it normalised a list again for every statement of every page shown."""

    def __iter__(self):
        return iter(SCALE_CHOICES)


class ScaleField(forms.ChoiceField):
    """One statement's answer: a radio button per point of the scale, or none (left blank)."""

    widget = forms.RadioSelect
    default_error_messages = {"invalid_choice": "Choose one of the options for this statement."}

    def __init__(self, **kwargs):
        super().__init__(choices=SCALE, required=False, **kwargs)

    def valid_value(self, value):
        return value in SCALE_VALUES


SCALE = _ScaleChoices()
SCALE_VALUES = frozenset(value for value, _ in SCALE_CHOICES)


@dataclass(frozen=True)
class Item:
    """One statement as its page shows it, with its radio buttons (``choices``: value, words,
    id and whether it is ticked), numbered ``{id}_0`` … ``{id}_5`` as Django's RadioSelect
    numbers them."""

    indicator: Indicator
    errors: ErrorList
    id: str
    name: str
    choices: list[tuple[str, str, str, bool]]


class CharacteristicForm(forms.Form):
    """One page of the questionnaire: the items of one characteristic and a comment."""

    comment = CommentField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Anything you would like to add? (optional)",
        error_messages={
            "max_length": "Please keep your comment to 2,000 characters (it has %(show_value)d)."
        },
    )

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.item_fields: dict[str, Indicator] = {}
        for indicator in indicators:
            name = f"{ITEM_PREFIX}{indicator.pk}"
            self.fields[name] = ScaleField(label=indicator.text)
            self.item_fields[name] = indicator
        if self.is_bound:
            unknown = [
                k for k in self.data if k.startswith(ITEM_PREFIX) and k not in self.item_fields
            ]
            if unknown:
                raise TamperedForm(f"Unknown items: {', '.join(sorted(unknown)[:5])}")

    @classmethod
    def as_saved(
        cls, *, indicators: list[Indicator], answers: Mapping[int, int | None], comment: str
    ) -> CharacteristicForm:
        """The page as the draft saved it: ``answers`` by indicator id (None: don't know)."""
        initial = {
            f"{ITEM_PREFIX}{indicator_id}": DONT_KNOW if value is None else str(value)
            for indicator_id, value in answers.items()
        }
        return cls(indicators=indicators, initial={**initial, "comment": comment})

    def answers(self) -> dict[Indicator, int | None]:
        """Indicator → 1–5 or None (don't know), for the statements answered."""
        result = {}
        for name, indicator in self.item_fields.items():
            raw = self.cleaned_data.get(name) or ""
            if raw:
                result[indicator] = None if raw == DONT_KNOW else int(raw)
        return result

    def blank(self) -> list[Indicator]:
        """The statements left blank (an earlier answer to them is removed)."""
        return [
            indicator
            for name, indicator in self.item_fields.items()
            if not self.cleaned_data.get(name)
        ]

    def items(self):
        """Each statement of the page for the template, in order (``Item``)."""
        for name, indicator in self.item_fields.items():
            bound = self[name]
            ticked = str(bound.value() or "")
            yield Item(
                indicator=indicator,
                errors=bound.errors,
                id=bound.auto_id,
                name=bound.html_name,
                choices=[
                    (value, words, f"{bound.auto_id}_{index}", value == ticked)
                    for index, (value, words) in enumerate(SCALE_CHOICES)
                ],
            )


class ValueModesForm(forms.Form):
    value_modes = forms.ModelMultipleChoiceField(
        queryset=ValueMode.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which of these do you think the collaboration is about? Choose any that apply.",
        error_messages={
            "invalid_choice": "Choose from the options listed.",
            "invalid_pk_value": "Choose from the options listed.",
        },
    )
    not_sure = forms.BooleanField(required=False, label="I’m not sure")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("not_sure") and cleaned.get("value_modes"):
            self.add_error(
                "not_sure", "Choose “I’m not sure” or one or more of the ways above, not both."
            )
        return cleaned
