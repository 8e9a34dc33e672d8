"""Forms of the accounts app."""

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from django import forms

from apps.core.form_messages import email_messages

from .services import account_for_address


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's "email me a code", for every address: an address with no account gets one (unconfirmed
    until the code is typed), so everyone is sent a code and the page never tells who is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "We send the code here. Nobody can sign in without it."
        email.widget.attrs.pop("placeholder", None)

    def clean_email(self):
        email = super().clean_email()
        if email:
            # allauth also finds an account by its own email field (a staff account made in the
            # admin); either way the address gets its EmailAddress, for the code to confirm.
            self._user = account_for_address(email=email)
        return email


# SITES


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We email them a link to My NMT. They accept signed in with this address.",
        error_messages=email_messages("Enter the email address of the person to invite"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class HandoverForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the new coordinator",
        max_length=254,
        help_text="They confirm in their own My NMT. Until then you stay the coordinator; afterwards you are a "
        "staff member of the site, and you can leave it.",
        error_messages=email_messages("Enter the email address of the person who takes over"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


# PRIVACY


class ErasureForm(forms.Form):
    """The person's confirmation that they want their data erased, and what they want to tell us."""

    confirm = forms.BooleanField(
        label="I understand that my account and my records will be deleted, except what the rules below keep.",
        error_messages={"required": "Tick the box to confirm that you want your data erased."},
    )
    reason = forms.CharField(
        label="Anything you want to tell us (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep it to 2,000 characters or fewer (you typed %(show_value)d)."},
    )
