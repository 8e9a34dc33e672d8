from django import forms

from apps.core.form_messages import choice_messages, email_messages, text_messages

from .models import Inquiry


class InquiryForm(forms.ModelForm):
    # A field people never see: bots that fill every input give themselves away.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Inquiry
        fields = ["name", "email", "organisation", "topic", "message"]
        labels = {"name": "Your name", "email": "Your email", "organisation": "Organisation (optional)"}
        help_texts = {
            "email": "We reply to this address and use it for nothing else.",
            "message": "Up to 5,000 characters.",
        }
        error_messages = {
            "name": text_messages(required="Enter your name", what="Your name", limit=120),
            "email": email_messages(),
            "organisation": text_messages(what="The organisation's name", limit=200),
            "topic": choice_messages("a topic", required="Select a topic"),
            "message": text_messages(required="Enter your message", what="Your message", limit=5000),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))
