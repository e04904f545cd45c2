"""The action plan's form: it validates and normalises; ``services.actions`` writes.

The round an action is raised from and the suggestion it came from travel as hidden fields
(an "Add an action" link on a results page fills them); both are checked against the
collaboration, and the suggestion against the characteristic, so a tampered post is a form
error, never an action pointing at another collaboration's round.
"""

from __future__ import annotations

from django import forms

from assessments.models import Action, Round
from assessments.models.actions import ACTION_NOTES_MAX_LENGTH, ACTION_TITLE_MAX_LENGTH
from frameworks.models import Characteristic, Suggestion


class ActionForm(forms.Form):
    title = forms.CharField(
        max_length=ACTION_TITLE_MAX_LENGTH,
        label="What will be done",
        help_text="A short title, for example “Agree a shared purpose statement at the board”.",
    )
    characteristic_number = forms.TypedChoiceField(
        coerce=int, label="Characteristic it works on", choices=()
    )
    owner = forms.CharField(
        max_length=200,
        required=False,
        label="Owner (optional)",
        help_text="Who leads it: a name or a role.",
    )
    due_on = forms.DateField(
        required=False,
        label="Due date (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 2027-03-31.",
    )
    status = forms.ChoiceField(choices=Action.Status.choices, initial=Action.Status.PLANNED)
    notes = forms.CharField(
        required=False,
        max_length=ACTION_NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Notes (optional)",
    )
    round = forms.IntegerField(required=False, widget=forms.HiddenInput)
    suggestion = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, collaboration, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        self.fields["characteristic_number"].choices = [
            (c.number, f"{c.number}. {c.name}")
            for c in Characteristic.objects.filter(version=version).order_by("number")
        ]

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Say what will be done.")
        return title

    def clean_owner(self):
        return " ".join(self.cleaned_data["owner"].split())

    def clean_notes(self):
        return self.cleaned_data["notes"].replace("\r\n", "\n").strip()

    def clean_round(self):
        round_id = self.cleaned_data.get("round")
        if round_id is None:
            return None
        round = Round.objects.filter(collaboration=self.collaboration, pk=round_id).first()
        if round is None:
            raise forms.ValidationError("That round is not one of this collaboration’s.")
        return round

    def clean(self):
        cleaned = super().clean()
        suggestion_id = cleaned.get("suggestion")
        cleaned["suggestion"] = None
        if suggestion_id is None or "characteristic_number" not in cleaned:
            return cleaned
        round = cleaned.get("round")
        suggestion = (
            Suggestion.objects.select_related("characteristic")
            .filter(
                pk=suggestion_id,
                characteristic__version_id=round.framework_version_id
                if round
                else self.collaboration.framework_version_id,
            )
            .first()
        )
        if suggestion is None:
            raise forms.ValidationError("That suggestion is not part of this round’s framework.")
        if suggestion.characteristic.number != cleaned["characteristic_number"]:
            self.add_error(
                "characteristic_number", "The suggestion belongs to another characteristic."
            )
        cleaned["suggestion"] = suggestion
        return cleaned
