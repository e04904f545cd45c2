"""Forms of the sharing page: what a release shares, and a new board link."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from assessments.forms.facilitate import DateInput
from assessments.models import BoardLink, ResultsRelease

BOARD_LINK_MAX_DAYS = 366


class ReleaseForm(forms.ModelForm):
    """What a release shares. Before the round closes (``early``) the facilitator must also say
    they mean to share now: the figures still change as people answer."""

    class Meta:
        model = ResultsRelease
        fields = ["share_team_names", "share_comments"]
        labels = {
            "share_team_names": "Show teams by name",
            "share_comments": "Show partners’ comments",
        }
        help_texts = {
            "share_team_names": "Otherwise teams are shown as Team A, B, …",
            "share_comments": "As the characteristic pages show them: in random order, "
            "without names. Read them first: a comment can say who wrote it.",
        }

    def __init__(self, *args, early: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if early:
            self.fields["confirm_early"] = forms.BooleanField(
                label="I mean to share the results before the round closes",
                error_messages={
                    "required": "The round is still open: tick the box to share the results "
                    "now, or wait until it closes."
                },
            )


class BoardLinkForm(forms.ModelForm):
    class Meta:
        model = BoardLink
        fields = ["label", "expires_on"]
        labels = {"label": "Who the link is for", "expires_on": "Last day it works"}
        widgets = {"expires_on": DateInput()}
        error_messages = {
            "label": {"required": "Say who the link is for, e.g. “ICB board, March meeting”."},
            "expires_on": {
                "required": "Choose the last day the link works.",
                "invalid": "Enter the last day as a date, e.g. 2027-03-31.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("expires_on"):
            self.initial["expires_on"] = timezone.localdate() + timedelta(days=30)

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on < today:
            raise forms.ValidationError(
                "The last day cannot be in the past: choose today or later."
            )
        if expires_on > today + timedelta(days=BOARD_LINK_MAX_DAYS):
            raise forms.ValidationError(
                f"A board link can work for at most {BOARD_LINK_MAX_DAYS} days: choose a day "
                "within a year from today, and make a new link when it ends."
            )
        return expires_on
