"""How the portal's emails are composed, and the mailer of a process started without EMAIL_URL."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from .models import SiteSettings

# RFC 5321 4.5.3.1.6 and RFC 5322 2.1.1: at most 998 characters a line, before the CRLF.
LINE_LIMIT = 998


class PortalEmail(EmailMultiAlternatives):
    """An email whose plain text reaches every mailer, console and SMTP, as it was written, with
    any alternatives (the branded HTML copy of `email_html`) after it.

    Django 6.1 builds the body with Python's `set_content()`, which chooses quoted-printable for
    any line longer than the policy's 78 characters: a long private link then arrives cut by soft
    breaks (`=` at line ends, `=3D` for `=`). Here the body and the HTML copy are 7bit when ASCII
    and 8bit otherwise (what Django sent before 6.0); only a part with a line past the
    998-character limit goes quoted-printable, the readable encoding that makes such a line legal.
    """

    def _add_bodies(self, msg):
        charset = self.encoding or settings.DEFAULT_CHARSET
        if self.attachments and not self.body:
            return
        msg.set_content(self.body, subtype=self.content_subtype, charset=charset, cte=_transfer_encoding(self.body))
        if self.alternatives:
            msg.make_alternative()
            for content, mimetype in self.alternatives:
                subtype = mimetype.split("/", 1)[1]
                msg.add_alternative(content, subtype=subtype, charset=charset, cte=_transfer_encoding(content))


def _transfer_encoding(text, charset=settings.DEFAULT_CHARSET):
    if max((len(line) for line in text.encode(charset).splitlines()), default=0) > LINE_LIMIT:
        return "quoted-printable"
    return "7bit" if text.isascii() else "8bit"


def email_html(*, subject, body):
    """The HTML copy of an email: its plain text, escaped, in paragraphs with its links made
    clickable, inside the portal's letterhead. Nothing but the text is in it, so both parts always
    say the same; no image or style is fetched from anywhere."""
    context = {"subject": subject, "body": body.strip(), "site_url": settings.SITE_URL}
    return render_to_string("includes/email.html", {**context, "site_settings": SiteSettings.load()})


class UnconfiguredEmailBackend(BaseEmailBackend):
    """Refuses to send, so the email task fails and is retried once EMAIL_URL is set; nothing is
    printed to the log (applicants' details) or silently dropped."""

    def send_messages(self, email_messages):
        raise ImproperlyConfigured("EMAIL_URL is not set: this process cannot send email.")
