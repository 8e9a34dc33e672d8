"""How the portal's emails are composed, and the mailer of a process started without EMAIL_URL."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

# RFC 5321 4.5.3.1.6 and RFC 5322 2.1.1: at most 998 characters a line, before the CRLF.
LINE_LIMIT = 998


class PlainTextEmail(EmailMessage):
    """A plain-text email whose lines reach every mailer, console and SMTP, as they were written.

    Django 6.1 builds the body with Python's `set_content()`, which chooses quoted-printable for
    any line longer than the policy's 78 characters: a long private link then arrives cut by soft
    breaks (`=` at line ends, `=3D` for `=`). Here the body is 7bit when ASCII and 8bit otherwise
    (what Django sent before 6.0); only a body with a line past the 998-character limit goes
    quoted-printable, the readable encoding that makes such a line legal.
    """

    def _add_bodies(self, msg):
        charset = self.encoding or settings.DEFAULT_CHARSET
        if self.attachments and not self.body:
            return
        if max((len(line) for line in self.body.encode(charset).splitlines()), default=0) > LINE_LIMIT:
            cte = "quoted-printable"
        else:
            cte = "7bit" if self.body.isascii() else "8bit"
        msg.set_content(self.body, subtype=self.content_subtype, charset=charset, cte=cte)


class UnconfiguredEmailBackend(BaseEmailBackend):
    """Refuses to send, so the email task fails and is retried once EMAIL_URL is set; nothing is
    printed to the log (applicants' details) or silently dropped."""

    def send_messages(self, email_messages):
        raise ImproperlyConfigured("EMAIL_URL is not set: this process cannot send email.")
