"""Attendance marked by hand (an in-person workshop has no participant export): the admin's "Mark as
attended" and "Mark as absent" give CE credit as the whole instruction or none, leave imported
attendance alone, and invite the attended once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.roles import CONTENT_EDITORS
from apps.events.models import Registration
from apps.events.services import registration_cancel, registrations_mark_attendance
from apps.learning.attendance import attendance_import, attendance_mark_by_hand
from apps.learning.invitations import invite_pending
from apps.learning.models import CECertificate, CERecord, CreditAward, CreditOffer
from tests.factories import discard_queued_emails, make_registration, make_staff
from tests.learning.attendee_builders import end_event, make_ce_event
from tests.learning.ce_builders import make_ce_certificate
from tests.staff import admin_login

pytestmark = pytest.mark.django_db

FULL_APA = "marked as attended by staff: attended 90 of 90 minutes: 1 hour"
FULL_NBCC = "marked as attended by staff: attended 90 of 90 minutes: 1.5 hours"


def _workshop(**overrides):
    """A 90-minute training (7 March 2025, over) offering APA and NBCC, which allows half hours."""
    event = make_ce_event(offers=("apa", "nbcc"), **overrides)
    CreditOffer.objects.filter(event=event, credit_type="nbcc").update(allows_half_hours=True)
    return event


def _mark(registrations, attended):
    """What the admin's action does: the events service, then the CE credit."""
    queryset = Registration.objects.filter(pk__in=[registration.pk for registration in registrations])
    registrations_mark_attendance(registrations=queryset, attended=attended)
    return attendance_mark_by_hand(registrations=queryset, attended=attended)


def _awards(registration):
    return list(
        CreditAward.objects.filter(registration=registration)
        .order_by("offer__credit_type")
        .values_list("offer__credit_type", "minutes_attended", "hours", "reason")
    )


def test_marked_attended_earns_the_whole_instruction_per_offer():
    event = _workshop()
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    end_event(event)

    marking = _mark([dana], True)

    assert _awards(dana) == [
        ("apa", 90, Decimal("1.0"), FULL_APA),
        ("nbcc", 90, Decimal("1.5"), FULL_NBCC),
    ]
    assert marking.credited == [dana]
    assert (marking.imported, marking.certified, marking.unfit) == ([], [], [])
    dana.refresh_from_db()
    assert dana.attended is True


def test_marked_absent_sets_the_credit_to_none():
    event = _workshop()
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    end_event(event)
    _mark([dana], True)

    marking = _mark([dana], False)

    assert _awards(dana) == [
        ("apa", 0, Decimal("0.0"), "marked absent by staff"),
        ("nbcc", 0, Decimal("0.0"), "marked absent by staff"),
    ]
    assert marking.credited == [dana]
    assert marking.invited == []


def test_imported_attendance_is_left_alone():
    event = _workshop()
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    end_event(event)
    export = "Name,Email,Join Time,Leave Time\nDana,dana@example.org,2025-03-07 12:00,2025-03-07 12:40\n"
    attendance_import(event=event, text=export, filename="zoom.csv")
    before = _awards(dana)

    marking = _mark([dana], True)

    assert before == [
        ("apa", 40, Decimal("0.0"), "attended 40 of 90 minutes: no credit (less than a full hour)"),
        (
            "nbcc",
            40,
            Decimal("0.5"),
            "attended 40 of 90 minutes: 0.5 hours (a 50-minute absence voids the second and third half hours)",
        ),
    ]
    assert _awards(dana) == before
    assert marking.imported == [dana]
    assert marking.credited == []


def test_waitlisted_cancelled_and_not_yet_begun_registrations_are_skipped():
    event = _workshop(capacity=1)
    seated = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    waiting = make_registration(event=event, name="Sam Ortiz", email="sam@example.org")
    cancelled = make_registration(event=_workshop(), name="Lee Park", email="lee@example.org")
    registration_cancel(registration=cancelled)
    upcoming = make_registration(event=_workshop(), name="Kim Lee", email="kim@example.org")
    end_event(event)
    end_event(cancelled.event)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED

    marking = _mark([seated, waiting, cancelled, upcoming], True)

    assert marking.credited == [seated]
    assert sorted(CreditAward.objects.values_list("registration__email", flat=True)) == [
        "dana@example.org",
        "dana@example.org",
    ]


def test_an_event_without_credit_offers_gets_no_awards():
    event = make_ce_event(offers=())
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    end_event(event)

    marking = _mark([dana], True)

    assert marking.credited == []
    assert not CreditAward.objects.exists()


def test_the_attended_are_invited_once(send_queued, mailoutbox):
    event = _workshop()
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    end_event(event)

    with send_queued():
        marking = _mark([dana], True)
    with send_queued():
        again = _mark([dana], True)

    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["dana@example.org"], "Your CE certificate for Spring case-based training: the evaluation to complete")
    ]
    assert (marking.invited, again.invited) == ([dana], [])
    assert CERecord.objects.get(registration=dana).invited_at is not None


def test_an_event_not_over_gets_credit_and_no_invitation_yet(send_queued, mailoutbox):
    event = _workshop()
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    end_event(event, start=timezone.now() - timedelta(minutes=30))

    with send_queued():
        marking = _mark([dana], True)

    assert [award[2] for award in _awards(dana)] == [Decimal("1.0"), Decimal("1.5")]
    assert marking.invited == []
    assert mailoutbox == []


def test_the_daily_sweep_invites_those_marked_while_the_event_ran_once_it_is_over(send_queued, mailoutbox):
    event = _workshop()
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    end_event(event, start=timezone.now() - timedelta(minutes=30))
    _mark([dana], True)
    later = event.ends_at + timedelta(hours=1)

    with send_queued():
        first = invite_pending(now=later)
        second = invite_pending(now=later + timedelta(days=1))

    assert (first, second) == ([dana], [])
    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["dana@example.org"], f"Your CE certificate for {event.title}: the evaluation to complete")
    ]
    assert CERecord.objects.get(registration=dana).invited_at == later


def test_the_daily_sweep_leaves_trainings_past_its_window_alone():
    event = _workshop()
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    end_event(event, start=timezone.now() - timedelta(minutes=30))
    _mark([dana], True)

    assert invite_pending(now=event.ends_at + timedelta(days=91)) == []
    assert not CERecord.objects.filter(registration=dana, invited_at__isnull=False).exists()


def test_a_certificate_already_issued_stays_when_marked_absent():
    certificate = make_ce_certificate()
    registration = certificate.registration

    marking = attendance_mark_by_hand(registrations=Registration.objects.filter(pk=registration.pk), attended=False)

    assert marking.certified == [registration]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert CECertificate.objects.valid().count() == 1
    assert _awards(registration) == [("apa", 0, Decimal("0.0"), "marked absent by staff")]


def _queries(count, attended):
    event = _workshop()
    registrations = [make_registration(event=event) for _ in range(count)]
    end_event(event, start=timezone.now() - timedelta(minutes=30))  # begun, not over: no emails
    queryset = Registration.objects.filter(pk__in=[registration.pk for registration in registrations])
    with CaptureQueriesContext(connection) as queries:
        attendance_mark_by_hand(registrations=queryset, attended=attended)
    return len(queries)


@pytest.mark.parametrize("attended", [True, False])
def test_the_query_count_does_not_grow_with_the_registrations(attended):
    assert _queries(1, attended) == _queries(5, attended)


def test_the_query_count_with_invitations_grows_only_by_the_emails():
    few, many = _workshop(), _workshop()
    for event, count in ((few, 1), (many, 4)):
        for _ in range(count):
            make_registration(event=event)
        end_event(event)

    counts = []
    for event in (few, many):
        with CaptureQueriesContext(connection) as queries:
            attendance_mark_by_hand(registrations=event.registrations.all(), attended=True)
        counts.append(len(queries))

    # Each email reads its staff-editable text and inserts its task row (apps/core/emails.py): two
    # queries per email, no more.
    assert counts[1] - counts[0] == 3 * 2


# --- the admin's actions ---


@pytest.fixture
def editor_client(client, roles):
    return admin_login(client, make_staff(role=CONTENT_EDITORS))


def _action(client, action, registrations):
    return client.post(
        "/admin/events/registration/",
        {"action": action, "_selected_action": [registration.pk for registration in registrations]},
        follow=True,
    )


def test_the_admin_marks_attended_with_credit_and_an_invitation(editor_client, send_queued, mailoutbox):
    event = _workshop()
    dana = make_registration(event=event, name="Dana Whitfield", email="dana@example.org")
    sam = make_registration(event=event, name="Sam Ortiz", email="sam@example.org")
    end_event(event)
    export = "Name,Email,Join Time,Leave Time\nSam,sam@example.org,2025-03-07 12:00,2025-03-07 13:30\n"
    attendance_import(event=event, text=export, filename="zoom.csv")
    discard_queued_emails()  # Sam's invitation, queued by the import

    with send_queued():
        response = _action(editor_client, "mark_attended", [dana, sam])

    assert [str(m) for m in response.context["messages"]] == [
        "2 registrations marked as attended.",
        "CE credit recorded for 1 registration as full attendance of the instruction; 1 emailed the CE invitation.",
        "CE credit left as imported for Sam Ortiz: the imported attendance is the better record. To change it, "
        "import a corrected participant export.",
    ]
    assert _awards(dana) == [("apa", 90, Decimal("1.0"), FULL_APA), ("nbcc", 90, Decimal("1.5"), FULL_NBCC)]
    assert [m.to for m in mailoutbox] == [["dana@example.org"]]


def test_the_admin_marks_absent_and_says_a_certificate_stays(editor_client):
    certificate = make_ce_certificate(registration=None)
    registration = certificate.registration

    response = _action(editor_client, "mark_absent", [registration])

    assert [str(m) for m in response.context["messages"]] == [
        "1 registration marked as absent.",
        "CE credit set to none for 1 registration.",
        f"{registration.name} already has a CE certificate for this event, which stays valid: revoke it under CE "
        "certificates if it should not stand.",
    ]
    registration.refresh_from_db()
    assert registration.attended is False
    assert _awards(registration) == [("apa", 0, Decimal("0.0"), "marked absent by staff")]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
