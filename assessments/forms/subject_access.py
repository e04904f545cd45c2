"""The forms of a subject access or erasure request (``views.subject_access``): the address
to look for, and the erasure's confirmation (the address typed again)."""

from __future__ import annotations

from django import forms

from assessments.services.subject_access import normalise_address

# Which button of the page was pressed ("find" when none: a plain Enter in the address field).
FIND, EXPORT, ERASE = "find", "export", "erase"


class SubjectForm(forms.Form):
    """The address a request is about: trimmed, lower case, checked as an e-mail address."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address the person gave you: upper or lower case does not matter.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_email(self) -> str:
        return normalise_address(self.cleaned_data["email"])


class EraseForm(SubjectForm):
    """The address (carried from the findings) and the same address typed again."""

    email = forms.EmailField(max_length=254, widget=forms.HiddenInput)
    confirm = forms.CharField(
        label="Type the e-mail address again to confirm",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        cleaned = super().clean()
        email, confirm = cleaned.get("email"), cleaned.get("confirm")
        if email and confirm is not None and normalise_address(confirm) != email:
            self.add_error("confirm", "That is not the same address: nothing was erased.")
        return cleaned
