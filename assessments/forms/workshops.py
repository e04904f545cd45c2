"""A consensus workshop's forms: its details, what the room agreed on a characteristic, and an
action it agreed (the action plan's own form, without the characteristic, which the page
gives). They validate and normalise; ``services.workshops`` writes."""

from __future__ import annotations

import re

from django import forms

from assessments import scoring
from assessments.forms.actions import ActionForm
from assessments.forms.facilitate import DateInput, StoredObjectForm
from assessments.forms.respond import CommentField
from assessments.models import Workshop
from assessments.models.workshops import (
    AGREEMENT_TEXT_MAX_LENGTH,
    WORKSHOP_MAX_PARTICIPANTS,
    WORKSHOP_MIN_PARTICIPANTS,
)

PARTICIPANTS_MESSAGE = (
    f"Say how many took part: a whole number from {WORKSHOP_MIN_PARTICIPANTS} "
    f"to {WORKSHOP_MAX_PARTICIPANTS}."
)
COULD_NOT_AGREE = "none"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
SCORE_MESSAGE = "Choose the score the room agreed, 1 to 5, or “Could not agree”."


class WorkshopForm(StoredObjectForm):
    participants = forms.IntegerField(
        label="How many took part",
        min_value=WORKSHOP_MIN_PARTICIPANTS,
        max_value=WORKSHOP_MAX_PARTICIPANTS,
        help_text="Everyone in the room who took part in agreeing, facilitators included.",
        error_messages={
            "required": PARTICIPANTS_MESSAGE,
            "invalid": PARTICIPANTS_MESSAGE,
            "min_value": PARTICIPANTS_MESSAGE,
            "max_value": PARTICIPANTS_MESSAGE,
        },
    )

    class Meta:
        model = Workshop
        fields = ["held_on", "participants", "hide_team_names"]
        labels = {
            "held_on": "Date of the workshop",
            "hide_team_names": "Hide team names on the shared screen",
        }
        help_texts = {
            "held_on": "For example 2027-03-31.",
            "hide_team_names": "Teams are shown as Team A, B, … on the projector view.",
        }
        widgets = {"held_on": DateInput}
        error_messages = {
            "held_on": {
                "required": "Give the date of the workshop.",
                "invalid": "Give the date as a date, for example 2027-03-31.",
            }
        }


class AgreementForm(forms.Form):
    """What the room agreed on one characteristic. The scores are offered with the band each
    falls in under the round's edition (its thresholds), as the results pages name them."""

    outcome = forms.ChoiceField(
        label="Agreed score",
        widget=forms.RadioSelect,
        error_messages={"required": SCORE_MESSAGE, "invalid_choice": SCORE_MESSAGE},
    )
    # Line breaks count as one character, as the textarea's maxlength counts them.
    reasoning = CommentField(
        label="Why the room agreed this",
        max_length=AGREEMENT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A few lines: what the room weighed. Or why it could not agree.",
        error_messages={
            "required": "Say in a few lines why the room agreed this, or why it could not.",
            "max_length": f"Keep the reasoning to {AGREEMENT_TEXT_MAX_LENGTH} characters "
            "(a few lines).",
        },
    )
    dissent = CommentField(
        label="Dissent (optional)",
        required=False,
        max_length=AGREEMENT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A minority view, without names.",
        error_messages={
            "max_length": f"Keep the dissent to {AGREEMENT_TEXT_MAX_LENGTH} characters."
        },
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for value in range(1, 6):
            band = scoring.band(
                value, strength_min=version.strength_min, developing_min=version.developing_min
            )
            choices.append((str(value), f"{value} · {band.capitalize()}" if band else str(value)))
        choices.append((COULD_NOT_AGREE, "Could not agree"))
        self.fields["outcome"].choices = choices

    @staticmethod
    def _text(value: str) -> str:
        value = value.replace("\r\n", "\n").strip()
        # Line breaks and tabs are the room's; another control character prints as a box in the
        # reports and the board papers.
        if CONTROL_CHARACTERS.search(value):
            raise forms.ValidationError(
                "Line breaks are fine, but other control characters can’t be used: remove "
                "them (they can come with pasted text)."
            )
        return value

    def clean_reasoning(self):
        return self._text(self.cleaned_data["reasoning"])

    def clean_dissent(self):
        return self._text(self.cleaned_data["dissent"])

    @property
    def score(self) -> int | None:
        """The agreed score of a valid form; None when the room could not agree."""
        outcome = self.cleaned_data["outcome"]
        return None if outcome == COULD_NOT_AGREE else int(outcome)


class WorkshopActionForm(ActionForm):
    """An action agreed in the workshop: the action plan's form, on the characteristic the
    projector shows (the service sets it)."""

    characteristic_number = None

    class Meta(ActionForm.Meta):
        fields = ["title", "owner", "due_on", "status", "notes"]

    def __init__(self, *args, collaboration, **kwargs):
        # The plan's form offers every characteristic (one query); this one has none to offer.
        super(ActionForm, self).__init__(*args, **kwargs)
        self.collaboration = collaboration
        self.fields["title"].error_messages["required"] = "Say what will be done."
