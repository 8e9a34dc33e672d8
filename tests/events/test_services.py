import threading
from datetime import datetime, timedelta

import icalendar
import pytest
from django.db import connection
from django.utils import timezone

from apps.events.models import Event, Registration
from apps.events.services import (
    AlreadyRegistered,
    CancellationRefused,
    RegistrationRefused,
    event_copy_next_quarter,
    event_fill_seats,
    registration_cancel,
    registration_create,
    registrations_mark_attendance,
    waitlist_position,
)
from apps.events.timezones import make_aware_local
from tests.factories import discard_queued_emails, make_event, make_registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


def _person(n, **overrides):
    return {
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "organisation": "",
        "role": "clinician",
        "is_nmt_certified": False,
        **overrides,
    }


def test_registrations_are_confirmed_until_the_seats_run_out_then_waitlisted_in_order():
    event = make_event(capacity=2)

    registrations = [registration_create(event=event, **_person(n)) for n in range(1, 5)]

    assert [r.status for r in registrations] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert [waitlist_position(r) for r in registrations] == [None, None, 1, 2]
    assert list(event.registrations.waitlisted().values_list("email", flat=True)) == [
        "person3@example.org",
        "person4@example.org",
    ]


def test_same_email_in_another_case_cannot_register_twice():
    event = make_event()
    registration_create(event=event, **_person(1, email="Dana@Example.org"))

    with pytest.raises(AlreadyRegistered, match="already registered for this event"):
        registration_create(event=event, **_person(2, email="  dana@example.ORG "))

    assert Registration.objects.filter(event=event).count() == 1


def test_same_email_may_register_for_two_different_events():
    first, second = make_event(), make_event()

    registration_create(event=first, **_person(1))
    registration_create(event=second, **_person(1))

    assert Registration.objects.filter(email="person1@example.org").count() == 2


def test_the_database_refuses_a_second_row_for_the_same_email_in_any_case():
    from django.db import IntegrityError

    event = make_event()
    registration_create(event=event, **_person(1, email="sam@example.org"))

    with pytest.raises(IntegrityError):
        Registration.objects.create(
            event=event, name="Sam", email="SAM@example.org", role="other", status=Status.CANCELLED
        )


def test_someone_who_cancelled_can_register_again_on_the_same_row():
    event = make_event()
    first = registration_create(event=event, **_person(1))
    registration_cancel(registration=first)

    again = registration_create(event=event, **_person(1, name="Person One Again"))

    assert again.pk == first.pk
    assert (again.status, again.name, again.cancelled_at) == (Status.CONFIRMED, "Person One Again", None)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts_at": timezone.now() - timedelta(minutes=5)}, "This event has already started"),
        ({"registration_closes_at": timezone.now() - timedelta(hours=1)}, "Registration for this event has closed."),
        ({"is_published": False}, "This event is not open for registration."),
    ],
)
def test_registration_is_refused_when_closed(overrides, message):
    event = make_event(**overrides)

    with pytest.raises(RegistrationRefused, match=message):
        registration_create(event=event, **_person(1))

    assert Registration.objects.count() == 0


def test_registration_not_yet_open_says_when_it_opens_in_the_events_zone():
    opens = make_aware_local(datetime(2030, 3, 1, 9, 0), "Europe/London")
    event = make_event(
        starts_at=make_aware_local(datetime(2030, 4, 2, 12, 0), "Europe/London"),
        timezone="Europe/London",
        registration_opens_at=opens,
    )

    with pytest.raises(RegistrationRefused) as refusal:
        registration_create(event=event, **_person(1))

    assert str(refusal.value) == "Registration opens on 1 March 2030, 09:00 GMT (Europe/London)."


def test_confirmation_email_has_the_join_link_the_cancel_link_and_a_calendar_file(send_queued, mailoutbox, settings):
    settings.SITE_URL = "https://nmt.example.org"
    event = make_event(
        title="Case-based training: spring",
        starts_at=make_aware_local(datetime(2030, 4, 4, 12, 0), "America/Chicago"),
        join_url="https://meet.example.org/secret-spring",
    )

    with send_queued():
        registration = registration_create(event=event, **_person(1, email="dana@example.org"))

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["dana@example.org"]
    assert email.subject == "You are registered: Case-based training: spring"
    assert "Join online: https://meet.example.org/secret-spring" in email.body
    assert "When:     4 April 2030, 12:00 CDT (America/Chicago, UTC−5)" in email.body
    assert "In UTC:   4 April 2030, 17:00 UTC" in email.body
    assert f"https://nmt.example.org/events/{event.slug}/cancel/" in email.body
    [attachment] = email.attachments
    assert (attachment.filename, attachment.mimetype) == (f"{event.slug}.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(attachment.content)
    [vevent] = calendar.walk("VEVENT")
    assert vevent["UID"] == f"event-{event.pk}@nmt.example.org"
    assert vevent.decoded("DTSTART") == make_aware_local(datetime(2030, 4, 4, 12, 0), "America/Chicago")
    assert vevent["DTSTART"].params["TZID"] == "America/Chicago"
    assert str(vevent["LOCATION"]) == "https://meet.example.org/secret-spring"
    assert registration.status == Status.CONFIRMED


def test_waitlist_email_has_the_position_and_no_join_link(send_queued, mailoutbox):
    event = make_event(capacity=1, join_url="https://meet.example.org/secret-full")
    registration_create(event=event, **_person(1))

    with send_queued():
        registration_create(event=event, **_person(2))

    [email] = [m for m in mailoutbox if m.to == ["person2@example.org"]]
    assert email.subject == f"You are on the waitlist: {event.title}"
    assert f"{event.title} is full, so you are number 1 on the waitlist.\n" in email.body
    assert "No calendar file comes with this email: the seat is not yours yet." in email.body
    assert "secret-full" not in email.body
    assert email.attachments == []


def test_cancelling_a_seat_promotes_the_first_waitlisted_and_emails_them_the_join_link(send_queued, mailoutbox):
    event = make_event(capacity=1, join_url="https://meet.example.org/secret-room")
    seated = registration_create(event=event, **_person(1))
    first_waiting = registration_create(event=event, **_person(2))
    second_waiting = registration_create(event=event, **_person(3))
    discard_queued_emails()

    with send_queued():
        promoted = registration_cancel(registration=seated)

    assert [r.pk for r in promoted] == [first_waiting.pk]
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert (first_waiting.status, first_waiting.waitlisted_at) == (Status.CONFIRMED, None)
    assert waitlist_position(second_waiting) == 1
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("person1@example.org", f"Registration cancelled: {event.title}"),
        ("person2@example.org", f"A seat opened up: you are registered for {event.title}"),
    ]
    [promotion] = [m for m in mailoutbox if m.to == ["person2@example.org"]]
    assert "Join online: https://meet.example.org/secret-room" in promotion.body
    [attachment] = promotion.attachments
    [vevent] = icalendar.Calendar.from_ical(attachment.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title


def test_leaving_the_waitlist_promotes_nobody():
    event = make_event(capacity=1)
    registration_create(event=event, **_person(1))
    waiting = registration_create(event=event, **_person(2))

    assert registration_cancel(registration=waiting) == []
    assert list(event.registrations.values_list("status", flat=True).order_by("pk")) == [
        Status.CONFIRMED,
        Status.CANCELLED,
    ]


def test_cancelling_twice_is_harmless(send_queued, mailoutbox):
    registration = make_registration()
    registration_cancel(registration=registration)
    discard_queued_emails()

    with send_queued():
        assert registration_cancel(registration=registration) == []

    assert mailoutbox == []


def test_cancelling_after_the_start_is_refused():
    event = make_event(starts_at=timezone.now() + timedelta(days=1))
    registration = registration_create(event=event, **_person(1))
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(CancellationRefused, match="already started"):
        registration_cancel(registration=registration)

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_a_larger_capacity_fills_seats_from_the_waitlist_in_order():
    event = make_event(capacity=1)
    people = [registration_create(event=event, **_person(n)) for n in range(1, 5)]
    event.capacity = 3
    event.save()

    promoted = event_fill_seats(event=event)

    assert [r.email for r in promoted] == ["person2@example.org", "person3@example.org"]
    assert waitlist_position(Registration.objects.get(pk=people[3].pk)) == 1


def test_attendance_is_marked_only_for_confirmed_registrations_of_events_that_began():
    past = make_event(starts_at=timezone.now() + timedelta(days=1), capacity=1)
    came = registration_create(event=past, **_person(1))
    waiting = registration_create(event=past, **_person(2))
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=22)
    )
    upcoming = registration_create(event=make_event(), **_person(3))

    marked, skipped = registrations_mark_attendance(registrations=Registration.objects.all(), attended=True)

    assert (marked, skipped) == (1, 2)
    assert dict(Registration.objects.values_list("pk", "attended")) == {
        came.pk: True,
        waiting.pk: None,
        upcoming.pk: None,
    }


# NEXT QUARTER


@pytest.mark.parametrize(
    ("zone", "start", "expected_local", "expected_utc"),
    [
        # Chicago: winter (CST, UTC−6) to spring (CDT, UTC−5); noon stays noon, UTC moves an hour.
        ("America/Chicago", datetime(2030, 1, 17, 12, 0), datetime(2030, 4, 17, 12, 0), datetime(2030, 4, 17, 17, 0)),
        # Chicago: late summer (CDT) to November (CST).
        ("America/Chicago", datetime(2030, 9, 19, 12, 0), datetime(2030, 12, 19, 12, 0), datetime(2030, 12, 19, 18, 0)),
        # Berlin: winter (CET, UTC+1) to spring (CEST, UTC+2).
        ("Europe/Berlin", datetime(2030, 1, 10, 18, 30), datetime(2030, 4, 10, 18, 30), datetime(2030, 4, 10, 16, 30)),
    ],
)
def test_next_quarter_keeps_the_local_wall_clock_time_across_daylight_saving(zone, start, expected_local, expected_utc):
    from datetime import UTC

    event = make_event(starts_at=make_aware_local(start, zone), timezone=zone, slug=f"case-based-{start:%Y-%m-%d}")

    copy = event_copy_next_quarter(event=event)

    assert copy.local_start.replace(tzinfo=None) == expected_local
    assert copy.starts_at.astimezone(UTC).replace(tzinfo=None) == expected_utc
    assert copy.slug == f"case-based-{expected_local:%Y-%m-%d}"
    assert (copy.is_published, copy.title, copy.timezone, copy.duration) == (
        False,
        event.title,
        zone,
        timedelta(minutes=90),
    )
    assert copy.registrations.count() == 0


def test_next_quarter_keeps_the_registration_window_relative_to_the_start():
    start = make_aware_local(datetime(2030, 1, 17, 12, 0), "America/Chicago")
    event = make_event(
        starts_at=start,
        registration_opens_at=start - timedelta(days=30),
        registration_closes_at=start - timedelta(hours=2),
    )

    copy = event_copy_next_quarter(event=event)

    assert copy.starts_at - copy.registration_opens_at == timedelta(days=30)
    assert copy.starts_at - copy.registration_closes_at == timedelta(hours=2)


def test_next_quarter_gets_a_unique_slug_and_is_not_created_twice():
    start = make_aware_local(datetime(2030, 1, 17, 12, 0), "America/Chicago")
    make_event(slug="case-based-training-2030-04-17", title="Something else")
    event = make_event(starts_at=start, slug="case-based-training", title="NMT case-based training")

    copy = event_copy_next_quarter(event=event)

    assert copy.slug == "case-based-training-2030-04-17-2"
    with pytest.raises(ValueError, match="already has an edition on 2030-04-17"):
        event_copy_next_quarter(event=event)


def test_next_quarter_is_only_for_case_based_trainings():
    workshop = make_event(kind=Event.Kind.WORKSHOP)

    with pytest.raises(ValueError, match="is not a case-based training"):
        event_copy_next_quarter(event=workshop)


# CONCURRENCY


def _run_concurrently(count, target):
    """Start `count` threads at the same moment; each runs target(n) on its own connection."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(n):
        try:
            barrier.wait()
            outcomes[n] = target(n)
        except Exception as error:  # the outcome is what the test checks
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_confirm_more_than_the_seats():
    event = make_event(capacity=5)

    outcomes = _run_concurrently(16, lambda n: registration_create(event=event, **_person(n)).status)

    assert sorted(outcomes) == sorted([Status.CONFIRMED] * 5 + [Status.WAITLISTED] * 11)
    assert event.registrations.confirmed().count() == 5
    positions = sorted(
        Registration.objects.filter(event=event).with_waitlist_position().values_list("waitlist_position", flat=True),
        key=lambda p: (p is not None, p),
    )
    assert positions == [None] * 5 + list(range(1, 12))


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_with_one_email_make_one_registration():
    event = make_event(capacity=5)
    spellings = ["dana@example.org", "DANA@example.org", "Dana@Example.org", "dana@EXAMPLE.ORG"]

    outcomes = _run_concurrently(4, lambda n: registration_create(event=event, **_person(n, email=spellings[n])))

    assert sum(isinstance(o, Registration) for o in outcomes) == 1
    assert sum(isinstance(o, AlreadyRegistered) for o in outcomes) == 3
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_each_waitlisted_person_once():
    event = make_event(capacity=3)
    seated = [registration_create(event=event, **_person(n)) for n in range(3)]
    for n in range(3, 8):
        registration_create(event=event, **_person(n))

    _run_concurrently(3, lambda n: registration_cancel(registration=seated[n]))

    assert event.registrations.confirmed().count() == 3
    assert sorted(event.registrations.confirmed().values_list("email", flat=True)) == [
        "person3@example.org",
        "person4@example.org",
        "person5@example.org",
    ]
    assert list(event.registrations.waitlisted().values_list("email", flat=True)) == [
        "person6@example.org",
        "person7@example.org",
    ]
