"""django-allauth, the portal's way: its emails go through the task queue like every other email
(nothing is sent inside the request, so a known and an unknown address take the same time), and
nobody signs up apart from signing in: a code sent to an address is the whole sign-in."""

from allauth.account.adapter import DefaultAccountAdapter

from apps.core.emails import email_queue_text


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are made by signing in with a code (forms.RequestLoginCodeForm).
        return False

    def send_mail(self, template_prefix, email, context):
        from allauth.core import context as allauth_context

        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": self._site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        email_queue_text(to=message.to, subject=message.subject, body=message.body)

    @staticmethod
    def _site(request):
        from django.contrib.sites.shortcuts import get_current_site

        return get_current_site(request)


def user_display(user):
    """How allauth names a person in its pages and messages: by the address they sign in with
    (their username is an internal token, never shown)."""
    return user.email or "you"
