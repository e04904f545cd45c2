"""Facilitators' forms: they validate and normalise. A plain create or edit of one object is a
ModelForm whose ``save()`` is the write; where a write touches several rows or needs a lock, the
view calls ``assessments.services.facilitate`` after the form validates. Rendered with
django-crispy-forms (Bootstrap 5)."""

from __future__ import annotations

import copy
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from assessments.models import (
    CANVAS_TEXT_MAX_LENGTH,
    MIN_GROUP_SIZE_FLOOR,
    ROLE_HELP,
    CanvasAnswer,
    CanvasConsideration,
    Collaboration,
    Role,
    Round,
    StakeholderGroup,
    Team,
)
from assessments.models.collaborations import validate_one_line
from frameworks.models import (
    ApproachType,
    Consideration,
    FrameworkVersion,
    PracticalQuestion,
    ValueMode,
)

CSV_MAX_BYTES = 1_000_000


def version_choices(current_id: int | None = None):
    """Published editions, and the one already in use (which may since have been retired)."""
    # A local adaptation's label reads its original and its source: one query for all choices.
    return FrameworkVersion.objects.filter(
        Q(status=FrameworkVersion.Status.PUBLISHED) | Q(pk=current_id)
    ).select_related("framework", "source", "adapted_from")


class VersionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        status = "" if obj.status == FrameworkVersion.Status.PUBLISHED else " (retired)"
        if obj.is_local:
            # Never "edition 3" for an edition adapted here: the publisher's is the original.
            return f"{obj.framework.name}, {obj.edition_label} ({obj.adaptation}){status}"
        return f"{obj.framework.name}, edition {obj.number}{status}"


class StoredObjectForm(forms.ModelForm):
    """A ModelForm that validates a copy of its instance: Django writes each valid field onto the
    instance while validating, and a post sent back with errors must leave the object the rest
    of the page shows (its heading, the breadcrumbs) as it is stored."""

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=copy.copy(instance), **kwargs)

    def save(self, commit=True):
        """An edit writes only the columns the form shows: a change of another column made at
        the same moment (a round closed, a team archived) is not undone by a stale copy."""
        if not commit or self.instance.pk is None:
            return super().save(commit=commit)
        instance = super().save(commit=False)
        columns = {field.name for field in instance._meta.concrete_fields}
        instance.save(update_fields=[name for name in self.Meta.fields if name in columns])
        self.save_m2m()
        return instance


class CollaborationForm(StoredObjectForm):
    """The set-up. Saving it writes the collaboration and its value modes; the stakeholder groups
    it offers and what follows from an edit are written by ``services.facilitate``."""

    purpose = forms.CharField(
        label="Purpose statement",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the partners work together, in a sentence or two.",
    )
    approach_type = forms.ModelChoiceField(
        queryset=ApproachType.objects.all(),
        required=False,
        widget=forms.RadioSelect,
        empty_label="None of these, or not sure yet",
        label="Which type of collaboration-based approach is it?",
        help_text="THIS Institute's four types.",
    )
    value_modes = forms.ModelMultipleChoiceField(
        queryset=ValueMode.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="How does the collaboration create value?",
        error_messages={"required": "Choose at least one way the collaboration creates value."},
    )
    framework_version = VersionField(
        queryset=FrameworkVersion.objects.none(),
        label="Framework edition for new rounds",
        empty_label=None,
    )
    groups = forms.MultipleChoiceField(
        choices=StakeholderGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Stakeholder groups respondents can choose from",
        error_messages={"required": "Offer at least one stakeholder group."},
    )

    class Meta:
        model = Collaboration
        fields = ["name", "purpose", "approach_type", "value_modes", "framework_version", "groups"]
        labels = {"name": "Name of the collaboration"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        collaboration = self.instance
        self.fields["framework_version"].queryset = version_choices(
            collaboration.framework_version_id
        )
        if "groups" not in self.initial:
            # None stored means every group is offered: show them all ticked, so that the form
            # posted back unchanged is valid and offers what respondents are offered now.
            self.initial["groups"] = (
                [group for group, _ in collaboration.offered_group_choices]
                if collaboration.pk
                else StakeholderGroup.values
            )


class CanvasForm(forms.Form):
    """The planning canvas: an answer per practical question; per key consideration whether it
    was discussed and notes, each field starting from what the collaboration stored. Fields are
    mapped back to their objects, not parsed from names; ``services.facilitate.canvas_save``
    writes them."""

    def __init__(self, *args, collaboration: Collaboration, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        questions = list(PracticalQuestion.objects.all())
        self.all_considerations = list(Consideration.objects.select_related("source"))
        answers = dict(
            CanvasAnswer.objects.filter(collaboration=collaboration).values_list(
                "question_id", "text"
            )
        )
        self.notes = {
            row.consideration_id: (row.discussed, row.notes)
            for row in CanvasConsideration.objects.filter(collaboration=collaboration)
        }
        self.question_fields = {}
        self.consideration_fields = {}
        for question in questions:
            name = f"question_{question.pk}"
            self.fields[name] = forms.CharField(
                label=f"{question.number}. {question.text}",
                required=False,
                max_length=CANVAS_TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=answers.get(question.pk, ""),
            )
            self.question_fields[name] = question
        for consideration in self.all_considerations:
            discussed, text = self.notes.get(consideration.pk, (False, ""))
            check, note = f"discussed_{consideration.pk}", f"notes_{consideration.pk}"
            self.fields[check] = forms.BooleanField(
                label="Discussed", required=False, initial=discussed
            )
            self.fields[note] = forms.CharField(
                label=f"Notes on “{consideration.name}”",
                required=False,
                max_length=CANVAS_TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=text,
            )
            self.consideration_fields[consideration] = (check, note)
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def answers(self):
        return {q: self.cleaned_data[name] for name, q in self.question_fields.items()}

    def considerations(self):
        return {
            consideration: (self.cleaned_data[check], self.cleaned_data[note])
            for consideration, (check, note) in self.consideration_fields.items()
        }

    def sections(self) -> dict:
        """For the page: (question, field) pairs by group, (consideration, checkbox, notes)
        triples, and the considerations not discussed yet (as stored)."""
        questions = [(q, self[name]) for name, q in self.question_fields.items()]
        return {
            "purpose_questions": [
                row for row in questions if row[0].group == PracticalQuestion.Group.PURPOSE
            ],
            "stakeholder_questions": [
                row for row in questions if row[0].group != PracticalQuestion.Group.PURPOSE
            ],
            "consideration_rows": [
                (c, self[check], self[note])
                for c, (check, note) in self.consideration_fields.items()
            ],
            "not_discussed": [
                c for c in self.all_considerations if not self.notes.get(c.pk, (False,))[0]
            ],
        }


class TeamForm(StoredObjectForm):
    """A team's name (one per collaboration, whatever the case) and headcount. A new team's links
    in the rounds that are not closed are ``services.facilitate``'s."""

    headcount = forms.IntegerField(
        required=False,
        min_value=1,
        label="Headcount (optional)",
        help_text="How many people could answer for this team: gives its response rate.",
    )

    class Meta:
        model = Team
        fields = ["name", "headcount"]
        labels = {"name": "Team name"}

    def __init__(self, *args, collaboration: Collaboration, **kwargs):
        super().__init__(*args, **kwargs)
        self.collaboration = self.instance.collaboration = collaboration

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = self.collaboration.teams.filter(name__iexact=name)
        if self.instance.pk is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This collaboration already has a team with that name.")
        return name


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (YYYY-MM-DD): a browser discards any other
    format, so the localised default (22/11/2026 in en-GB) left the fields empty."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")


ROUND_LENGTH = timedelta(days=28)


class RoundForm(StoredObjectForm):
    """A round's details. A new round is offered the collaboration's edition and four weeks from
    today. Once partners have answered, the edition is fixed and the minimum group size can be
    raised, not lowered: they answered on the promise of k. The model checks the dates."""

    framework_version = VersionField(
        queryset=FrameworkVersion.objects.none(), label="Framework edition", empty_label=None
    )
    min_group_size = forms.IntegerField(
        label="Minimum group size",
        min_value=MIN_GROUP_SIZE_FLOOR,
        max_value=100,
        help_text="No figure is ever shown for a group of fewer people than this (3 at least).",
        error_messages={
            "min_value": "The minimum group size must be at least 3, to keep answers anonymous."
        },
    )

    expected_response_rate = forms.IntegerField(
        label="Expected response rate per team (%)",
        min_value=1,
        max_value=100,
        help_text="The tracking page lists the teams not known to have reached this share of "
        "their headcount (a team without a headcount: the minimum group size), to chase up.",
        error_messages={
            "min_value": "The expected response rate is a percentage from 1 to 100.",
            "max_value": "The expected response rate is a percentage from 1 to 100.",
        },
    )

    class Meta:
        model = Round
        fields = [
            "title",
            "framework_version",
            "opens_on",
            "closes_on",
            "min_group_size",
            "reminder_schedule",
            "expected_response_rate",
        ]
        help_texts = {
            "title": "For example “Spring 2027”.",
            "reminder_schedule": "Reminders go by e-mail only to people you invited personally "
            "who have not answered yet, at most once a day; they follow the closing date if "
            "you change it.",
        }
        widgets = {
            "opens_on": DateInput,
            "closes_on": DateInput,
            "reminder_schedule": forms.RadioSelect,
        }

    def __init__(
        self, *args, collaboration: Collaboration, instance: Round | None = None, **kwargs
    ):
        if instance is None:
            today = timezone.localdate()
            instance = Round(
                collaboration=collaboration,
                framework_version_id=collaboration.framework_version_id,
                opens_on=today,
                closes_on=today + ROUND_LENGTH,
            )
        super().__init__(*args, instance=instance, **kwargs)
        editing = self.instance.pk is not None
        field = self.fields["framework_version"]
        field.queryset = version_choices(self.instance.framework_version_id if editing else None)
        # A post without these (a page loaded before they existed, a script) keeps what is
        # stored, or the defaults, rather than failing on fields it never showed; a field
        # posted blank is still required.
        for name in ("reminder_schedule", "expected_response_rate"):
            if self.is_bound and name not in self.data:
                self.fields[name].required = False
        answered = editing and self.instance.responses.exists()
        # The stored k, read before validation writes the posted one onto the instance.
        self.k_floor = self.instance.min_group_size if answered else None
        if answered:
            field.disabled = True
            field.help_text = "Fixed: the round already has responses to this edition."
            self.fields["min_group_size"].help_text = (
                f"Partners have answered on the promise that no figure shows fewer than "
                f"{self.k_floor} people: it can be raised, not lowered."
            )

    def clean_reminder_schedule(self):
        return self.cleaned_data["reminder_schedule"] or self.instance.reminder_schedule

    def clean_expected_response_rate(self):
        rate = self.cleaned_data["expected_response_rate"]
        return self.instance.expected_response_rate if rate is None else rate

    def clean_min_group_size(self):
        value = self.cleaned_data["min_group_size"]
        if self.k_floor and value < self.k_floor:
            raise forms.ValidationError(
                f"Partners have already answered on the promise of at least {self.k_floor}: "
                "the minimum group size can't be lowered now."
            )
        return value


class InvitationsForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Let each invitee choose their team",
        label="Team",
    )
    addresses = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="E-mail addresses",
        # Help text is shown as HTML: the example address is escaped, or "<…>" was a tag.
        help_text=format_html(
            "One per line, or separated by commas; “{}” is fine.", "Name <name@example.org>"
        ),
    )
    csv_file = forms.FileField(
        required=False,
        label="Or upload a CSV file",
        help_text="Every cell with an e-mail address in it is used; names and headers are left out.",
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if upload and upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError("The file is too large: upload at most 1 MB.")
        return upload

    def clean(self):
        cleaned = super().clean()
        nothing = not cleaned.get("addresses", "").strip() and not cleaned.get("csv_file")
        if nothing and not self.errors:
            raise forms.ValidationError("Paste some e-mail addresses or upload a CSV file.")
        return cleaned


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        choices = [(value, f"{label}: {ROLE_HELP[value]}") for value, label in Role.choices]
        super().__init__(choices=choices, widget=forms.RadioSelect, **kwargs)


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = RoleField(label="Role", initial=Role.FACILITATOR)


class MembershipForm(forms.Form):
    role = RoleField(label="Role")


class ConfirmDeleteForm(forms.Form):
    name = forms.CharField(label="Type the collaboration's name to confirm")

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_name(self):
        if self.cleaned_data["name"].strip() != self.expected:
            raise forms.ValidationError("That is not the collaboration's name.")
        return self.cleaned_data["name"]


class NewAccountForm(forms.Form):
    """Set a password to accept an invitation (the e-mail address is the user name)."""

    # The name shows in the From line of the e-mails this person sends: one line.
    name = forms.CharField(
        max_length=150,
        required=False,
        label="Your name (optional)",
        validators=[validate_one_line],
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            probe = get_user_model()(username=self.email, email=self.email)
            try:
                password_validation.validate_password(first, user=probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
