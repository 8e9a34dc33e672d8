from django import forms

from apps.core.form_messages import choice_messages, email_messages, text_messages

from .models import Event, Registration
from .timezones import timezone_names


class RegistrationForm(forms.ModelForm):
    is_nmt_certified = forms.TypedChoiceField(
        label="Are you NMT-certified?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages=choice_messages(
            "yes or no", required="Select yes if you are NMT-certified, or no if you are not"
        ),
    )
    # A field people never see: bots that fill every input give themselves away.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Registration
        fields = ["name", "email", "organisation", "role", "is_nmt_certified"]
        labels = {"name": "Your name", "email": "Your email", "organisation": "Organisation (optional)", "role": "Role"}
        help_texts = {"email": "We send the confirmation and, for online events, the join link to this address."}
        error_messages = {
            "name": text_messages(required="Enter your name", what="Your name", limit=150),
            "email": email_messages(),
            "organisation": text_messages(what="The organisation's name", limit=200),
            "role": choice_messages("your role", required="Select your role"),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose your role"), *Registration.Role.choices]

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    def registration_data(self):
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


# /events/past/ is a page of its own, so no event may take its address.
RESERVED_SLUGS = {"past"}


class EventAdminForm(forms.ModelForm):
    """Editors type every time as a wall-clock time in the event's time zone: EventAdmin activates
    that zone (the one being submitted, on a POST) while the form parses and shows the times, and
    Django refuses a time that the zone skips or repeats at a daylight-saving change."""

    timezone = forms.ChoiceField(label="Time zone", choices=[])

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "kind",
            "description",
            "starts_at",
            "timezone",
            "duration",
            "join_url",
            "venue",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "is_published",
            "ce_instruction_minutes",
            "ce_format",
            "ce_requires_evaluation",
            "ce_requires_post_test",
            "ce_post_test_pass_percent",
        ]
        help_texts = {
            "starts_at": "The wall-clock time in the event's time zone, such as 12:00 for noon in Chicago.",
            "registration_opens_at": "In the event's time zone. Empty: open as soon as the event is published.",
            "registration_closes_at": "In the event's time zone. Empty: open until the event starts.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(name, name.replace("_", " ")) for name in timezone_names()]
        self.fields["timezone"].help_text = "The IANA time zone the event is held in; the times above are in it."

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError("“%(slug)s” is a page of its own; choose another slug.", params={"slug": slug})
        return slug

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("join_url") and not cleaned.get("venue"):
            self.add_error("join_url", "Give an online join link or a venue (or both).")
        opens, closes = cleaned.get("registration_opens_at"), cleaned.get("registration_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", "Registration must close after it opens.")
        return cleaned
