"""Emails reach every mailer with their lines whole (links are never cut by quoted-printable), with a
branded HTML copy of the same words."""

import email
import email.policy

import pytest
from django.conf import settings

from apps.certifications import services
from apps.core.mail import PortalEmail
from tests.factories import make_application

pytestmark = pytest.mark.django_db


def _confirmation(send_queued, mailoutbox, **overrides):
    """The confirmation the applicant is sent when their draft is submitted (a builder discards the
    emails of the data it makes: the submission is this test's own)."""
    draft = make_application(status="draft", **overrides)
    with send_queued():
        application = services.application_submit(application=draft)
    message = next(m for m in mailoutbox if m.to == [application.email])
    return message


def _private_link(message):
    """The status link the email carries (a signed link names the second it was made: the test's own
    `status_url()` may fall in the next one)."""
    [link] = [line for line in message.body.splitlines() if line.startswith(f"{settings.SITE_URL}/applications/")]
    return link


@pytest.mark.parametrize(
    ("policy", "linesep"), [(email.policy.default, b"\n"), (email.policy.SMTP, b"\r\n")], ids=["console", "smtp"]
)
def test_an_ascii_email_is_7bit_and_its_long_link_is_one_line(send_queued, mailoutbox, policy, linesep):
    message = _confirmation(send_queued, mailoutbox)
    link = _private_link(message)

    raw = message.message(policy=policy).as_bytes()

    assert len(link) > 78
    assert b'Content-Type: text/plain; charset="utf-8"' + linesep in raw
    assert b"Content-Transfer-Encoding: 7bit" + linesep in raw
    assert linesep + link.encode() + linesep in raw
    assert b"=3D" not in raw
    assert raw.count(b"=" + linesep) == raw.count(b"==" + linesep)  # only the MIME boundaries end in "="


def test_an_email_with_a_non_ascii_name_is_8bit_and_reads_as_written(send_queued, mailoutbox):
    message = _confirmation(send_queued, mailoutbox, full_name="Zoë Ångström-Nuñez")

    raw = message.message(policy=email.policy.SMTP).as_bytes()

    assert b"Content-Transfer-Encoding: 8bit\r\n" in raw
    assert "Dear Zoë Ångström-Nuñez,\r\n".encode() in raw
    assert b"\r\n" + _private_link(message).encode() + b"\r\n" in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed.get_body(preferencelist=("plain",)).get_content() == message.body.replace("\n", "\r\n")


def test_a_line_past_the_smtp_limit_stays_legal_as_quoted_printable():
    body = "Short line.\n" + "é" * 600 + "\n"

    raw = PortalEmail(subject="Long", body=body, to=["a@example.org"]).message(policy=email.policy.SMTP).as_bytes()

    assert b"Content-Transfer-Encoding: quoted-printable\r\n" in raw
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert email.message_from_bytes(raw, policy=email.policy.default).get_content() == body.replace("\n", "\r\n")


def test_an_email_with_an_attachment_keeps_its_body_whole():
    link = "https://nmt.example.org/applications/" + "x" * 120 + "/"
    message = PortalEmail(subject="Seat", body=f"Your link:\n{link}\n", to=["a@example.org"])
    message.attach("training.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")

    raw = message.message().as_bytes()

    assert b"Content-Transfer-Encoding: 7bit\n\nYour link:\n" + link.encode() + b"\n" in raw
    assert b'Content-Type: text/calendar; charset="utf-8"' in raw


def test_an_email_has_a_branded_html_copy_of_the_same_words(send_queued, mailoutbox):
    message = _confirmation(send_queued, mailoutbox, full_name="Ana <b>Ruiz</b> & Co")
    link = _private_link(message)

    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    html = parsed.get_body(preferencelist=("html",)).get_content()

    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert f'<a href="{link}" rel="nofollow">{link}</a>' in html
    assert "<p>Dear Ana &lt;b&gt;Ruiz&lt;/b&gt; &amp; Co,</p>" in html
    assert "<b>Ruiz</b>" not in html
    assert f"<title>{message.subject}</title>" in html
    assert "background:#0a3540" in html
    assert "NMT certification attests completed training, not clinical competence." in html
