"""The status lookup: a reference number and the email it was made with."""

import re

from django import forms
from django.core.exceptions import ValidationError

from apps.core.form_messages import email_messages, text_messages

REFERENCE_PATTERN = re.compile(r"^NMT-[IS]-\d{4}-\d{5}$")


class LookupForm(forms.Form):
    reference = forms.CharField(
        label="Reference number",
        max_length=20,
        help_text="As in your confirmation email, e.g. NMT-I-2026-00042.",
        error_messages=text_messages(
            required="Enter your reference number, like NMT-I-2026-00042", what="The reference number", limit=20
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email",
        help_text="The address the application was made with.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=email_messages("Enter the email address you applied with"),
    )

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if not REFERENCE_PATTERN.match(reference):
            raise ValidationError("Enter the reference as it appears in your email, e.g. NMT-I-2026-00042.")
        return reference


def normalise_reference(value):
    """Upper case, no spaces, and any kind of dash made a hyphen: "nmt–i–2026–00042 " becomes NMT-I-2026-00042."""
    value = re.sub(r"\s+", "", str(value or "")).upper()
    return re.sub(r"[\u2010-\u2015\u2212]", "-", value)
