from django import forms

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
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def is_spam(self):
        return bool(self.cleaned_data.get("website"))
