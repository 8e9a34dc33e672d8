"""The CE invitation after an attendance import: once per attendee with credit, the link to their
CE page and what it needs; or, when nothing is needed, the certificate straight away."""

from datetime import timedelta

import pytest

from apps.core.emails import editable_emails, email_render
from apps.learning.attendance import attendance_import
from apps.learning.invitations import invite_attendees
from apps.learning.models import CECertificate, CERecord
from apps.learning.tokens import ce_url
from tests.factories import make_registration
from tests.learning.attendee_builders import end_event, make_attendee, make_ce_event

pytestmark = pytest.mark.django_db

# The 7 March 2025 training, 12:00 to 13:30 in New York.
FULL = ("2025-03-07 12:00", "2025-03-07 13:30")
SHORT = ("2025-03-07 12:00", "2025-03-07 12:40")


def _csv(*rows):
    return "\n".join(["Name,Email,Join Time,Leave Time", *(",".join(row) for row in rows)]) + "\n"


def _event_with_registrants(**overrides):
    event = make_ce_event(**overrides)
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    sam = make_registration(event=event, name="Sam Ortiz", email="sam@example.org")
    lee = make_registration(event=event, name="Lee Park", email="lee@example.org")
    end_event(event)
    return event, dana, sam, lee


EXPORT = _csv(
    ("Dana", "dana@example.org", *FULL),
    ("Sam", "sam@example.org", *FULL),
    ("Lee", "lee@example.org", *SHORT),
)


def test_the_import_invites_each_attendee_with_credit_once(send_queued, mailoutbox):
    event, dana, sam, lee = _event_with_registrants(ce_requires_post_test=True)

    with send_queued():
        attendance_import(event=event, text=EXPORT, filename="zoom.csv")

    assert sorted(m.to[0] for m in mailoutbox) == ["dana@example.org", "sam@example.org"]
    assert {m.subject for m in mailoutbox} == {
        "Your CE certificate for Spring case-based training: the evaluation and the post-test to complete"
    }
    dana_mail = next(m for m in mailoutbox if m.to == ["dana@example.org"])
    assert ce_url(dana) in dana_mail.body
    assert "Your CE certificate is released once you have completed the evaluation and the post-test." in (
        dana_mail.body
    )
    assert "on 7 March 2025" in dana_mail.body
    assert set(CERecord.objects.filter(invited_at__isnull=False).values_list("registration", flat=True)) == {
        dana.pk,
        sam.pk,
    }
    assert not CERecord.objects.filter(registration=lee).exists()
    assert not CECertificate.objects.exists()


def test_importing_the_same_file_again_emails_nobody(send_queued, mailoutbox):
    event, *_ = _event_with_registrants()
    with send_queued():
        attendance_import(event=event, text=EXPORT, filename="zoom.csv")
    mailoutbox.clear()

    with send_queued():
        attendance_import(event=event, text=EXPORT, filename="zoom.csv")

    assert mailoutbox == []


def test_a_later_export_invites_only_who_newly_earned_credit(send_queued, mailoutbox):
    event, _dana, _sam, _lee = _event_with_registrants()
    with send_queued():
        attendance_import(event=event, text=EXPORT, filename="zoom.csv")
    mailoutbox.clear()

    with send_queued():
        attendance_import(event=event, text=_csv(("Lee", "lee@example.org", *FULL)), filename="fixed.csv")

    assert [m.to for m in mailoutbox] == [["lee@example.org"]]
    assert [m.subject for m in mailoutbox] == [
        "Your CE certificate for Spring case-based training: the evaluation to complete"
    ]


def test_without_evaluation_or_post_test_the_certificate_is_released_and_emailed(send_queued, mailoutbox):
    event, dana, _sam, _lee = _event_with_registrants(ce_requires_evaluation=False, offers=("apa", "nbcc"))

    with send_queued():
        attendance_import(event=event, text=EXPORT, filename="zoom.csv")

    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("dana@example.org", "Your CE certificate is ready: Spring case-based training"),
        ("sam@example.org", "Your CE certificate is ready: Spring case-based training"),
    ]
    assert CECertificate.objects.filter(registration=dana).count() == 2
    dana_mail = next(m for m in mailoutbox if m.to == ["dana@example.org"])
    for certificate in CECertificate.objects.filter(registration=dana):
        assert f"{certificate.number}: 1.0 hours {certificate.credit_type}" in dana_mail.body
    assert ce_url(dana) in dana_mail.body


def test_an_import_before_the_event_is_over_invites_nobody(send_queued, mailoutbox):
    event = make_ce_event(duration=timedelta(minutes=90))
    make_registration(event=event, email="dana@example.org")
    start = event.local_start
    row = (f"{start:%Y-%m-%d %H:%M}", f"{start + timedelta(minutes=90):%Y-%m-%d %H:%M}")

    with send_queued():
        attendance_import(event=event, text=_csv(("Dana", "dana@example.org", *row)), filename="zoom.csv")

    assert mailoutbox == []
    assert not CERecord.objects.exists()


def test_invite_attendees_takes_an_event_and_returns_whom_it_invited(send_queued, mailoutbox):
    event = make_ce_event()
    dana = make_attendee(event)
    make_attendee(event, hours="0.0")
    end_event(event)

    with send_queued():
        first = invite_attendees(event)
        second = invite_attendees(event)

    assert first == [dana]
    assert second == []
    assert len(mailoutbox) == 1


def test_the_ce_emails_are_editable_and_their_samples_render():
    emails = editable_emails()

    for template in ("learning/email/ce_invitation", "learning/email/ce_certificates_ready"):
        subject, body = email_render(template=template, context=emails[template].sample_context())
        assert "Spring case-based training" in subject
        assert "Dear Dana Whitfield," in body
