"""Forms of the accounts app."""

from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm

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
