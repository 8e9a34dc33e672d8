"""The mailer of a production process started without EMAIL_URL."""

from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend


class UnconfiguredEmailBackend(BaseEmailBackend):
    """Refuses to send, so the email task fails and is retried once EMAIL_URL is set; nothing is
    printed to the log (applicants' details) or silently dropped."""

    def send_messages(self, email_messages):
        raise ImproperlyConfigured("EMAIL_URL is not set: this process cannot send email.")
