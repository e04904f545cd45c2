"""The action plan's forms: they validate and normalise; ``services.actions`` writes, because
every write keeps its history (``ActionChange``) in the same transaction.

A new action may come from an "Add an action" link on a results page (``?round=…&c=…&suggestion=…``)
that fills the round it is raised from, the characteristic and the suggestion. The round and the
suggestion travel as hidden fields; both are checked against the collaboration, and the suggestion
against the characteristic, so a tampered post is a form error, never an action pointing at
another collaboration's round.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from assessments.forms.facilitate import DateInput, StoredObjectForm
from assessments.models import Action, Collaboration, Round
from assessments.models.actions import ACTION_NOTES_MAX_LENGTH
from assessments.models.collaborations import validate_one_line
from frameworks.models import Characteristic, Suggestion


class ActionForm(StoredObjectForm):
    """An action's tracked fields. The characteristics offered are those of the edition of the
    round it was raised from (else the collaboration's)."""

    characteristic_number = forms.TypedChoiceField(
        coerce=int, label="Characteristic it works on", choices=()
    )
    notes = forms.CharField(
        required=False,
        max_length=ACTION_NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Notes (optional)",
    )

    class Meta:
        model = Action
        fields = ["title", "characteristic_number", "owner", "due_on", "status", "notes"]
        labels = {
            "title": "What will be done",
            "owner": "Owner (optional)",
            "due_on": "Due date (optional)",
        }
        help_texts = {
            "title": "A short title, for example “Agree a shared purpose statement at the board”.",
            "owner": "Who leads it: a name or a role.",
            "due_on": "For example 2027-03-31.",
        }
        widgets = {"due_on": DateInput}

    def __init__(self, *args, collaboration: Collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = collaboration
        round = self.instance.round
        self.version_id = (
            round.framework_version_id if round else collaboration.framework_version_id
        )
        self.fields["characteristic_number"].choices = [
            (c.number, f"{c.number}. {c.name}")
            for c in Characteristic.objects.filter(version_id=self.version_id).order_by("number")
        ]

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Say what will be done.")
        # Spaces, tabs and line breaks became one space; another control character is refused
        # (it prints as a box in the reports and the board papers).
        validate_one_line(title)
        return title

    def clean_owner(self):
        owner = " ".join(self.cleaned_data["owner"].split())
        validate_one_line(owner)
        return owner

    def clean_notes(self):
        return self.cleaned_data["notes"].replace("\r\n", "\n").strip()


def _round_param(collaboration: Collaboration, value) -> Round | None:
    if not (isinstance(value, str) and value.isdigit()):
        return None
    return Round.objects.filter(collaboration=collaboration, pk=int(value)).first()


def _title_from(text: str, limit: int = 120) -> str:
    """A suggestion's first sentence, short enough for a title."""
    first = text.split(". ")[0].strip().rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


class NewActionForm(ActionForm):
    """A new action, with the round and suggestion it came from. ``source_round`` and
    ``source_suggestion`` are what the page shows above the form."""

    round = forms.IntegerField(required=False, widget=forms.HiddenInput)
    suggestion = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data=None, *, collaboration: Collaboration, link: Mapping | None = None, **kwargs
    ):
        params = data if data is not None else (link or {})
        self.source_round = _round_param(collaboration, params.get("round"))
        self.source_suggestion = None
        instance = Action(collaboration=collaboration, round=self.source_round)
        super().__init__(data, collaboration=collaboration, instance=instance, **kwargs)
        if data is None:
            self._fill_from_link(link or {})

    def _fill_from_link(self, link: Mapping) -> None:
        self.initial["round"] = self.source_round.pk if self.source_round else None
        number = link.get("c", "")
        if number.isdigit():
            self.initial["characteristic_number"] = int(number)
        suggestion_id = link.get("suggestion", "")
        if suggestion_id.isdigit():
            self.source_suggestion = (
                Suggestion.objects.select_related("characteristic")
                .filter(pk=int(suggestion_id), characteristic__version_id=self.version_id)
                .first()
            )
        if self.source_suggestion is not None:
            self.initial["suggestion"] = self.source_suggestion.pk
            self.initial["characteristic_number"] = self.source_suggestion.characteristic.number
            self.initial["title"] = _title_from(self.source_suggestion.text)

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
